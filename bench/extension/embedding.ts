/**
 * The embedding view's benchmark steps in a real JupyterLab page: a large payload, the Plotly chunk
 * kept from loading early, a draw, and pans measured two ways.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { encodeArray } from '../../src/display/codec'
import type { EmbeddingPayload } from '../../src/display/schema'
import { ROOT, runExtraCell, SCREENSHOTS, type Lab } from '../../test/browser/lab'
import { showCell, type KernelChoice } from '../../test/browser/notebook'
import { embeddingPayload, random } from '../../test/unit/extension/fixtures'

/** `n` points in 10 clusters with uint8 label codes (the compact form for many points). */
export function bigEmbedding(n: number): EmbeddingPayload {
  const rand = random(11)
  const xy = new Float32Array(n * 2)
  const labels = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10
    const angle = (labels[i]! / 10) * 2 * Math.PI
    xy[i * 2] = Math.cos(angle) * 10 + (rand() - 0.5) * 4
    xy[i * 2 + 1] = Math.sin(angle) * 10 + (rand() - 0.5) * 4
  }
  const base = embeddingPayload({ count: 10, thumbnails: 0 })
  const categories = Array.from({ length: 10 }, (_, i) => `digit ${i}`)
  return {
    ...base,
    coordinates: encodeArray(xy, [n, 2], 'float32'),
    columns: [
      {
        name: 'label',
        type: 'category',
        role: 'label',
        categories,
        values: encodeArray(labels, [n], 'uint8', { quantise: false }),
      },
    ],
    thumbnails: null,
  }
}

/** The installed extension's chunk holding Plotly's 2-D bundle: its file name and size. */
export function plotlyChunk(): { file: string; bytes: number } {
  const dir = join(ROOT, '.venv', 'share', 'jupyter', 'labextensions', 'glasswing-extension', 'static')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(dir, file))
    if (code.length > 1_000_000 && code.includes('plotly.js (gl2d')) return { file, bytes: code.length }
  }
  throw new Error(`no chunk with Plotly's gl2d bundle in ${dir}: run make extension`)
}

/**
 * The lab, with pages whose requests for the Plotly chunk wait until `release()`: the idle preload
 * waits, and a draw started before the release finds Plotly not loaded, as in a notebook opened with
 * an embedding already drawn. (Failing the requests instead would not do: webpack's shared-module
 * loader remembers a failure and never fetches that module again in the page.)
 */
export function withPlotlyHeldBack(lab: Lab): { lab: Lab; release(): void } {
  const pattern = `**/${plotlyChunk().file}*`
  const waiting: (() => void)[] = []
  const browser = {
    newPage: async (options) => {
      const page = await lab.browser.newPage(options)
      await page.route(
        pattern,
        (route) => new Promise<void>((done) => waiting.push(() => done(route.continue()))),
      )
      return page
    },
  } as Pick<Browser, 'newPage'> as Browser
  return { lab: { ...lab, browser }, release: () => waiting.splice(0).forEach((go) => go()) }
}

/** Whether Plotly has run in the page (on loading, it adds its style sheet). */
export function plotlyLoaded(page: Page): Promise<boolean> {
  return page.evaluate(() => document.getElementById('plotly.js-style-global') !== null)
}

/** Shows the payload `file` in a new cell; returns the draw time (the renderer's measure) and the time
 * from the draw's start to two frames after it ends (when the points are on screen; includes a poll). */
export async function drawEmbedding(
  page: Page,
  kernel: KernelChoice,
  file: string,
  n: number,
): Promise<{ draw: number; shown: number }> {
  const before = await page.locator(`.gw-plot[data-points="${n}"]`).count()
  await runExtraCell(page, showCell(kernel, file, 'embedding'))
  await page.waitForFunction(
    ([n, before]) => document.querySelectorAll(`.gw-plot[data-points="${n}"]`).length > before,
    [n, before] as const,
    { timeout: 60_000, polling: 'raf' },
  )
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
    const measure = performance.getEntriesByName('glasswing:embedding').at(-1)!
    return { draw: measure.duration, shown: performance.now() - measure.startTime }
  })
}

const twoFrames = (page: Page): Promise<unknown> =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))

/** The last plot's axis ranges and scales (pixels per unit). */
function axes(plot: Locator): Promise<{ x: number[]; y: number[]; mx: number; my: number }> {
  return plot.evaluate((element) => {
    const { xaxis, yaxis } = (
      element as unknown as {
        _fullLayout: { xaxis: { range: number[]; _m: number }; yaxis: { range: number[]; _m: number } }
      }
    )._fullLayout
    return { x: [...xaxis.range], y: [...yaxis.range], mx: xaxis._m, my: yaxis._m }
  })
}

export interface PanFigures {
  /** Per move, from Node: the move, then two frames (includes a CDP round trip). */
  steps: number[]
  /**
   * Per move while the pointer moves at 60 Hz, in the page: from the move to the second frame after it,
   * when the frame showing it has been produced. (Frame intervals alone would hide the stutter: frames
   * keep coming while software WebGL still draws the points, they just do not show them moved.)
   */
  latencies: number[]
  /** From the release to two frames later (the final redraw). */
  releaseMs: number
  /** How far the axes moved along x and y, as fractions of the drag (1 is exact). */
  accuracy: [number, number]
}

/**
 * Pans the last plot with Plotly's pan tool twice: 20 steps each waiting for two frames (the figure
 * the bench reported before), then 60 moves at 60 Hz with each move's latency recorded in the page.
 */
export async function pan(page: Page): Promise<PanFigures> {
  const plot = page.locator('.gw-plot').last()
  await plot.scrollIntoViewIfNeeded()
  await plot.locator('[data-val="pan"]').first().click()
  const box = (await plot.locator('.nsewdrag').first().boundingBox())!
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
  const drag = async (moves: number, dx: number, dy: number, each: () => Promise<unknown>) => {
    await page.mouse.move(x, y)
    await page.mouse.down()
    for (let i = 1; i <= moves; i++) {
      await page.mouse.move(x + (i * dx) / moves, y + (i * dy) / moves)
      await each()
    }
  }
  const steps: number[] = []
  let t = Date.now()
  await drag(20, 160, 80, async () => {
    await twoFrames(page)
    steps.push(Date.now() - t)
    t = Date.now()
  })
  await page.mouse.up()
  await twoFrames(page)
  const before = await axes(plot)
  // pointermove, not mousemove: a smooth pan keeps mousemove from every listener but its own.
  await page.evaluate(() => {
    const w = window as unknown as { latencies: number[]; record: (e: Event) => void }
    w.latencies = []
    w.record = (event) =>
      requestAnimationFrame(() => requestAnimationFrame((now) => w.latencies.push(now - event.timeStamp)))
    window.addEventListener('pointermove', w.record, true)
  })
  await drag(60, -240, -120, () => new Promise((r) => setTimeout(r, 16)))
  // Within the rest before a redraw (200 ms) where redrawing is slow: the moved image, clipped.
  const frame = (await plot.boundingBox())!
  await page.screenshot({ path: join(SCREENSHOTS, 'embedding-100k-panning.png'), clip: frame })
  const latencies = await page.evaluate(async () => {
    const w = window as unknown as { latencies: number[]; record: (e: Event) => void }
    window.removeEventListener('pointermove', w.record, true)
    await new Promise((r) => setTimeout(r, 1000)) // the last moves' frames
    return w.latencies
  })
  t = Date.now()
  await page.mouse.up()
  await twoFrames(page)
  const releaseMs = Date.now() - t
  await plot.screenshot({ path: join(SCREENSHOTS, 'embedding-100k-panned.png') })
  const after = await axes(plot)
  // Dragging by (dx, dy) pixels moves the ranges by -(dx / mx, dy / my) units.
  const accuracy: [number, number] = [
    (after.x[0]! - before.x[0]!) / (240 / before.mx),
    (after.y[0]! - before.y[0]!) / (120 / before.my),
  ]
  return { steps, latencies, releaseMs, accuracy }
}
