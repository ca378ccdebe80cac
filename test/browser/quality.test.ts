/**
 * gw.evaluate and gw.randomisationTest in JupyterLab and Chromium: a real methods x metrics table and a
 * real cascade strip from the Glasswing kernel on mnist-cnn, shown through their HTML (table; PNG strip
 * with its similarity row) with the text fallback beside. Screenshots: .cache/screenshots/quality-*.png.
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
  it('shows the methods x metrics table with ranks and the random noise floor', async () => {
    const table = cell(1).locator('table.gw-quality-table')
    await table.waitFor({ timeout: 120_000 })
    const rows = await table.locator('tr').allTextContents()
    expect(rows).toHaveLength(4) // header, two methods, the floor
    expect(rows[0]).toMatch(/Deletion AUC.*Insertion AUC.*Sparseness/)
    expect(rows[1]).toMatch(/^saliency/)
    expect(rows[2]).toMatch(/^input-x-gradient.*#1/)
    expect(rows[3]).toMatch(/^random \(noise floor\)/)
    await table.scrollIntoViewIfNeeded()
    await table.screenshot({ path: join(SCREENSHOTS, 'quality-table.png') })
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
