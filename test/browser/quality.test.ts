/**
 * gw.evaluate and gw.randomisationTest in JupyterLab and Chromium: a real methods x metrics table and a
 * real cascade strip from the Glasswing kernel on mnist-cnn: the table in the matrix view, the strip
 * through its HTML (PNG with its similarity row) with the text fallback beside. Screenshots: .cache/screenshots/quality-*.png.
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
      `const model = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))})`,
      "const digits = await gw.datasets.mnist({ split: 'test', limit: 8 })",
      "console.log('ready')",
    ].join('\n'),
    "await gw.evaluate(model, await gw.compare(model, digits.images, ['saliency', 'input-x-gradient']), { metrics: ['deletion', 'insertion', 'sparseness'] })",
    "await gw.randomisationTest(model, await gw.explain(model, digits.images.slice([0], [4]), { method: 'saliency' }))",
  ]
  page = await openNotebook(lab, 'quality.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

describe.skipIf(!kernel.glasswing)('explanation quality in JupyterLab (Glasswing kernel)', () => {
  it('shows the methods x metrics matrix: each metric on its own scale, best first on a click, examples per cell', async () => {
    const view = cell(1).locator('.gw-matrix')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    const plain = (texts: string[]) => texts.map((t) => t.replace(/[\u2066-\u2069]/g, ''))
    expect(plain(await view.locator('.gw-matrix-row').allTextContents())).toEqual([
      'saliency',
      'input-x-gradient',
      'random (noise floor)',
    ])
    const columns = plain(await view.locator('.gw-matrix-column').allTextContents())
    expect(columns).toHaveLength(3)
    expect(columns[0]).toMatch(/^Deletion AUC/)
    expect(await view.locator('.gw-matrix-legend').textContent()).toMatch(
      /worst.*best.*each column on its own scale/,
    )
    // Deletion: lower is better, so the first click puts the lowest deletion AUC on top.
    await view.locator('.gw-matrix-column').first().click()
    expect(await view.locator('select.gw-matrix-sort').inputValue()).toBe('0:a')
    const box = (await view.locator('canvas.gw-matrix-cells').boundingBox())!
    await page.mouse.click(box.x + box.width / 6, box.y + box.height / 6)
    await expect.poll(() => view.locator('.gw-matrix-detail .gw-matrix-bar').count()).toBe(8) // 8 digits
    expect(await view.locator('.gw-matrix-detail-caption').textContent()).toMatch(/^per example: 8 values/)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'quality-table.png') })
  })

  it('shows the cascade strip: a PNG of original + one column per layer, and the similarity per stage', async () => {
    const view = cell(2).locator('.gw-randomisation')
    await view.waitFor({ timeout: 120_000 })
    const image = view.locator('img')
    const size = await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])
    expect(size[0]).toBe(5 * (28 * 3 + 2)) // original + 4 layers
    expect(size[1]).toBe(4 * (28 * 3 + 2)) // 4 digits
    const header = await view.locator('tr').first().textContent()
    expect(header).toMatch(/original\s*logits\s*dense_1\s*conv2d_2\s*conv2d_1/)
    const values = (await view.locator('tr').nth(1).locator('td').allTextContents()).map(Number)
    expect(values[0]).toBe(1)
    expect(values.slice(1).every((v) => v < 1 && v > -1)).toBe(true)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'quality-cascade.png') })
  })
})
