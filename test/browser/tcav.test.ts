/**
 * gw.tcav in JupyterLab and Chromium: a real TCAV of the watermark concept in shortcut-mnist-cnn (lab 12's
 * set-up), computed in the Glasswing kernel and drawn by the shared matrix view as concepts x layers, '*'
 * where significant, each CAV's score on a click. Screenshot: .cache/screenshots/matrix-tcav.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { log, openNotebook, ROOT, SCREENSHOTS, startLab, type Lab } from './lab'
import { chooseKernel } from './notebook'

const kernel = chooseKernel()
let lab: Lab
let page: Page

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  log('lab started')
  const cells = [
    [
      `const shortcut = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'shortcut-mnist-cnn'))})`,
      "const stamped = await gw.datasets.mnist({ split: 'test', limit: 300, watermark: true })",
      "const plain = await gw.datasets.mnist({ split: 'train', limit: 200 })",
      "import * as tf from '@tensorflow/tfjs'",
      'const threes = tf.gather(stamped.images, stamped.labels.arraySync().flatMap((l, i) => (l === 3 ? [i] : [])).slice(0, 24))',
      "console.log('ready')",
    ].join('\n'),
    [
      'await gw.tcav(shortcut, {',
      "  inputs: threes, target: 3, layers: ['dense_1', 'flatten_1'],",
      "  concepts: { watermark: 'watermark', random: plain.images.slice(100, 100) },",
      '  random: plain.images.slice(0, 100), setSize: 20, randomSets: 20, seed: 1,',
      '})',
    ].join('\n'),
  ]
  page = await openNotebook(lab, 'tcav.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '')

/** The centre of cell (row, column) of the view's canvas, in page coordinates. */
async function cellPoint(view: Locator, columns: number, rows: number, row: number, column: number) {
  const box = (await view.locator('canvas.gw-matrix-cells').boundingBox())!
  return {
    x: box.x + ((column + 0.5) * box.width) / columns,
    y: box.y + ((row + 0.5) * box.height) / rows,
  }
}

describe.skipIf(!kernel.glasswing)('gw.tcav in the matrix view (Glasswing kernel)', () => {
  it("draws concepts x layers with '*' where significant, and each CAV's score on a click", async () => {
    const view = cell(1).locator('.gw-matrix')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    expect(plain(await view.locator('.gw-matrix-title').textContent())).toBe('TCAV scores for class 3')
    expect((await view.locator('.gw-matrix-row').allTextContents()).map(plain)).toEqual([
      'watermark',
      'random',
    ])
    // A column's text is its name, then its hover title.
    const columns = (await view.locator('.gw-matrix-column').allTextContents()).map(plain)
    expect(columns).toHaveLength(2)
    expect(columns[0]).toMatch(/^dense_1/)
    expect(columns[1]).toMatch(/^flatten_1/)
    expect(plain(await view.locator('.gw-matrix-caption').textContent())).toMatch(
      /^'\*' = significant at 0\.05 after /,
    )
    await view.locator('canvas.gw-matrix-cells').scrollIntoViewIfNeeded()
    const tooltip = view.locator('.gw-matrix-tooltip')
    // The watermark is significant at dense_1 (lab 12's claim); the random concept is not.
    const watermark = await cellPoint(view, 2, 2, 0, 0)
    await page.mouse.move(watermark.x, watermark.y)
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(plain(await tooltip.textContent())).toMatch(/^watermark × dense_1: [\d.]+ \*$/)
    const random = await cellPoint(view, 2, 2, 1, 0)
    await page.mouse.move(random.x, random.y)
    await expect.poll(async () => plain(await tooltip.textContent())).toMatch(/^random × dense_1: [\d.]+$/)
    // A click on the watermark's cell: its 20 CAVs' scores, one bar each.
    await page.mouse.click(watermark.x, watermark.y)
    await expect.poll(() => view.locator('.gw-matrix-detail .gw-matrix-bar').count()).toBe(20)
    expect(plain(await view.locator('.gw-matrix-detail').textContent())).toContain('score per CAV')
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'matrix-tcav.png') })
  })
})
