/**
 * The labs as a user meets them: each of labs 1, 3, 4 and 5 copied into a real JupyterLab, run with Run
 * All on the Glasswing kernel, then its views checked for what the issue of the labs' pictures named and
 * a full-page screenshot saved (.cache/screenshots/lab-<name>.png) for a person to look at.
 */
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseKernel } from './notebook'
import { log, ROOT, runNotebookFile, SCREENSHOTS, startLab, type Lab } from './lab'

const kernel = chooseKernel()
let lab: Lab

/**
 * Screenshots of a whole notebook, one screen at a time (the notebook scrolls inside the page, so a
 * full-page screenshot shows one screen): `lab-<name>-<k>.png`, k from 1.
 */
async function shootNotebook(page: Page, name: string): Promise<number> {
  await page.evaluate(() => {
    const app = (window as unknown as { jupyterapp: { commands: { execute(id: string): unknown } } })
      .jupyterapp
    void app.commands.execute('application:toggle-left-area')
  })
  await page.waitForTimeout(500)
  const scroller = page.locator('.jp-NotebookPanel:visible .jp-WindowedPanel-outer').first()
  const { height, view } = await scroller.evaluate((node) => ({
    height: node.scrollHeight,
    view: node.clientHeight,
  }))
  const screens = Math.ceil(height / view)
  for (let k = 0; k < screens; k++) {
    await scroller.evaluate((node, top) => (node.scrollTop = top), k * view)
    await page.waitForTimeout(400)
    await scroller.screenshot({ path: join(SCREENSHOTS, `lab-${name}-${k + 1}.png`) })
  }
  return screens
}

/** Copies a lab beside the models it loads, runs it with Run All, and screenshots it screen by screen. */
async function runLab(file: string): Promise<Page> {
  copyFileSync(join(ROOT, 'notebooks', file), join(lab.dir, file))
  const started = Date.now()
  const page = await runNotebookFile(lab, file, 600_000)
  log(`${file} ran in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const screens = await shootNotebook(page, file.replace('.ipynb', ''))
  log(`${file}: ${screens} screenshots`)
  return page
}

/** Shuts the notebook's kernel down and closes the page. */
async function closeLab(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const app = (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } })
      .jupyterapp
    await app.commands.execute('kernelmenu:shutdown')
  })
  await page.close()
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  symlinkSync(join(ROOT, 'notebooks', 'models'), join(lab.dir, 'models'))
}, 120_000)

afterAll(async () => {
  await lab?.stop()
})

/** A view of the open notebook: the n-th element matching a selector, scrolled into view. */
async function view(page: Page, selector: string, n = 0): Promise<Locator> {
  const found = page.locator(`.jp-Notebook ${selector}`).nth(n)
  await found.scrollIntoViewIfNeeded()
  return found
}

/** What each lab's views must show after Run All (the issue's list of the labs' pictures). */
const CHECKS: Record<string, (page: Page) => Promise<void>> = {
  '01-quickstart.ipynb': async (page) => {
    const compare = await view(page, '.gw-saliency', 1)
    // Saliency, SmoothGrad and Grad-CAM are magnitudes: their rows say so; "Show" names the signed method.
    expect(await compare.locator('.gw-row-label').allTextContents()).toEqual([
      'saliencymagnitude',
      'smoothgradmagnitude',
      'integrated-gradients',
      'grad-cammagnitude',
    ])
    expect(await compare.locator('.gw-controls label').first().textContent()).toMatch(
      /^Show \(integrated-gradients\)signed/,
    )
    expect(await page.locator('.jp-Notebook .gw-saliency .gw-status:visible').count()).toBe(0)
    // The lab's last cell disposed the model: another Target says so and how to reload it.
    await compare.locator('select.gw-target-select').selectOption('class:3')
    await expect
      .poll(() => compare.locator('.gw-status.gw-note').textContent(), { timeout: 60_000 })
      .toMatch(
        /got a model that was disposed since\. Reload it with gw\.load\(".*mnist-cnn\/model\.json"\) and rerun the cell/,
      )
    await compare.screenshot({ path: join(SCREENSHOTS, 'lab-01-disposed-target.png') })
  },
  '03-validate.ipynb': async (page) => {
    // The static captions under the visualizations: no number broken across lines ('final value 1' /
    // '2.90'), read through the rectangles the browser draws each number's characters in.
    const broken = await page.locator('.jp-Notebook .glasswing-static figcaption pre').evaluateAll((pres) =>
      pres.flatMap((pre) => {
        const node = pre.firstChild!
        const text = node.textContent ?? ''
        return [...text.matchAll(/-?\d+(\.\d+)?/g)].flatMap((match) => {
          const range = document.createRange()
          range.setStart(node, match.index!)
          range.setEnd(node, match.index! + match[0].length)
          const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)))
          return tops.size > 1 ? [match[0]] : []
        })
      }),
    )
    expect(await page.locator('.jp-Notebook .glasswing-static figcaption pre').count()).toBeGreaterThan(1)
    expect(broken).toEqual([])
    // gw.embedLayers: three interactive views, no static row after them, axes that fit the points.
    const cell = page.locator('.jp-Notebook .jp-Cell').filter({ has: page.locator('.gw-embedding') })
    expect(await cell.locator('.gw-embedding').count()).toBe(3)
    expect(await cell.locator('.jp-RenderedImage img, .glasswing-static').count()).toBe(0)
    for (let k = 0; k < 3; k++) {
      const plot = cell.locator('.gw-plot').nth(k)
      const fit = await plot.evaluate((node) => {
        const figure = node as HTMLElement & {
          data: { x: ArrayLike<number> }[]
          _fullLayout: { xaxis: { range: [number, number] } }
        }
        const xs = figure.data.flatMap((trace) => Array.from(trace.x))
        const [lo, hi] = [Math.min(...xs), Math.max(...xs)]
        const [from, to] = figure._fullLayout.xaxis.range
        return (hi - lo) / (to - from)
      })
      // The points span the x axis (t-SNE's axes are not tied to one scale): 5 % padding each side.
      expect(fit).toBeGreaterThan(0.85)
      // The plot and its legend fit in the view, side by side (a plot drawn wider had hidden the legend).
      const [viewBox, plotBox, legendBox] = await Promise.all(
        ['', ' .gw-plot', ' .gw-legend'].map((part) =>
          cell
            .locator(`.gw-embedding${part}`)
            .nth(k)
            .evaluate((node) => node.getBoundingClientRect().toJSON()),
        ),
      )
      expect(plotBox.right).toBeLessThanOrEqual(legendBox.left + 1)
      expect(legendBox.right).toBeLessThanOrEqual(viewBox.right + 1)
    }
    // A lasso in the dense_1 view: every picture in the gallery has its thumbnail.
    const dense = cell.locator('.gw-embedding').nth(2)
    await dense.scrollIntoViewIfNeeded()
    const box = (await dense.locator('.gw-plot .nsewdrag').first().boundingBox())!
    const [cx, cy, r] = [box.x + box.width / 2, box.y + box.height / 2, Math.min(box.width, box.height) / 3]
    await page.mouse.move(cx - r, cy - r)
    await page.mouse.down()
    for (const [x, y] of [
      [cx + r, cy - r],
      [cx + r, cy + r],
      [cx - r, cy + r],
      [cx - r, cy - r],
    ])
      await page.mouse.move(x!, y!, { steps: 10 })
    await page.mouse.up()
    await dense.locator('.gw-gallery-item').first().waitFor({ timeout: 20_000 })
    const items = await dense.locator('.gw-gallery-item').count()
    expect(await dense.locator('.gw-gallery-item canvas.gw-thumb').count()).toBe(items)
    expect(await dense.locator('.gw-gallery-title').textContent()).not.toMatch(/without a picture/)
    expect(await page.locator('.gw-hover-card:visible').count()).toBe(0)
    await dense.screenshot({ path: join(SCREENSHOTS, 'lab-03-lasso-gallery.png') })
  },
  '04-neurons.ipynb': async (page) => {
    const dictionary = await view(page, '.gw-neurons')
    const measures = await dictionary.locator('.gw-unit .gw-measures').allTextContents()
    expect(measures.some((m) => /ablation [-+]?\d+\.\d points/.test(m))).toBe(true)
    for (const weak of await dictionary.locator('.gw-unit .gw-concept-weak').allTextContents())
      expect(weak).toMatch(/^weak match: .* · IoU 0\.0[0-3]$/)
    for (const strong of await dictionary
      .locator('.gw-unit .gw-concept:not(.gw-concept-weak)')
      .allTextContents())
      expect(Number(/IoU ([\d.]+)/.exec(strong)?.[1])).toBeGreaterThanOrEqual(0.04)
    await dictionary.locator('.gw-unit').first().click()
    expect(await dictionary.locator('.gw-detail .gw-activation-map').count()).toBe(9)
    expect(await dictionary.locator('.gw-detail .gw-tuning-chart text').allTextContents()).toEqual(
      expect.arrayContaining(['0°', 'orientation', 'mean activation']),
    )
    await dictionary.screenshot({ path: join(SCREENSHOTS, 'lab-04-dictionary-detail.png') })
  },
  '05-credit-scoring.ipynb': async (page) => {
    const one = await view(page, '.gw-features', 0)
    expect(await one.locator('.gw-subtitle').allTextContents()).toEqual([
      'Example 0: waterfall from base value to output',
      'Attribution per feature',
    ])
    // One applicant: no beeswarm of one dot per attribute (the bars show them).
    expect(await one.locator('.gw-beeswarm').count()).toBe(0)
    const fifty = await view(page, '.gw-features', 1)
    expect(await fifty.locator('.gw-subtitle').allTextContents()).toContain(
      'Global importance over 50 examples (colour: value of numeric features, blue low, red high; grey: categorical)',
    )
    const swarm = fifty.locator('.gw-beeswarm')
    const labels = await swarm.locator('text').allTextContents()
    expect(labels).toEqual(expect.arrayContaining(['age', 'foreign_worker']))
    expect(labels.some((l) => /^attribution \(change in P\(bad\)\)$/.test(l))).toBe(true)
    // Categorical attributes are grey, numeric ones (age, duration, ...) coloured low to high.
    const fills = await swarm.locator('circle').evaluateAll((dots) => dots.map((d) => d.getAttribute('fill')))
    expect(fills.length).toBe(50 * 20)
    expect(fills.filter((f) => f === '#777').length).toBeGreaterThan(0)
    expect(fills.filter((f) => f !== '#777').length).toBeGreaterThan(0)
    // Every label shown keeps its value readable: 'name = value' is cut in the name only.
    for (const label of await one.locator('.gw-waterfall text').allTextContents())
      if (label.includes(' = ')) expect(label.length).toBeLessThanOrEqual(24)
    await fifty.screenshot({ path: join(SCREENSHOTS, 'lab-05-beeswarm.png') })
  },
}

// Lab 12 (issue 15): the depth-3 surrogate drawn as a tree beside its fidelity curve, and the reports' text.
CHECKS['12-global.ipynb'] = async (page) => {
  const surrogate = await view(page, '.gw-surrogate', 0)
  expect(await surrogate.locator('.gw-surrogate-title').textContent()).toMatch(
    /^Surrogate tree of depth 3: agreement \d+\.\d %, held out \d+\.\d %/,
  )
  expect(await surrogate.locator('.gw-surrogate-leaf').count()).toBe(8)
  expect(await surrogate.locator('.gw-surrogate-point').count()).toBe(12)
  expect(await page.locator('.jp-Notebook .gw-error').count()).toBe(0)
  const text = (await page.locator('.jp-Notebook .jp-OutputArea-output').allTextContents()).join('\n')
  expect(text).toMatch(/watermark at dense_1: .* significant: yes/)
  expect(text).toMatch(/random at dense_1: .* significant: no/)
  await surrogate.screenshot({ path: join(SCREENSHOTS, 'lab-12-surrogate.png') })
}

describe.skipIf(!kernel.glasswing)('the labs after Run All in JupyterLab', () => {
  for (const [file, check] of Object.entries(CHECKS))
    it(`runs ${file} and shows what its text says`, async () => {
      const page = await runLab(file)
      try {
        await check(page)
      } finally {
        await closeLab(page)
      }
    }, 720_000)
})
