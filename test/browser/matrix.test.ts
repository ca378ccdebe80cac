/**
 * The matrix view in JupyterLab and Chromium with real results of the Glasswing kernel: CKA between the
 * layers of mnist-cnn (gw.similarity.layers), an ablation study of conv2d_1 over 200 digits (gw.ablate),
 * a patching sweep of 16 pairs over two layers' 4 x 4 grid cells (gw.patch) and a user's own matrix with hostile names (gw.matrix). Hover, sort by a column, a cell's per-item
 * bars and the CSV download are driven as a user would. Screenshots: .cache/screenshots/matrix-*.png.
 */
import { mkdirSync, readFileSync } from 'node:fs'
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
      "const digits = await gw.datasets.mnist({ split: 'test', limit: 200 })",
      'const labels = Array.from(digits.labels.dataSync())',
      "import * as tf from '@tensorflow/tfjs'",
      "console.log('ready')",
    ].join('\n'),
    'await gw.similarity.layers(model, digits.images, { batchSize: 50 })',
    "gw.ablate(model, { inputs: digits.images, labels }, { layer: 'conv2d_1' })",
    // A patching sweep: 16 digits (clean) against the same digits with noise added (corrupt).
    [
      'const clean = digits.images.slice([0], [16])',
      "const corrupt = clean.add(tf.randomUniform(clean.shape, 0, 0.8, 'float32', 3)).clipByValue(0, 1)",
      "gw.patch(model, { clean, corrupt }, { layers: ['conv2d_1', 'conv2d_2'], grid: 4 })",
    ].join('\n'),
    [
      `const credit = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'credit-mlp'))})`,
      "const applicants = await gw.datasets.creditG({ split: 'test' })",
      "await gw.fairness(credit, applicants, { sensitive: 'age', cut: 25, favorable: 'good', resamples: 20, seed: 1 })",
    ].join('\n'),
    [
      "gw.matrix({ title: '<img src=x onerror=\"window.gwPwned=1\">', rows: ['<b>bold</b>', '\u202egnp.exe'],",
      "  columns: ['a', 'b'], values: [[1, 2], [3, NaN]] })",
    ].join('\n'),
  ]
  page = await openNotebook(lab, 'matrix.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

/** The centre of cell (position, column) of a view's canvas, in page coordinates. */
async function cellPoint(view: Locator, columns: number, rows: number, position: number, column: number) {
  const box = (await view.locator('canvas.gw-matrix-cells').boundingBox())!
  return {
    x: box.x + ((column + 0.5) * box.width) / columns,
    y: box.y + ((position + 0.5) * box.height) / rows,
  }
}

const rowNames = (view: Locator) =>
  view
    .locator('.gw-matrix-row')
    .allTextContents()
    .then((names) => names.map((n) => n.replace(/[\u2066-\u2069]/g, '')))

describe.skipIf(!kernel.glasswing)('the matrix view in JupyterLab (Glasswing kernel)', () => {
  it('draws CKA between the layers as a heatmap with its baseline row; hover says a cell, a click shows its batches', async () => {
    const view = cell(1).locator('.gw-matrix')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-matrix-title').textContent()).toMatch(
      /CKA between the layers of mnist-cnn/,
    )
    const names = await rowNames(view)
    expect(names.slice(0, 5)).toEqual([
      'conv2d_1',
      'max_pooling2d_1',
      'conv2d_2',
      'max_pooling2d_2',
      'flatten_1',
    ])
    // Every layer against every layer, and a last row of a random-init twin's layers as the baseline.
    const n = names.length - 1
    expect(names[n]).toBe('random init (same layer)')
    expect(await view.locator('.gw-matrix-column').count()).toBe(n)
    // The diagonal is a layer against itself: CKA 1.
    const diagonal = await cellPoint(view, n, n + 1, 2, 2)
    await page.mouse.move(diagonal.x, diagonal.y)
    const tooltip = view.locator('.gw-matrix-tooltip')
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(await tooltip.textContent()).toMatch(/^\u2068?conv2d_2\u2069? × \u2068?conv2d_2\u2069?: 1\b/)
    await page.mouse.click(diagonal.x, diagonal.y)
    const bars = view.locator('.gw-matrix-detail .gw-matrix-bar')
    await expect.poll(() => bars.count()).toBe(4) // 200 digits in batches of 50
    expect(await view.locator('.gw-matrix-detail-caption').textContent()).toMatch(
      /CKA in each minibatch: 4 values/,
    )
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'matrix-cka.png') })
  })

  it('sorts an ablation study by a column on a click, and downloads it as CSV', async () => {
    const view = cell(2).locator('.gw-matrix')
    await view.waitFor({ timeout: 120_000 })
    expect(await view.locator('.gw-matrix-title').textContent()).toMatch(
      /^\u2068?Ablation \(zero\): accuracy change per class/,
    )
    const given = await rowNames(view)
    expect(given).toHaveLength(8) // conv2d_1's 8 channels
    expect(await view.locator('.gw-matrix-column').count()).toBe(11) // overall + 10 classes
    const overall = view.locator('.gw-matrix-column').first()
    await overall.click()
    expect(await view.locator('select.gw-matrix-sort').inputValue()).toBe('0:d')
    const csv = await Promise.all([
      page.waitForEvent('download'),
      view.locator('.gw-matrix-csv').click(),
    ]).then(async ([download]) => readFileSync((await download.path())!, 'utf8'))
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('ablated,overall,0,1,2,3,4,5,6,7,8,9')
    expect(lines).toHaveLength(9)
    const change = lines.slice(1).map((l) => ({ name: l.split(',')[0]!, overall: Number(l.split(',')[1]) }))
    const by = (sign: number) =>
      [...change]
        .sort((a, b) => sign * (a.overall - b.overall) || given.indexOf(a.name) - given.indexOf(b.name))
        .map((c) => c.name)
    expect(await rowNames(view)).toEqual(by(-1)) // largest change first
    await overall.click() // again: the other way
    expect(await view.locator('select.gw-matrix-sort').inputValue()).toBe('0:a')
    expect(await rowNames(view)).toEqual(by(1))
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'matrix-ablation.png') })
  })

  it('draws a patching sweep (layers x grid cells): hover a cell, click it for the effect on each pair', async () => {
    const view = cell(3).locator('.gw-matrix')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(3).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-matrix-title').textContent()).toMatch(/^\u2068?Activation patching/)
    expect(await rowNames(view)).toEqual(['conv2d_1', 'conv2d_2'])
    const columns = await view.locator('.gw-matrix-column').count()
    expect(columns).toBe(16) // a 4 x 4 grid of cells
    await view.locator('canvas.gw-matrix-cells').scrollIntoViewIfNeeded()
    const point = await cellPoint(view, columns, 2, 1, 5)
    await page.mouse.move(point.x, point.y)
    const tooltip = view.locator('.gw-matrix-tooltip')
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(await tooltip.textContent()).toMatch(/^\u2068?conv2d_2\u2069? × .+: -?\d/)
    await page.mouse.click(point.x, point.y)
    await expect.poll(() => view.locator('.gw-matrix-detail .gw-matrix-bar').count()).toBe(16) // 16 pairs
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'matrix-patching.png') })
  })

  it("draws a fairness report's attributions by group on a diverging scale, its summary above, the gap's parts last", async () => {
    const view = cell(4).locator('.gw-matrix')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(4).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-matrix-title').textContent()).toMatch(
      /Mean attribution toward .good. by age/,
    )
    expect(await view.locator('.gw-matrix-notes').textContent()).toMatch(
      /^Fairness by age .*demographic parity difference/,
    )
    const columns = (await view.locator('.gw-matrix-column').allTextContents()).map((c) =>
      c.replace(/[\u2066-\u2069]/g, ''),
    )
    expect(columns).toHaveLength(3)
    expect(columns[2]).toMatch(/^gap /)
    // Diverging: the colour bar is symmetric about 0.
    const low = Number(await view.locator('.gw-matrix-legend-low').textContent())
    const high = Number(await view.locator('.gw-matrix-legend-high').textContent())
    expect(low).toBeCloseTo(-high, 6)
    // Sorting by the gap column puts the feature that widens the gap most on top.
    await view.locator('.gw-matrix-column').nth(2).click()
    expect(await view.locator('select.gw-matrix-sort').inputValue()).toBe('2:d')
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'matrix-fairness.png') })
  })

  it("shows a user's matrix with markup in its names as text, and says which cell is empty", async () => {
    const view = cell(5).locator('.gw-matrix')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('img, b').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { gwPwned?: number }).gwPwned)).toBeUndefined()
    expect(await cell(5).locator('.gw-notice').textContent()).toMatch(
      /1 cell of 4 has no finite value and is drawn empty/,
    )
  })
})
