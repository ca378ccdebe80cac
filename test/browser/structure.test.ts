/**
 * The structure views in JupyterLab and Chromium with real results of the Glasswing kernel: an activation
 * atlas of mnist-cnn's conv2d_2 over 500 digits (gw.similarity.atlas, with feature visualizations of the
 * largest cells) and conv2d_2's 16 channels clustered by correlation (gw.similarity.clusterUnits with top
 * examples). Zoom (buttons and wheel), pan, hover, the class filter, the icon switch, hover a unit, click
 * a cluster and a dendrogram link, as a user would. Screenshots: .cache/screenshots/atlas-*.png,
 * clusters-*.png.
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
      "const digits = await gw.datasets.mnist({ split: 'test', limit: 500 })",
      "console.log('ready')",
    ].join('\n'),
    [
      "await gw.similarity.atlas(model, digits.images, { layer: 'conv2d_2', labels: digits.labels, grid: 14,",
      '  maxSamples: 2000, neighbors: 30, epochs: 100, visualize: 12, visualizeSteps: 32, seed: 1 })',
    ].join('\n'),
    [
      'const few = digits.images.slice(0, 300)',
      "const spatial = gw.similarity.spatialActivations(model, few, 'conv2d_2')",
      'gw.similarity.clusterUnits(spatial, { clusters: 4, examples: few,',
      '  labels: Array.from({ length: 16 }, (_, i) => `channel ${i}`) })',
    ].join('\n'),
  ]
  page = await openNotebook(lab, 'structure.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '')

/** Moves over the canvas's grid until the tooltip shows; returns the point and its text. */
async function hoverSomeCell(view: Locator, grid: number): Promise<{ x: number; y: number; text: string }> {
  const box = (await view.locator('canvas.gw-atlas-canvas').boundingBox())!
  const tooltip = view.locator('.gw-atlas-tooltip')
  for (let k = 0; k < grid * grid; k++) {
    // a spiral-free sweep from the centre outwards along rows
    const row = (Math.floor(grid / 2) + Math.floor(k / grid)) % grid
    const column = k % grid
    const x = box.x + ((column + 0.5) * box.width) / grid
    const y = box.y + ((row + 0.5) * box.height) / grid
    await page.mouse.move(x, y)
    if (await tooltip.isVisible()) return { x, y, text: plain(await tooltip.textContent()) }
  }
  throw new Error('no cell of the atlas showed a tooltip')
}

describe.skipIf(!kernel.glasswing)('the structure views in JupyterLab (Glasswing kernel)', () => {
  it('draws an atlas of conv2d_2: hover a cell, zoom with the buttons and the wheel, pan, reset', async () => {
    const view = cell(1).locator('.gw-atlas')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    // Progressive: the patch icons showed while the feature visualizations ran, then became one line
    expect(await cell(1).locator('.gw-atlas').count()).toBe(1)
    expect(
      await cell(1)
        .locator('.jp-OutputArea-output')
        .filter({ hasText: 'the patch icons showed here while 12 feature visualizations ran' })
        .count(),
    ).toBe(1)
    expect(plain(await view.locator('.gw-atlas-title').textContent())).toMatch(
      /^Activation atlas of conv2d_2 \(mnist-cnn\)/,
    )
    expect(plain(await view.locator('.gw-atlas-caption').textContent())).toMatch(
      /2,000 activation vectors of conv2d_2 from 500 images.*feature visualizations of the 12 largest cells/,
    )
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'atlas-whole.png') })
    const hovered = await hoverSomeCell(view, 14)
    expect(hovered.text).toMatch(/^cell \(\d+, \d+\): \d+ samples · \d \d+ %/)
    // the hovered cell's nearest images, as their patches
    const nearest = await view.locator('.gw-atlas-example').count()
    expect(nearest).toBeGreaterThanOrEqual(1)
    expect(nearest).toBeLessThanOrEqual(4)
    expect(plain(await view.locator('.gw-atlas-examples-title').textContent())).toMatch(
      /^Nearest images of cell \(\d+, \d+\): #\d+/,
    )
    const status = view.locator('.gw-atlas-status')
    expect(await status.textContent()).toBe('zoom 1.0×')
    await view.locator('.gw-atlas-zoom-in').click()
    expect(await status.textContent()).toBe('zoom 2.0×')
    await page.mouse.move(hovered.x, hovered.y)
    await page.mouse.wheel(0, -100)
    await expect.poll(() => status.textContent()).toBe('zoom 2.5×')
    // drag to pan, then the hover still names a cell
    await page.mouse.move(hovered.x, hovered.y)
    await page.mouse.down()
    await page.mouse.move(hovered.x + 80, hovered.y + 60, { steps: 4 })
    await page.mouse.up()
    const again = await hoverSomeCell(view, 14)
    expect(again.text).toMatch(/^cell \(\d+, \d+\): \d+ samples/)
    await view.screenshot({ path: join(SCREENSHOTS, 'atlas-zoomed.png') })
    await view.locator('.gw-atlas-reset').click()
    expect(await status.textContent()).toBe('zoom 1.0×')
  })

  it('filters the atlas to the cells where one class dominates, and switches to feature visualizations', async () => {
    const view = cell(1).locator('.gw-atlas')
    const filter = view.locator('select.gw-atlas-filter')
    const options = await filter
      .locator('option')
      .evaluateAll((nodes) =>
        nodes.map((n) => ({ value: (n as HTMLOptionElement).value, text: n.textContent ?? '' })),
      )
    expect(options[0]!.text).toMatch(/^all classes \(\d+ cells\)/)
    expect(options.length).toBeGreaterThan(3) // several digits dominate some cells
    const chosen = options[1]!
    const cells = Number(/\((\d+) cells?\)/.exec(chosen.text)![1])
    await filter.selectOption(chosen.value)
    expect(plain(await view.locator('.gw-atlas-status').textContent())).toMatch(
      new RegExp(`^zoom 1.0× · ${cells} of \\d+ cells where ${chosen.value} dominates$`),
    )
    await view.screenshot({ path: join(SCREENSHOTS, 'atlas-filtered.png') })
    await filter.selectOption('')
    await view.locator('select.gw-atlas-icons').selectOption('visualization')
    await view.screenshot({ path: join(SCREENSHOTS, 'atlas-visualizations.png') })
  })

  it("draws conv2d_2's channels as a dendrogram beside the correlation heatmap; hover a unit, click a cluster", async () => {
    const view = cell(2).locator('.gw-clusters')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(2).locator('.gw-error').count()).toBe(0)
    expect(plain(await view.locator('.gw-clusters-title').textContent())).toBe(
      '16 units clustered by correlation (average linkage, 4 clusters)',
    )
    const bands = view.locator('.gw-clusters-band')
    expect(await bands.count()).toBe(16)
    expect(await view.locator('.gw-clusters-link').count()).toBe(15)
    // hover a unit's band: its cluster, and its top examples appear
    const band = bands.nth(3)
    await band.hover()
    const tooltip = view.locator('.gw-clusters-tooltip')
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(plain(await tooltip.textContent())).toMatch(/^channel \d+ · cluster (\d) \(\d+ units?\)/)
    expect(await view.locator('.gw-clusters-example').count()).toBe(4)
    expect(plain(await view.locator('.gw-clusters-examples-title').textContent())).toMatch(
      /^Top examples of channel \d+$/,
    )
    // click it: its cluster's units are highlighted (name and band each)
    const k = Number(await band.getAttribute('data-cluster'))
    const size = await view.locator(`.gw-clusters-band[data-cluster="${k}"]`).count()
    await band.click()
    await expect.poll(() => view.locator('.gw-clusters-highlighted').count()).toBe(2 * size)
    expect(await view.locator('select.gw-clusters-choose').inputValue()).toBe(String(k))
    expect(plain(await view.locator('.gw-clusters-selection').textContent())).toMatch(
      new RegExp(`^${size} units? highlighted: channel`),
    )
    // hover the heatmap: a pair's r
    const canvas = view.locator('canvas.gw-clusters-cells')
    const box = (await canvas.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5)
    await expect
      .poll(async () => plain(await tooltip.textContent()))
      .toMatch(/^channel \d+ × channel \d+: r = -?\d\.\d{3} · channel/)
    await view.screenshot({ path: join(SCREENSHOTS, 'clusters-highlighted.png') })
    // the root link holds every unit
    await view.locator('.gw-clusters-link').last().dispatchEvent('click')
    await expect.poll(() => view.locator('.gw-clusters-highlighted').count()).toBe(32)
  })
})
