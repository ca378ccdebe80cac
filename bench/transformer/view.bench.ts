/**
 * The attention view at 512 tokens x 8 layers x 8 heads in a real JupyterLab and Chromium, with results
 * of the Glasswing kernel: a random hooked transformer of that size (causal, so its patterns travel as
 * lower triangles; and an encoder, full patterns), one 512-token sequence (a 256-token half repeated).
 * Measured with the view's performance marks (`glasswing:attention`: validate, decode, 65 thumbnails and
 * the enlarged pattern; `glasswing:attention:hover`, `glasswing:attention:enlarge`) and, as a user feels
 * it, from each pointer move, click or selector change to the second frame after it.
 * Figures are printed and saved to bench/transformer/view-results.json with the load average.
 *
 *   npx vitest run --config bench/transformer/vitest.config.mts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  codeCell,
  ROOT,
  runExtraCell,
  runNotebookFile,
  SCREENSHOTS,
  startLab,
  type Lab,
} from '../../test/browser/lab'
import { chooseKernel } from '../../test/browser/notebook'

const kernel = chooseKernel()
const figures: Record<string, unknown> = {
  shape: '512 tokens x 8 layers x 8 heads (d_model 64), one sequence',
  'load average at start (1, 5, 15 min)': loadavg().map((l) => Number(l.toFixed(2))),
}
let lab: Lab
let page: Page

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!
const round = (v: number) => Math.round(v * 10) / 10

const model = (causal: boolean) =>
  `await gw.load(gw.transformer.build({ vocabularySize: 1000, contextLength: 512, dModel: 64, heads: 8, layers: 8, dMlp: 0, causal: ${causal}, padId: -1, head: { kind: 'lm' }, seed: 1 }))`

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  const setup = [
    `const decoder = ${model(true)}`,
    `const encoder = ${model(false)}`,
    'const half = Array.from({ length: 256 }, (_, i) => 1 + ((i * 7919) % 997))',
    'const ids = [[...half, ...half]]',
    'const bundleOf = (r) => r[Symbol.for("Jupyter.display")]()',
    'const timed = async (f) => { const s = performance.now(); const v = await f(); return [v, performance.now() - s] }',
    'const [causal, attentionMs] = await timed(() => gw.transformer.attention(decoder, ids, { rollout: true }))',
    'const [full, fullMs] = await timed(() => gw.transformer.attention(encoder, ids, { rollout: true }))',
    'const [bundle, bundleMs] = await timed(() => bundleOf(causal))',
    'const [fullBundle, fullBundleMs] = await timed(() => bundleOf(full))',
    'const mime = "application/vnd.glasswing.attention.v1+json"',
    'console.log(JSON.stringify({ attentionMs, fullMs, bundleMs, fullBundleMs, bytes: JSON.stringify(bundle[mime]).length, fullBytes: JSON.stringify(fullBundle[mime]).length, png: bundle["image/png"].length }))',
  ].join('\n')
  // Computing 512 x 512 x 64 patterns into arrays takes tens of seconds on a loaded machine: the
  // notebook is given 10 minutes (openNotebook gives 2).
  const notebook = {
    cells: [setup, 'causal'].map(codeCell),
    metadata: { kernelspec: { name: kernel.name, display_name: kernel.name, language: kernel.language } },
    nbformat: 4,
    nbformat_minor: 5,
  }
  writeFileSync(join(lab.dir, 'attention-512.ipynb'), JSON.stringify(notebook))
  page = await runNotebookFile(lab, 'attention-512.ipynb', 600_000)
  const printed = (await page
    .locator('.jp-Notebook .jp-Cell')
    .nth(0)
    .locator('.jp-OutputArea')
    .textContent())!
  const k = JSON.parse(printed.trim().split('\n').at(-1)!) as Record<string, number>
  figures['ms: gw.transformer.attention, causal (patterns, head scores, rollout 512 x 8 layers)'] =
    Math.round(k.attentionMs!)
  figures['ms: gw.transformer.attention, encoder'] = Math.round(k.fullMs!)
  figures['ms: display bundle in the kernel, causal (pack, encode, PNG)'] = Math.round(k.bundleMs!)
  figures['ms: display bundle in the kernel, encoder'] = Math.round(k.fullBundleMs!)
  figures['bytes: payload JSON, causal (lower triangles)'] = k.bytes
  figures['bytes: payload JSON, encoder (full patterns)'] = k.fullBytes
  figures['bytes: PNG fallback (base64)'] = k.png
}, 600_000)

afterAll(async () => {
  figures['load average at end'] = loadavg().map((l) => Number(l.toFixed(2)))
  figures.date = new Date().toISOString()
  mkdirSync(join(ROOT, 'bench', 'transformer'), { recursive: true })
  writeFileSync(
    join(ROOT, 'bench', 'transformer', 'view-results.json'),
    JSON.stringify(figures, null, 2) + '\n',
  )
  console.log(JSON.stringify(figures, null, 2))
  await lab?.stop()
})

/** Durations of the view's performance measures of one name, cleared after reading. */
function measures(name: string): Promise<number[]> {
  return page.evaluate((n) => {
    const out = performance.getEntriesByName(n).map((e) => e.duration)
    performance.clearMeasures(n)
    return out
  }, name)
}

/** Starts recording, per event of these types, the time from the event to the second frame after it. */
function record(types: string[]): Promise<void> {
  return page.evaluate((names) => {
    const w = window as unknown as { latencies: number[]; record: (e: Event) => void; types: string[] }
    w.latencies = []
    w.types = names
    w.record = (event) =>
      requestAnimationFrame(() => requestAnimationFrame((now) => w.latencies.push(now - event.timeStamp)))
    for (const t of names) window.addEventListener(t, w.record, true)
  }, types)
}

function recorded(): Promise<number[]> {
  return page.evaluate(async () => {
    const w = window as unknown as { latencies: number[]; record: (e: Event) => void; types: string[] }
    await new Promise((r) => setTimeout(r, 1000))
    for (const t of w.types) window.removeEventListener(t, w.record, true)
    return w.latencies
  })
}

function summary(label: string, values: number[]): void {
  figures[`ms: ${label}, median`] = round(median(values))
  figures[`ms: ${label}, p95`] = round(p95(values))
  figures[`ms: ${label}, max`] = round(Math.max(...values))
}

const sleep = (ms = 16) => new Promise((r) => setTimeout(r, ms))

async function drawnView(n: number): Promise<Locator> {
  const view = page.locator('.gw-attention').nth(n)
  await view.waitFor({ timeout: 300_000 })
  return view
}

it('draws 512 tokens x 8 layers x 8 heads and stays responsive to hover, click and layer changes', async () => {
  const view = await drawnView(0)
  expect(await view.locator('.gw-attention-thumb').count()).toBe(65)
  summary(
    'first draw in the renderer (validate, decode, 65 thumbnails, enlarged pattern)',
    await measures('glasswing:attention'),
  )
  await page.waitForTimeout(2000)

  // Hover 60 tokens one after another (the token view shades all 512 each time).
  const tokens = view.locator('.gw-attention-tokens .gw-attention-token')
  await tokens.first().scrollIntoViewIfNeeded()
  const boxes: { x: number; y: number }[] = []
  for (let k = 300; k < 360; k++) {
    const box = (await tokens.nth(k).boundingBox())!
    boxes.push({ x: box.x + box.width / 2, y: box.y + box.height / 2 })
  }
  await measures('glasswing:attention:hover')
  await record(['pointermove'])
  for (const { x, y } of boxes) {
    await page.mouse.move(x, y)
    await sleep()
  }
  summary('token hover, pointer move to frame', await recorded())
  summary(
    'token hover, handler (shade 512 tokens, read-out, cross-hair)',
    await measures('glasswing:attention:hover'),
  )

  // Move over the enlarged pattern (read-out and cross-hair).
  const overlay = view.locator('canvas.gw-attention-overlay')
  await overlay.scrollIntoViewIfNeeded()
  const box = (await overlay.boundingBox())!
  await record(['pointermove'])
  for (let i = 0; i < 60; i++) {
    await page.mouse.move(
      box.x + box.width * (0.1 + (0.8 * i) / 60),
      box.y + box.height * (0.9 - (0.8 * i) / 60),
    )
    await sleep()
  }
  summary('pattern hover, pointer move to frame', await recorded())

  // Click 16 thumbnails: each enlarges its 512 x 512 pattern.
  await measures('glasswing:attention:enlarge')
  await record(['click'])
  for (let i = 0; i < 16; i++) {
    await view.locator(`.gw-attention-thumb[data-layer="${i % 8}"][data-head="${(3 * i) % 8}"]`).click()
    await sleep(100)
  }
  summary('thumbnail click to frame (enlarge a 512 x 512 pattern)', await recorded())
  summary('enlarge, drawing alone', await measures('glasswing:attention:enlarge'))

  // Switch layers with the selector.
  await record(['change'])
  for (let l = 0; l < 8; l++) {
    await view.locator('select.gw-attention-layer').selectOption(String((l + 3) % 8))
    await sleep(100)
  }
  summary('layer selector change to frame', await recorded())
  // Pictures: a random model's attention is nearly uniform, so each row is coloured to its largest.
  await page.setViewportSize({ width: 1800, height: 1400 })
  await view.locator('select.gw-attention-scale').selectOption('row')
  await view.locator('.gw-attention-thumb[data-layer="7"][data-head="2"]').click()
  await tokens.nth(400).hover()
  const body = view.locator('.gw-attention-body')
  await body.scrollIntoViewIfNeeded()
  await body.screenshot({ path: join(SCREENSHOTS, 'attention-512.png') })
  await view
    .locator('.gw-attention-tokens')
    .screenshot({ path: join(SCREENSHOTS, 'attention-512-tokens.png') })

  // The encoder's full patterns (twice the bytes): cell run to view drawn.
  const started = Date.now()
  await runExtraCell(page, 'full')
  await drawnView(1)
  figures['ms: encoder, cell run to view drawn (kernel packs and sends, the page parses and draws)'] =
    Date.now() - started
  summary('encoder, first draw in the renderer', await measures('glasswing:attention'))
}, 900_000)
