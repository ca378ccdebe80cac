/**
 * Benchmarks of the extension in a real JupyterLab and Chromium:
 *   - payload sizes (JSON bytes) of typical results;
 *   - an embedding of 100,000 points: time to draw (the renderer's `glasswing:embedding` measure) cold
 *     (Plotly's chunk not loaded: fetched, compiled and run first), after the idle preload (what a user
 *     running a notebook sees) and warm (median of 3), each also until the frame showing the points;
 *     and pans: with the pointer moving at 60 Hz, the time from each move to the frame showing it
 *     ("smooth": p95 <= 50 ms, three frames at most), and the earlier per-step figure;
 *   - the opacity slider over 16 overlays of 224x224: the redraw in the input handler, and to the next frame.
 * Targets from the issue: draw < 2 s and smooth pans at 100,000 points, redraw < 16 ms, 8 MNIST
 * explanations < 100 KB, 8 at 224 < 2 MB. Browsers here have no GPU (SwiftShader WebGL).
 * Figures are printed and saved to .cache/bench/extension.json, with the load average around them.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, type Lab } from '../../test/browser/lab'
import { chooseKernel, setupCell, showCell, writePayload } from '../../test/browser/notebook'
import {
  embeddingPayload,
  neuronsPayload,
  saliencyPayload,
  tabularPayload,
} from '../../test/unit/extension/fixtures'
import { bigEmbedding, drawEmbedding, pan, plotlyChunk, plotlyLoaded, withPlotlyHeldBack } from './embedding'

const kernel = chooseKernel()
const figures: Record<string, number | string | number[]> = {
  kernel: kernel.name,
  'load average at start (1, 5, 15 min)': loadavg().map((l) => Number(l.toFixed(2))),
}
let lab: Lab
let page: Page

const size = (payload: unknown): number => JSON.stringify(payload).length

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!

beforeAll(async () => {
  lab = await startLab()
  writePayload(lab.dir, 'big.json', bigEmbedding(100_000))
  writePayload(lab.dir, 'overlays.json', saliencyPayload({ count: 16, size: 224, targets: 1 }))
  page = await openNotebook(lab, 'bench.ipynb', [setupCell(kernel)], kernel)
})

afterAll(async () => {
  mkdirSync(join(ROOT, '.cache', 'bench'), { recursive: true })
  figures['load average at end'] = loadavg().map((l) => Number(l.toFixed(2)))
  writeFileSync(join(ROOT, '.cache', 'bench', 'extension.json'), JSON.stringify(figures, null, 2))
  console.log(JSON.stringify(figures, null, 2))
  await lab?.stop()
})

it('payload sizes', () => {
  figures['bytes: 8 MNIST explanations, 3 targets each'] = size(
    saliencyPayload({ count: 8, size: 28, targets: 3 }),
  )
  figures['bytes: 8 explanations at 224x224 (PNG inputs)'] = size(
    saliencyPayload({ count: 8, size: 224, targets: 1 }),
  )
  figures['bytes: compare, 4 methods x 8 MNIST inputs'] = size(
    saliencyPayload({ count: 8, methods: ['saliency', 'ig', 'smoothgrad', 'grad-cam'], targets: 1 }),
  )
  figures['bytes: embedding of 10,000 points with 1,000 8x8 thumbnails'] = size(
    embeddingPayload({ count: 10_000, thumbnails: 1000 }),
  )
  figures['bytes: embedding of 100,000 points'] = size(bigEmbedding(100_000))
  figures['bytes: 64 neuron units'] = size(neuronsPayload({ units: 64 }))
  figures['bytes: tabular attributions, 1,000 examples x 5 features'] = size(
    tabularPayload({ examples: 1000 }),
  )
  expect(figures['bytes: 8 MNIST explanations, 3 targets each']).toBeLessThan(100_000)
  expect(figures['bytes: 8 explanations at 224x224 (PNG inputs)']).toBeLessThan(2_000_000)
})

it('draws an embedding of 100,000 points in under 2 s, cold and preloaded, and pans it smoothly', async () => {
  const N = 100_000
  const chunk = plotlyChunk()
  figures["bytes: Plotly's 2-D chunk"] = chunk.bytes
  // Cold: a page whose Plotly requests wait until the draw has begun, so that the draw waits for the
  // chunk's download and compilation (plus the few ms it takes to see the draw begin).
  const held = withPlotlyHeldBack(lab)
  const cold = await openNotebook(held.lab, 'bench-cold.ipynb', [setupCell(kernel)], kernel)
  expect(await plotlyLoaded(cold)).toBe(false)
  const renderers = await cold.locator('.gw-renderer').count()
  const drawn = drawEmbedding(cold, kernel, 'big.json', N)
  await cold
    .waitForFunction((n) => document.querySelectorAll('.gw-renderer').length > n, renderers, {
      polling: 'raf',
      timeout: 60_000,
    })
    .catch(async (error: unknown) => {
      await cold.screenshot({ path: join(SCREENSHOTS, 'bench-cold-no-renderer.png'), fullPage: true })
      throw error
    })
  held.release()
  const coldMs = await drawn
  figures['ms: draw 100,000 points, cold (fetches and compiles Plotly)'] = Math.round(coldMs.draw)
  figures['ms: ... cold, until on screen'] = Math.round(coldMs.shown)
  await cold.close()
  // What a user sees: Plotly was loaded while the page was idle, then the first draw.
  await expect.poll(() => plotlyLoaded(page), { timeout: 30_000 }).toBe(true)
  const preloaded = await drawEmbedding(page, kernel, 'big.json', N)
  figures['ms: draw 100,000 points, first in a page (Plotly preloaded on idle)'] = Math.round(preloaded.draw)
  figures['ms: ... preloaded, until on screen'] = Math.round(preloaded.shown)
  const warm: { draw: number; shown: number }[] = []
  for (let i = 0; i < 3; i++) warm.push(await drawEmbedding(page, kernel, 'big.json', N))
  figures['ms: draw 100,000 points, warm (median of 3)'] = Math.round(median(warm.map((w) => w.draw)))
  figures['ms: ... warm, until on screen'] = Math.round(median(warm.map((w) => w.shown)))
  const panned = await pan(page)
  figures['ms: pan, pointer move to the frame showing it, at 60 Hz moves, median'] = Math.round(
    median(panned.latencies),
  )
  figures['ms: pan, pointer move to the frame showing it, p95'] = Math.round(p95(panned.latencies))
  figures['ms: pan step (move, then two frames; includes a CDP round trip), median'] = median(panned.steps)
  figures['ms: pan step, p95'] = p95(panned.steps)
  figures['ms: pan release to the final redraw'] = panned.releaseMs
  figures['pan accuracy (axes moved / dragged; x, y)'] = panned.accuracy.map((a) => Number(a.toFixed(3)))
  expect(coldMs.shown).toBeLessThan(2000)
  expect(preloaded.shown).toBeLessThan(2000)
  expect(p95(panned.latencies)).toBeLessThanOrEqual(50)
  for (const a of panned.accuracy) expect(a).toBeCloseTo(1, 1)
})

it('redraws 16 overlays of 224x224 when the opacity slider moves', async () => {
  await runExtraCell(page, showCell(kernel, 'overlays.json', 'saliency'))
  await page.waitForFunction(() => document.querySelectorAll('.gw-saliency canvas.gw-overlay').length >= 16)
  const timings = await page.evaluate(async () => {
    const input = document.querySelector<HTMLInputElement>('.gw-saliency .gw-opacity')!
    const handler: number[] = []
    const frame: number[] = []
    for (let i = 0; i < 60; i++) {
      const t = performance.now()
      input.value = String((i % 20) / 20)
      input.dispatchEvent(new Event('input', { bubbles: true }))
      handler.push(performance.now() - t)
      await new Promise((r) => requestAnimationFrame(r))
      frame.push(performance.now() - t)
    }
    return { handler, frame }
  })
  figures['ms: opacity redraw of 16 overlays 224x224, median (input handler)'] = Number(
    median(timings.handler).toFixed(2),
  )
  figures['ms: opacity redraw of 16 overlays 224x224, p95 (input handler)'] = Number(
    p95(timings.handler).toFixed(2),
  )
  figures['ms: opacity change to next frame, median'] = Number(median(timings.frame).toFixed(2))
  expect(median(timings.handler)).toBeLessThan(16)
})
