/**
 * The live link on the path a user takes: real gw.* results in the Glasswing kernel, shown in a real
 * JupyterLab and Chromium. A lasso in a `gw.embed` view and in a `gw.embedLayers` view reaches the
 * kernel (`gw.selection()` in the next cell returns exactly the lassoed points), and another class picked
 * in a `gw.compare` view is computed by the kernel and redrawn; after the model is disposed, the view
 * says how to reload it. No payload here is written by hand.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { log, openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, type Lab } from './lab'
import { chooseKernel } from './notebook'

const kernel = chooseKernel()
const MODEL = join(ROOT, 'notebooks', 'models', 'mnist-cnn')
let lab: Lab
let page: Page

const cells = [
  [
    `const model = await gw.load(${JSON.stringify(MODEL)})`,
    "const { images, labels } = await gw.datasets.mnist({ split: 'test', limit: 150 })",
    "console.log('ready')",
  ].join('\n'),
  "const pca = await gw.embed(model, images, { layer: 'dense_1', method: 'pca', labels })\npca",
  [
    'const layers = await gw.embedLayers(model, images, {',
    "  layers: ['conv2d_1', 'dense_1'], method: 'tsne', perplexity: 10, iterations: 100,",
    "  earlyExaggerationIterations: 50, progressEvery: 25, pool: 'average', labels, seed: 1,",
    '})',
    'layers',
  ].join('\n'),
  [
    'const four = images.slice([0], [4])',
    "await gw.compare(model, four, ['saliency', { method: 'integrated-gradients', steps: 16 }])",
  ].join('\n'),
]

/** The outputs of the notebook's i-th cell. */
const cell = (i: number): Locator => page.locator('.jp-Notebook .jp-Cell').nth(i)

/** A value the kernel prints as JSON in a next cell. */
async function kernelJson<T>(expression: string): Promise<T> {
  const text = await runExtraCell(page, `console.log(JSON.stringify(${expression}))`)
  return JSON.parse(text.trim()) as T
}

/**
 * A rectangle in data coordinates holding about the middle third of the points on each axis, its
 * sides in the widest gaps between points (so no point sits on a side), and the points inside it.
 */
function rectangleAround(points: number[][]): { corners: [number, number][]; inside: number[] } {
  const side = (axis: number, from: number, to: number): number => {
    const sorted = points.map((p) => p[axis]!).sort((a, b) => a - b)
    let best = [0, sorted[0]!]
    for (let i = Math.floor(from * sorted.length); i < Math.floor(to * sorted.length); i++) {
      const gap = sorted[i + 1]! - sorted[i]!
      if (gap > best[0]!) best = [gap, (sorted[i]! + sorted[i + 1]!) / 2]
    }
    return best[1]!
  }
  const [left, right] = [side(0, 0.25, 0.4), side(0, 0.6, 0.75)]
  const [bottom, top] = [side(1, 0.2, 0.35), side(1, 0.65, 0.8)]
  const inside = points.flatMap(([x, y], i) =>
    x! > left && x! < right && y! > bottom && y! < top ? [i] : [],
  )
  return {
    corners: [
      [left, bottom],
      [right, bottom],
      [right, top],
      [left, top],
      [left, bottom],
    ],
    inside,
  }
}

/** Draws a lasso through data points in a view's Plotly plot, as a user drags it with the mouse. */
async function lasso(view: Locator, corners: [number, number][]): Promise<void> {
  const plot = view.locator('.gw-plot')
  await plot.scrollIntoViewIfNeeded()
  const ring = await plot.evaluate((node, corners) => {
    const figure = node as HTMLElement & {
      _fullLayout: {
        xaxis: { l2p(v: number): number }
        yaxis: { l2p(v: number): number }
        _size: { l: number; t: number }
      }
    }
    const box = figure.getBoundingClientRect()
    const { xaxis, yaxis, _size } = figure._fullLayout
    return corners.map(([x, y]) => [box.left + _size.l + xaxis.l2p(x), box.top + _size.t + yaxis.l2p(y)])
  }, corners)
  await page.mouse.move(ring[0]![0]!, ring[0]![1]!)
  await page.mouse.down()
  for (const [x, y] of ring.slice(1)) await page.mouse.move(x!, y!, { steps: 10 })
  await page.mouse.up()
}

/** The gallery's count after a lasso: `<n> selected`. */
async function galleryCount(view: Locator): Promise<number> {
  const title = view.locator('.gw-gallery-title')
  await title.waitFor({ timeout: 10_000 })
  return Number(/^(\d+) selected/.exec((await title.textContent()) ?? '')?.[1])
}

/** Every RGBA value of a view's n-th overlay canvas. */
function overlayPixels(view: Locator, n: number): Promise<number[]> {
  return view
    .locator('canvas.gw-overlay')
    .nth(n)
    .evaluate((canvas: HTMLCanvasElement) => [
      ...canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data,
    ])
}

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  page = await openNotebook(lab, 'live-link.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

describe.skipIf(!kernel.glasswing)('the live link with real gw.* results (Glasswing kernel)', () => {
  it('lassoes points in a gw.embed view, and gw.selection() returns exactly them', async () => {
    const view = cell(1).locator('.gw-embedding')
    await view.locator('.gw-plot .main-svg').first().waitFor({ timeout: 60_000 })
    const points = await kernelJson<number[][]>('pca.toArray()')
    expect(points.length).toBe(150)
    const { corners, inside } = rectangleAround(points)
    log(`gw.embed: lassoing ${inside.length} of 150 points`)
    expect(inside.length).toBeGreaterThan(5)
    await lasso(view, corners)
    expect(await galleryCount(view)).toBe(inside.length)
    await view.screenshot({ path: join(SCREENSHOTS, 'live-embed-lasso.png') })
    const [latest, ofResult] = await kernelJson<number[][]>('[gw.selection(), gw.selection(pca)]')
    expect(latest).toEqual(inside)
    expect(ofResult).toEqual(inside)
  }, 240_000)

  it('lassoes points in a gw.embedLayers view, and gw.selection(layer) returns exactly them', async () => {
    const views = cell(2).locator('.gw-embedding')
    await expect.poll(() => views.count(), { timeout: 60_000 }).toBe(2)
    // Each layer's live view ends as its final interactive embedding; no static row repeats them.
    expect(await cell(2).locator('.jp-RenderedImage img').count()).toBe(0)
    expect(await views.locator('.gw-title').allTextContents()).toEqual([
      't-SNE of conv2d_1 · 150 points',
      't-SNE of dense_1 · 150 points',
    ])
    const view = views.nth(1)
    const points = await kernelJson<number[][]>("layers.layer('dense_1').toArray()")
    const { corners, inside } = rectangleAround(points)
    log(`gw.embedLayers: lassoing ${inside.length} of 150 points`)
    expect(inside.length).toBeGreaterThan(5)
    await lasso(view, corners)
    expect(await galleryCount(view)).toBe(inside.length)
    await view.screenshot({ path: join(SCREENSHOTS, 'live-embed-layers-lasso.png') })
    const [latest, dense, conv] = await kernelJson<number[][]>(
      "[gw.selection(), gw.selection(layers.layer('dense_1')), gw.selection(layers.layer('conv2d_1'))]",
    )
    expect(latest).toEqual(inside)
    expect(dense).toEqual(inside)
    expect(conv).toEqual([])
  }, 240_000)

  it('recomputes a gw.compare result for another class chosen as Target', async () => {
    const view = cell(3).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    await view.scrollIntoViewIfNeeded()
    // Saliency is a magnitude: its row says so, and "Show" names the signed method it applies to.
    expect(await view.locator('.gw-row-label').allTextContents()).toEqual([
      'saliencymagnitude',
      'integrated-gradients',
    ])
    expect(await view.locator('.gw-controls label').first().textContent()).toMatch(
      /^Show \(integrated-gradients\)/,
    )
    expect(await view.locator('.gw-status').isVisible()).toBe(false)
    const caption = (await view.locator('figcaption').first().textContent()) ?? ''
    const other = (Number(/pred (\d)/.exec(caption)?.[1]) + 1) % 10
    const before = [await overlayPixels(view, 0), await overlayPixels(view, 4)]
    await view.locator('select.gw-target-select').selectOption(`class:${other}`)
    await expect
      .poll(() => view.locator('.gw-shown').textContent(), { timeout: 60_000 })
      .toBe(`Showing class ${other} for every input.`)
    expect(await view.locator('.gw-status').textContent()).toMatch(
      new RegExp(`^class ${other} computed by the kernel in \\d+\\.\\d s\\.$`),
    )
    // Both methods' overlays of input 0 changed: the kernel sent maps for the new class.
    const after = [await overlayPixels(view, 0), await overlayPixels(view, 4)]
    for (const [k, pixels] of after.entries()) {
      const changed = pixels.filter((value, i) => value !== before[k]![i]).length
      expect(changed).toBeGreaterThan(100)
    }
    expect(await view.locator('canvas.gw-overlay').first().getAttribute('title')).toBe(
      `explains class ${other}`,
    )
    await view.screenshot({ path: join(SCREENSHOTS, 'live-compare-target.png') })
  }, 240_000)

  it('says the model was disposed, and how to reload it, when Target is chosen after', async () => {
    await runExtraCell(page, 'model.dispose()')
    const view = cell(3).locator('.gw-saliency')
    await view.scrollIntoViewIfNeeded()
    const caption = (await view.locator('figcaption').first().textContent()) ?? ''
    const other = (Number(/pred (\d)/.exec(caption)?.[1]) + 2) % 10
    await view.locator('select.gw-target-select').selectOption(`class:${other}`)
    await expect
      .poll(() => view.locator('.gw-status.gw-note').textContent(), { timeout: 60_000 })
      .toMatch(
        new RegExp(
          `^Could not compute class ${other}: model expected the model this result was computed with, got a model that was disposed since\\. Reload it with gw\\.load\\(".*mnist-cnn/model\\.json"\\) and rerun the cell to explain other classes\\. Showing what this output holds\\.$`,
        ),
      )
    await view.screenshot({ path: join(SCREENSHOTS, 'live-compare-disposed.png') })
  }, 240_000)
})
