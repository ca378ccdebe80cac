/**
 * The extension in a real JupyterLab and a real Chromium: each view drawn from a kernel's output and
 * checked the way a user would (pixels, sliders, points, hover, lasso gallery, sorting),
 * hostile labels shown as text, a bad payload as an error box. Screenshots go to .cache/screenshots.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  embeddingPayload,
  neuronsPayload,
  saliencyPayload,
  tabularPayload,
  textPayload,
} from '../unit/extension/fixtures'
import { log, openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, type Lab } from './lab'
import { chooseKernel, setupCell, showCell, updateCell, writePayload } from './notebook'

const kernel = chooseKernel()
let lab: Lab
let page: Page
const neurons = neuronsPayload({ units: 12 })

/** The n-th element matching a selector, scrolled into view. */
async function nth(selector: string, n = 0) {
  const locator = page.locator(selector).nth(n)
  await locator.scrollIntoViewIfNeeded()
  return locator
}

async function shoot(selector: string, name: string, n = 0): Promise<void> {
  await (await nth(selector, n)).screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
}

/** RGBA of one canvas pixel, in canvas coordinates. */
function pixel(selector: string, n: number, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ({ selector, n, x, y }) => {
      const canvas = document.querySelectorAll<HTMLCanvasElement>(selector)[n]!
      return [...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data]
    },
    { selector, n, x, y },
  )
}

async function setSlider(selector: string, value: number): Promise<void> {
  await page.evaluate(
    ({ selector, value }) => {
      const input = document.querySelector<HTMLInputElement>(selector)!
      input.value = String(value)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    },
    { selector, value },
  )
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  log('lab started')
  writePayload(lab.dir, 'saliency.json', saliencyPayload({ count: 8, targets: 2 }))
  writePayload(
    lab.dir,
    'compare.json',
    saliencyPayload({ count: 4, methods: ['saliency', 'integrated-gradients', 'grad-cam'] }),
  )
  writePayload(lab.dir, 'embedding.json', embeddingPayload({ count: 500 }))
  writePayload(lab.dir, 'embedding-next.json', embeddingPayload({ count: 800 }))
  writePayload(lab.dir, 'pca3d.json', {
    ...embeddingPayload({ count: 300, dimensions: 3 }),
    method: 'pca',
    explainedVariance: [0.41, 0.22, 0.09],
  })
  writePayload(lab.dir, 'neurons.json', neurons)
  writePayload(lab.dir, 'tabular.json', tabularPayload({ examples: 50, labels: true }))
  writePayload(lab.dir, 'text.json', textPayload())
  const bad = saliencyPayload({ count: 1 }) as unknown as Record<string, unknown>
  bad.signed = 'yes'
  writePayload(lab.dir, 'bad.json', bad)
  writePayload(lab.dir, 'h-saliency.json', saliencyPayload({ count: 2, hostile: true }))
  writePayload(lab.dir, 'h-embedding.json', embeddingPayload({ count: 50, hostile: true }))
  writePayload(lab.dir, 'h-neurons.json', neuronsPayload({ units: 3, hostile: true }))
  writePayload(lab.dir, 'h-tabular.json', tabularPayload({ examples: 5, hostile: true, labels: true }))
  writePayload(lab.dir, 'h-text.json', textPayload(true))
  const cells = [
    setupCell(kernel),
    showCell(kernel, 'saliency.json', 'saliency'),
    showCell(kernel, 'compare.json', 'saliency'),
    showCell(kernel, 'embedding.json', 'embedding', 'embedding-1'),
    showCell(kernel, 'neurons.json', 'neurons'),
    showCell(kernel, 'tabular.json', 'features'),
    showCell(kernel, 'text.json', 'features'),
    showCell(kernel, 'bad.json', 'saliency'),
    ['saliency', 'embedding', 'neurons', 'tabular', 'text']
      .map((k) =>
        showCell(kernel, `h-${k}.json`, k === 'tabular' || k === 'text' ? 'features' : (k as 'saliency')),
      )
      .join('\n'),
    showCell(kernel, 'pca3d.json', 'embedding'),
  ]
  // A payload whose live id no kernel knows (a result from an earlier session): cell 10.
  writePayload(
    lab.dir,
    'gone.json',
    saliencyPayload({ count: 2, targets: 1, displayId: 'glasswing-saliency-gone' }),
  )
  cells.push(showCell(kernel, 'gone.json', 'saliency'))
  // On the Glasswing kernel, one real result too: Integrated Gradients of the MNIST CNN on 8 test digits (cell 11).
  if (kernel.glasswing)
    cells.push(
      [
        `const model = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))})`,
        "const { images } = await gw.datasets.mnist({ split: 'test', limit: 8 })",
        "await gw.explain(model, images, { method: 'integrated-gradients', steps: 16 })",
      ].join('\n'),
    )
  page = await openNotebook(lab, 'views.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

describe(`Glasswing views in JupyterLab (kernel: ${kernel.name})`, () => {
  it('draws saliency overlays that the opacity, clip and target controls change', async () => {
    await page.waitForSelector('.gw-saliency canvas.gw-overlay')
    expect(await page.locator('.gw-saliency').count()).toBeGreaterThanOrEqual(2)
    const cells = page.locator('.gw-saliency').first().locator('canvas.gw-overlay')
    expect(await cells.count()).toBe(8)
    const canvas = '.gw-saliency:first-of-type canvas.gw-overlay'
    // Input 0's blob is centred at (9.8, 11.2) of 28 px, drawn 4x: positive attribution there.
    const [x, y] = [39, 45]
    const drawn = await pixel(canvas, 0, x, y)
    await shoot('.gw-saliency', 'saliency')
    await setSlider('.gw-saliency .gw-opacity', 0)
    const bare = await pixel(canvas, 0, x, y)
    expect(bare.slice(0, 3)).toEqual([255, 255, 255])
    expect(drawn[0]! - drawn[2]!).toBeGreaterThan(40) // red over white ink
    await setSlider('.gw-saliency .gw-opacity', 1)
    const full = await pixel(canvas, 0, x, y)
    expect(full[1]!).toBeLessThan(drawn[1]!)
    await setSlider('.gw-saliency .gw-clip', 50)
    const clipped = await pixel(canvas, 0, 2, 2)
    await setSlider('.gw-saliency .gw-clip', 100)
    expect(await pixel(canvas, 0, 2, 2)).not.toEqual(clipped)
    const target = page.locator('.gw-saliency').first().locator('select').nth(1)
    await target.selectOption('rank:1')
    const second = await pixel(canvas, 0, x, y)
    expect(second[2]!).toBeGreaterThan(second[0]!) // the second target's map is negative there: blue
    await page.locator(canvas).first().hover({ position: { x, y } })
    await expect
      .poll(() => page.locator('.gw-saliency .gw-readout').first().textContent())
      .toMatch(/attribution -?\d/)
    await page.locator(canvas).first().click({ position: { x, y } })
    expect(await page.locator('.gw-saliency .gw-enlarged canvas').count()).toBe(1)
    await setSlider('.gw-saliency .gw-opacity', 0.6)
    await shoot('.gw-saliency', 'saliency-enlarged')
    const compare = page.locator('.gw-saliency').nth(1)
    expect(await compare.locator('.gw-row-label').allTextContents()).toEqual([
      'saliency',
      'integrated-gradients',
      'grad-cam',
    ])
    expect(await compare.locator('canvas.gw-overlay').count()).toBe(12)
    await shoot('.gw-saliency', 'saliency-compare', 1)
  })

  // The lasso reaching the kernel (gw.selection) is tested on real gw.embed results: live-link.test.ts.
  it('plots every point, shows a thumbnail on hover, and gathers a lasso selection in the gallery', async () => {
    await page.waitForSelector('.gw-embedding .gw-plot .main-svg', { timeout: 60_000 })
    const total = () =>
      page.evaluate(() => {
        const plot = document.querySelector('.gw-embedding .gw-plot') as HTMLElement & {
          data: { x: ArrayLike<number> }[]
        }
        return plot.data.reduce((sum, trace) => sum + trace.x.length, 0)
      })
    expect(await total()).toBe(500)
    expect(await page.locator('.gw-embedding').first().locator('.gw-legend-item').count()).toBe(10)
    // Screen position of data coordinates, through Plotly's own axes.
    const toScreen = (points: [number, number][]) =>
      page.evaluate((points) => {
        const plot = document.querySelector('.gw-embedding .gw-plot') as HTMLElement & {
          _fullLayout: {
            xaxis: { l2p(v: number): number }
            yaxis: { l2p(v: number): number }
            _size: { l: number; t: number }
          }
        }
        const box = plot.getBoundingClientRect()
        const { xaxis, yaxis, _size } = plot._fullLayout
        return points.map(([x, y]) => [box.left + _size.l + xaxis.l2p(x), box.top + _size.t + yaxis.l2p(y)])
      }, points)
    await (await nth('.gw-embedding')).scrollIntoViewIfNeeded()
    const first = await page.evaluate(() => {
      const plot = document.querySelector('.gw-embedding .gw-plot') as HTMLElement & {
        data: { x: number[]; y: number[] }[]
      }
      return [plot.data[0]!.x[0]!, plot.data[0]!.y[0]!] as [number, number]
    })
    const [[hx, hy]] = await toScreen([first])
    await page.mouse.move(hx! - 3, hy! - 3)
    await page.mouse.move(hx!, hy!, { steps: 3 })
    await page.waitForSelector('.gw-hover-card canvas.gw-thumb', { state: 'visible', timeout: 10_000 })
    await shoot('.gw-embedding', 'embedding-hover')
    // Lasso around the cluster of label 0, centred at (10, 0).
    const ring = await toScreen([
      [7, -3],
      [13, -3],
      [13, 3],
      [7, 3],
      [7, -3],
    ])
    await page.mouse.move(ring[0]![0]!, ring[0]![1]!)
    await page.mouse.down()
    for (const [sx, sy] of ring.slice(1)) await page.mouse.move(sx!, sy!, { steps: 8 })
    await page.mouse.up()
    await page.waitForSelector('.gw-gallery-item', { timeout: 10_000 })
    const title = (await page.locator('.gw-gallery-title').first().textContent()) ?? ''
    const selected = Number(/^(\d+) selected/.exec(title)?.[1])
    expect(selected).toBeGreaterThan(20)
    await shoot('.gw-embedding', 'embedding-selection')
    // update_display_data replaces the payload in place: same plot element, more points.
    await page.evaluate(
      () => ((document.querySelector('.gw-embedding .gw-plot') as HTMLElement).dataset.mark = 'before'),
    )
    await runExtraCell(page, updateCellFor())
    await expect.poll(total, { timeout: 20_000 }).toBe(800)
    expect(
      await page.evaluate(
        () => (document.querySelector('.gw-embedding .gw-plot') as HTMLElement).dataset.mark,
      ),
    ).toBe('before')
  })

  it('draws a 3-D PCA with its explained-variance bars', async () => {
    const view = page.locator('.jp-Notebook .jp-Cell').nth(9).locator('.gw-embedding')
    await view.locator('.gw-plot .main-svg').first().waitFor({ timeout: 60_000 })
    const traces = await view
      .locator('.gw-plot')
      .evaluate((plot) =>
        (plot as unknown as { data: { type: string; z: ArrayLike<number> }[] }).data.map((t) => [
          t.type,
          t.z.length,
        ]),
      )
    expect(traces.every(([type]) => type === 'scatter3d')).toBe(true)
    expect(traces.reduce((sum, [, n]) => sum + Number(n), 0)).toBe(300)
    expect(await view.locator('.gw-bar-row').allTextContents()).toEqual(['PC141.0%', 'PC222.0%', 'PC39.0%'])
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'embedding-pca-3d.png') })
  })

  it('sorts, filters and searches the neuron dictionary and opens a unit', async () => {
    const dictionary = page.locator('.gw-neurons').first()
    const order = () =>
      dictionary
        .locator('.gw-unit')
        .evaluateAll((cards) => cards.map((c) => Number((c as HTMLElement).dataset.unit)))
    expect(await order()).toEqual(neurons.units.map((u) => u.index))
    await dictionary.locator('select').first().selectOption('selectivity')
    const bySelectivity = [...neurons.units]
      .sort((a, b) => b.selectivity! - a.selectivity! || a.index - b.index)
      .map((u) => u.index)
    expect(await order()).toEqual(bySelectivity)
    await dictionary.locator('.gw-search').fill('loop')
    expect((await order()).length).toBe(neurons.units.filter((u) => u.concept?.label === 'loop').length)
    await dictionary.locator('.gw-search').fill('')
    // A unit's caveat (here: it never fires) is on its card, as text.
    expect(await dictionary.locator('.gw-unit[data-unit="3"] .gw-unit-note').textContent()).toBe(
      'never fires on these 100 images',
    )
    await dictionary.locator('.gw-unit').first().click()
    expect(await dictionary.locator('.gw-detail canvas').count()).toBeGreaterThan(1)
    await shoot('.gw-neurons', 'neurons')
  })

  it('draws waterfall, bars and beeswarm for tabular attributions and highlights tokens', async () => {
    const tabular = page.locator('.gw-features').first()
    expect(await tabular.locator('.gw-waterfall rect').count()).toBe(5)
    expect(await tabular.locator('.gw-beeswarm circle').count()).toBe(50 * 5)
    // Example 0's raw values, sent as valueLabels, label its waterfall and bars as `name = value`.
    const waterfallLabels = await tabular.locator('.gw-waterfall text').allTextContents()
    for (const label of ['age = 20', 'checking_status = A11', 'savings = < 100 DM'])
      expect(waterfallLabels).toContain(label)
    await expect
      .poll(() => tabular.getByText('savings = < 100 DM', { exact: true }).first().isVisible())
      .toBe(true)
    expect(await tabular.locator('.gw-bars text').allTextContents()).toContain('age = 20')
    // The beeswarm orders features by the kernel's importance (age first), not by recomputing it.
    expect(await tabular.locator('.gw-beeswarm text').first().textContent()).toBe('age')
    await tabular.locator('select').first().selectOption('1')
    expect(await tabular.locator('.gw-waterfall text').allTextContents()).toContain('savings = 100-500 DM')
    await tabular.locator('select').first().selectOption('0')
    await shoot('.gw-features', 'features-tabular')
    const tokens = page.locator('.gw-features').nth(1).locator('.gw-token')
    expect(await tokens.allTextContents()).toEqual(['this', 'movie', 'was', 'not', 'good', 'at', 'all'])
    await shoot('.gw-features', 'features-text', 1)
  })

  it.skipIf(!kernel.glasswing)('draws a real gw.explain result from the Glasswing kernel', async () => {
    const view = page.locator('.jp-Notebook .jp-Cell').nth(11).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('canvas.gw-overlay').count()).toBe(8)
    expect(await page.locator('.jp-Notebook .jp-Cell').nth(11).locator('.gw-error').count()).toBe(0)
    const drawn = await view
      .locator('canvas.gw-overlay')
      .first()
      .evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let coloured = 0
        for (let i = 0; i < data.length; i += 4)
          if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) coloured++
        return coloured
      })
    expect(drawn).toBeGreaterThan(50) // a grey digit with a coloured overlay on part of it
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'saliency-real-mnist.png') })
  })

  it.skipIf(!kernel.glasswing)('asks the kernel for another class and redraws the overlays', async () => {
    const view = page.locator('.jp-Notebook .jp-Cell').nth(11).locator('.gw-saliency')
    await view.scrollIntoViewIfNeeded()
    const caption = (await view.locator('figcaption').first().textContent()) ?? ''
    const top = Number(/pred (\d)/.exec(caption)?.[1])
    const other = (top + 1) % 10
    const target = view.locator('select.gw-target-select')
    // Every class is on offer; those the output lacks are marked as computed by the kernel.
    expect(await target.locator('option[value^="class:"]').count()).toBe(10)
    const offered = target.locator(`optgroup[label^="Other classes"] option[value="class:${other}"]`)
    expect(await offered.count()).toBe(1)
    const before = await overlayPixels(view, 0)
    await target.selectOption(`class:${other}`)
    await expect
      .poll(() => view.locator('.gw-shown').textContent(), { timeout: 60_000 })
      .toBe(`Showing class ${other} for every input.`)
    const status = (await view.locator('.gw-status').textContent()) ?? ''
    log(`another class: ${status}`)
    expect(status).toMatch(new RegExp(`^class ${other} computed by the kernel in \\d+\\.\\d s\\.$`))
    expect(await target.inputValue()).toBe(`class:${other}`)
    const after = await overlayPixels(view, 0)
    const changed = after.filter((value, i) => value !== before[i]).length
    expect(changed).toBeGreaterThan(100)
    expect(await view.locator('canvas.gw-overlay').first().getAttribute('title')).toBe(
      `explains class ${other}`,
    )
    // The class is now held: it moved to the output's classes, and picking it again asks nothing.
    expect(
      await target
        .locator(`optgroup[label^="Classes in this output"] option[value="class:${other}"]`)
        .count(),
    ).toBe(1)
    await view.screenshot({ path: join(SCREENSHOTS, 'saliency-another-class.png') })
  })

  it.skipIf(!kernel.glasswing)(
    'says why a class cannot be computed, and keeps drawing the payload',
    async () => {
      const view = page.locator('.jp-Notebook .jp-Cell').nth(10).locator('.gw-saliency')
      await view.scrollIntoViewIfNeeded()
      const target = view.locator('select.gw-target-select')
      const before = await overlayPixels(view, 0)
      await target.selectOption('class:7')
      await expect
        .poll(() => view.locator('.gw-status.gw-note').textContent(), { timeout: 30_000 })
        .toMatch(
          /^Could not compute class class 7: This result is no longer in the kernel .*run its cell again.*Showing what this output holds\.$/,
        )
      expect(await target.inputValue()).toBe('rank:0')
      expect(await overlayPixels(view, 0)).toEqual(before)
      await view.screenshot({ path: join(SCREENSHOTS, 'saliency-unknown-id.png') })
      // No kernel at all (shut down, as in a reopened notebook whose kernel is not started).
      await page.evaluate(async () => {
        const app = (
          window as unknown as {
            jupyterapp: { shell: { currentWidget: { sessionContext: { shutdown(): Promise<void> } } } }
          }
        ).jupyterapp
        await app.shell.currentWidget.sessionContext.shutdown()
      })
      await target.selectOption('class:8')
      await expect
        .poll(() => view.locator('.gw-status.gw-note').textContent(), { timeout: 30_000 })
        .toBe(
          'Could not compute class class 8: no kernel is connected to this notebook. Start one and run the cell again to explain other classes. Showing what this output holds.',
        )
      expect(await target.inputValue()).toBe('rank:0')
      expect(await overlayPixels(view, 0)).toEqual(before)
      // The real result's view still works on what it holds: its target switches to the input's top class.
      const real = page.locator('.jp-Notebook .jp-Cell').nth(11).locator('.gw-saliency')
      await real.locator('select.gw-target-select').selectOption('rank:0')
      expect(await real.locator('.gw-shown').textContent()).toBe("Showing each input's top prediction.")
      await view.screenshot({ path: join(SCREENSHOTS, 'saliency-no-kernel.png') })
    },
  )

  it('shows a bad payload as an error box and hostile labels as text, running nothing', async () => {
    const error = await nth('.gw-error')
    expect(await error.textContent()).toContain('saliency.signed: expected true or false')
    await shoot('.gw-error', 'error')
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('.jp-OutputArea img[src="x"], .jp-OutputArea script').count()).toBe(0)
    const outputs = await page.locator('.jp-OutputArea').allTextContents()
    const hostile = outputs.join('\n')
    expect(hostile).toContain('<img src=x onerror="window.__pwned=1">')
    for (const view of ['.gw-saliency', '.gw-embedding', '.gw-neurons', '.gw-features'])
      expect(await page.locator(view).count()).toBeGreaterThanOrEqual(2)
    await shoot('.gw-embedding', 'hostile-embedding', 1)
  })
})

/** Every RGBA value of a view's n-th overlay canvas. */
function overlayPixels(view: ReturnType<Page['locator']>, n: number): Promise<number[]> {
  return view
    .locator('canvas.gw-overlay')
    .nth(n)
    .evaluate((canvas: HTMLCanvasElement) => [
      ...canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data,
    ])
}

function updateCellFor(): string {
  return updateCell(kernel, 'embedding-next.json', 'embedding', 'embedding-1')
}
