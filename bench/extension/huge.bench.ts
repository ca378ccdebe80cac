/**
 * An embedding of 4.7 million points in a real JupyterLab and Chromium, sent by the Glasswing kernel
 * (the payload read from a file and shown with gw.display): the time until it is drawn, then, with
 * the pointer moving at 60 Hz, the time from each pointer move to the second frame after it (when the
 * frame showing its effect has been produced) while hovering and while drawing a lasso, and from each
 * wheel event to its frame (the drawn picture is scaled at once; every point is drawn again when the
 * wheel rests); the lasso's selection (1.5 million points, sent as a bitmask) reaching gw.selection().
 * Target from issue 21: pointer move to frame under 100 ms.
 * Figures are printed and saved to .cache/bench/extension-huge.json with the load average.
 *
 *   npx vitest run --config bench/extension/vitest.config.mts bench/extension/huge.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, type Lab } from '../../test/browser/lab'
import { chooseKernel, selectionCell, setupCell, writePayload } from '../../test/browser/notebook'
import { bigEmbedding, drawEmbedding } from './embedding'

const N = 4_700_000
const kernel = chooseKernel()
const figures: Record<string, number | string | number[]> = {
  kernel: kernel.name,
  'load average at start (1, 5, 15 min)': loadavg().map((l) => Number(l.toFixed(2))),
}
let lab: Lab
let page: Page

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!
const max = (values: number[]): number => Math.max(...values)

beforeAll(async () => {
  lab = await startLab()
  const started = performance.now()
  const payload = { ...bigEmbedding(N), displayId: 'huge-embedding' }
  figures['ms: make and encode the payload in Node'] = Math.round(performance.now() - started)
  writePayload(lab.dir, 'huge.json', payload)
  figures['bytes: payload JSON'] = JSON.stringify(payload).length
  page = await openNotebook(lab, 'huge.ipynb', [setupCell(kernel)], kernel)
}, 600_000)

afterAll(async () => {
  mkdirSync(join(ROOT, '.cache', 'bench'), { recursive: true })
  figures['load average at end'] = loadavg().map((l) => Number(l.toFixed(2)))
  writeFileSync(join(ROOT, '.cache', 'bench', 'extension-huge.json'), JSON.stringify(figures, null, 2))
  console.log(JSON.stringify(figures, null, 2))
  await lab?.stop()
})

/** Starts recording, per pointer move, the time from the move to the second frame after it. */
function record(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { latencies: number[]; record: (e: Event) => void }
    w.latencies = []
    w.record = (event) =>
      requestAnimationFrame(() => requestAnimationFrame((now) => w.latencies.push(now - event.timeStamp)))
    window.addEventListener('pointermove', w.record, true)
    window.addEventListener('wheel', w.record, true)
  })
}

/** Stops recording and returns the latencies (after the last moves' frames). */
function recorded(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { latencies: number[]; record: (e: Event) => void }
    await new Promise((r) => setTimeout(r, 1500))
    window.removeEventListener('pointermove', w.record, true)
    window.removeEventListener('wheel', w.record, true)
    return w.latencies
  })
}

it('keeps 4.7 million points responsive: pointer move to frame under 100 ms while hovering and lassoing', async () => {
  const started = Date.now()
  const drawn = await drawEmbedding(page, kernel, 'huge.json', N)
  figures['ms: cell run to view drawn (kernel reads, sends; the page parses, validates, draws)'] =
    Date.now() - started
  figures['ms: the renderer (validate, decode, index, first density picture)'] = Math.round(drawn.draw)
  const view = page.locator('.gw-embedding[data-mode="density"]').last()
  const overlay = view.locator('.gw-density-overlay')
  await overlay.scrollIntoViewIfNeeded()
  const box = (await overlay.boundingBox())!
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const
  const sleep = () => new Promise((r) => setTimeout(r, 16))

  // What follows a draw (JupyterLab storing the 56 MB output in its notebook model, garbage
  // collection) is given 3 s; the first moves are reported apart.
  await new Promise((r) => setTimeout(r, 3000))
  await record(page)
  // From the cluster on the left, through the empty middle, to the cluster on the right (470,000
  // points each: a hover there weighs the most points).
  for (let i = 0; i <= 60; i++) {
    await page.mouse.move(...at(0.24 + (0.52 * i) / 60, 0.48))
    await sleep()
  }
  const hover = await recorded(page)
  figures['ms: hover, pointer move to frame, median'] = Math.round(median(hover))
  figures['ms: hover, p95'] = Math.round(p95(hover))
  figures['ms: hover, max'] = Math.round(max(hover))
  figures['ms: hover, every move in order'] = hover.map((v) => Math.round(v))
  expect(await view.locator('.gw-hover-card').isVisible()).toBe(true)

  await page.mouse.move(...at(0.55, 0.2))
  await page.mouse.down()
  await record(page)
  const corners = [
    [0.98, 0.2],
    [0.98, 0.8],
    [0.55, 0.8],
    [0.55, 0.2],
  ] as const
  let from = at(0.55, 0.2)
  for (const corner of corners) {
    const to = at(corner[0], corner[1])
    for (let k = 1; k <= 15; k++) {
      await page.mouse.move(from[0] + ((to[0] - from[0]) * k) / 15, from[1] + ((to[1] - from[1]) * k) / 15)
      await sleep()
    }
    from = to
  }
  const lasso = await recorded(page)
  figures['ms: lasso drawing, pointer move to frame, median'] = Math.round(median(lasso))
  figures['ms: lasso drawing, p95'] = Math.round(p95(lasso))
  figures['ms: lasso drawing, max'] = Math.round(max(lasso))
  const released = await page.evaluate(() => performance.now())
  await page.mouse.up()
  await page.waitForFunction(() => document.querySelector('.gw-density-plot[data-selected]') !== null)
  figures['ms: lasso release to selection shown (grid index over 4.7 M points)'] = Math.round(
    (await page.evaluate(() => performance.now())) - released,
  )
  const selected = Number(await view.locator('.gw-plot').getAttribute('data-selected'))
  figures['points selected'] = selected
  await view.screenshot({ path: join(SCREENSHOTS, 'embedding-4.7M-lasso.png') })
  const reply = await runExtraCell(page, selectionCell(kernel))
  figures['gw.selection() after the lasso'] = reply.trim().split(' ')[0]!
  expect(reply.trim().split(' ')[0]).toBe(String(selected))

  await page.mouse.move(...at(0.5, 0.5))
  await record(page)
  for (let i = 0; i < 10; i++) {
    await page.mouse.wheel(0, i < 5 ? -120 : 120)
    await new Promise((r) => setTimeout(r, 100))
  }
  const zoom = await recorded(page)
  figures['ms: wheel zoom, event to frame (picture scaled; redrawn when the wheel rests), median'] =
    Math.round(median(zoom))
  figures['ms: wheel zoom, max'] = Math.round(max(zoom))
  await view.screenshot({ path: join(SCREENSHOTS, 'embedding-4.7M.png') })

  expect(p95(hover)).toBeLessThan(100)
  expect(p95(lasso)).toBeLessThan(100)
}, 900_000)
