/**
 * Hostile and malformed payloads in a real JupyterLab and Chromium, shown through the Glasswing
 * kernel (`gw.display` of a MIME bundle): every view with right-to-left, overriding, markup and
 * 100,000-character strings in every shown field, non-finite numbers field by field, oversized
 * pictures, a 150,000-point embedding (the density view, hovered and lassoed to the kernel), and
 * payloads nested thousands deep. Each case must end as safe text, a notice or an error box with a
 * message; never blank, never a frozen tab, never "NaN" in an SVG attribute, and the notebook must
 * still save (checked through the Jupyter server's contents API).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeArray } from '../../src/display/codec'
import { embeddingPayload, random } from '../unit/extension/fixtures'
import { HEBREW, hostileCases, LONG } from './hostile-cases'
import { openNotebook, runExtraCell, SCREENSHOTS, startLab, waitForIdle, type Lab } from './lab'
import { chooseKernel, selectionCell, setupCell, showCell, writePayload } from './notebook'

const kernel = chooseKernel()
const cases = hostileCases()
const NOTEBOOK = 'hostile.ipynb'
const DENSE = 150_000
let lab: Lab
let page: Page
const consoleErrors: string[] = []

/** An embedding of `n` points in 10 rings, with its display id. */
function denseEmbedding(n: number) {
  const rand = random(5)
  const xy = new Float32Array(n * 2)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10
    const angle = (labels[i]! / 10) * 2 * Math.PI
    xy[i * 2] = Math.cos(angle) * 10 + (rand() - 0.5) * 3
    xy[i * 2 + 1] = Math.sin(angle) * 10 + (rand() - 0.5) * 3
  }
  const base = embeddingPayload({ count: 10, thumbnails: 0 })
  return {
    ...base,
    displayId: 'dense-embedding',
    coordinates: encodeArray(xy, [n, 2], 'float32'),
    columns: [{ ...base.columns[0]!, values: encodeArray(labels, [n], 'int32') }],
    thumbnails: null,
  }
}

/** The output of the notebook's cell `index` (0 is the set-up cell), scrolled into view. */
async function output(index: number) {
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(index)
  await cell.scrollIntoViewIfNeeded()
  return cell.locator('.jp-OutputArea')
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  // Every cell in the page (JupyterLab 4 otherwise leaves cells far out of view undrawn).
  writeFileSync(
    join(lab.dir, '.settings', '@jupyterlab', 'notebook-extension', 'tracker.jupyterlab-settings'),
    JSON.stringify({ autoStartDefaultKernel: true, windowingMode: 'none' }),
  )
  cases.forEach((c, i) => writePayload(lab.dir, `case-${i}.json`, c.payload))
  writePayload(lab.dir, 'dense.json', denseEmbedding(DENSE))
  const cells = [setupCell(kernel), ...cases.map((c, i) => showCell(kernel, `case-${i}.json`, c.kind))]
  // Console errors of the notebook's page, from its first render on.
  const watched = {
    newPage: async (options) => {
      const opened = await lab.browser.newPage(options)
      opened.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text())
      })
      return opened
    },
  } as Pick<Browser, 'newPage'> as Browser
  page = await openNotebook({ ...lab, browser: watched }, NOTEBOOK, cells, kernel)
}, 600_000)

afterAll(async () => {
  await lab?.stop()
})

describe.runIf(kernel.glasswing)('hostile and malformed payloads (Glasswing kernel)', () => {
  it('ends every case as drawn text, a notice or an error box with its message', async () => {
    const seen: string[] = []
    for (const [i, c] of cases.entries()) {
      const out = await output(i + 1)
      const renderer = out.locator('.gw-renderer')
      await renderer.waitFor({ timeout: 30_000 })
      const state = await renderer.evaluate((node) => ({
        error: node.querySelector('.gw-error')?.textContent ?? null,
        notice: node.querySelector('.gw-notice')?.textContent ?? null,
        drawn:
          node.querySelector(
            '.gw-saliency, .gw-embedding, .gw-neurons, .gw-features, .gw-surrogate, .gw-matrix, .gw-counterfactual, .gw-attention, .gw-atlas, .gw-clusters',
          ) !== null,
        height: node.getBoundingClientRect().height,
        width: node.getBoundingClientRect().width,
      }))
      const outcome = state.error !== null ? 'error' : state.notice !== null ? 'notice' : 'drawn'
      seen.push(`${c.name}: ${outcome}`)
      if (outcome !== 'drawn') await out.screenshot({ path: join(SCREENSHOTS, `hostile-case-${i}.png`) })
      expect(outcome, c.name).toBe(c.expected.outcome)
      if (c.expected.outcome !== 'drawn')
        expect(state.error ?? state.notice, c.name).toMatch(c.expected.message)
      if (c.expected.outcome !== 'error') expect(state.drawn, `${c.name}: the view is drawn`).toBe(true)
      // Never blank, never stretched by a long string (a 100,000-character label made 137,281 px).
      expect(state.height, c.name).toBeGreaterThan(20)
      expect(state.height, c.name).toBeLessThan(3000)
    }
    console.log(seen.join('\n'))
  })

  it('puts no NaN or Infinity in any SVG attribute and runs no markup', async () => {
    const bad = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.gw-renderer svg, .gw-renderer svg *')).flatMap((node) =>
        Array.from(node.attributes)
          .filter((a) => /NaN|Infinity/.test(a.value))
          .map((a) => `${node.tagName} ${a.name}="${a.value}"`),
      ),
    )
    expect(bad).toEqual([])
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('.gw-renderer img[src="x"]').count()).toBe(0)
    expect(consoleErrors.filter((e) => /NaN|Infinity/.test(e))).toEqual([])
  })

  it("keeps the view's own text after a right-to-left name (rendered order), and shows overrides by name", async () => {
    // Where a view writes a payload name and then its own text: the own text must be drawn right of
    // every glyph of the name. Without isolation '(90.0%)' is drawn left of the Hebrew.
    const places = [
      { name: 'saliency: right-to-left names', selector: '.gw-cell figcaption', after: '(' },
      { name: 'embedding: right-to-left names', selector: '.gw-legend-item', after: '(' },
      { name: 'neurons: right-to-left names', selector: '.gw-concept', after: '·' },
    ]
    let sameLine = 0
    for (const place of places) {
      const i = cases.findIndex((c) => c.name === place.name)
      const out = await output(i + 1)
      const element = out.locator(place.selector).first()
      const order = await element.evaluate(
        (node, { hebrew, after }) => {
          const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT)
          const rects = (text: Node, from: number, to: number) => {
            const range = document.createRange()
            range.setStart(text, from)
            range.setEnd(text, to)
            return Array.from(range.getClientRects())
          }
          for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            const content = text.textContent ?? ''
            const start = content.indexOf(hebrew)
            const own = content.indexOf(after, start)
            if (start < 0 || own < 0) continue
            const name = rects(text, start, start + hebrew.length)
            const mine = rects(text, own, own + 1)[0]!
            // A caption that wraps may put the view's own text on a later line, which keeps the order.
            const top = Math.min(...name.map((r) => r.top))
            return {
              text: content,
              above: mine.top < top - 2,
              sameLine: Math.abs(mine.top - top) < 2,
              nameRight: Math.max(...name.map((r) => r.right)),
              ownLeft: mine.left,
            }
          }
          return null
        },
        { hebrew: HEBREW, after: place.after },
      )
      expect(order, place.name).not.toBeNull()
      expect(order!.above, `${place.name}: ${order!.text}`).toBe(false)
      if (order!.sameLine) {
        sameLine += 1
        expect(order!.ownLeft, `${place.name}: ${order!.text}`).toBeGreaterThanOrEqual(order!.nameRight - 0.5)
      }
    }
    // The check means something only where name and own text share a line (the legend, the concept).
    expect(sameLine).toBeGreaterThanOrEqual(2)
    const override = cases.findIndex((c) => c.name === 'saliency: direction override')
    await (await output(override + 1)).screenshot({ path: join(SCREENSHOTS, 'hostile-override.png') })
    expect(await (await output(override + 1)).textContent()).toContain('⟨RLO⟩gnp.exe')
    const rtl = cases.findIndex((c) => c.name === 'saliency: right-to-left names')
    await (await output(rtl + 1)).screenshot({ path: join(SCREENSHOTS, 'hostile-rtl.png') })
  })

  it('cuts a 100,000-character name and gives its full value on hover', async () => {
    const i = cases.findIndex((c) => c.name === 'saliency: 100,000 characters')
    const out = await output(i + 1)
    await out.screenshot({ path: join(SCREENSHOTS, 'hostile-long.png') })
    const caption = out.locator('.gw-cell figcaption').first()
    await caption.hover()
    await expect.poll(() => caption.getAttribute('title')).toContain(LONG)
    expect((await caption.textContent())!.length).toBeLessThan(300)
  })

  it('draws 150,000 points as a density, says so, hovers and lassoes them to gw.selection()', async () => {
    const before = await page.locator('.jp-Notebook .jp-Cell').count()
    await runExtraCell(page, showCell(kernel, 'dense.json', 'embedding'))
    const view = (await output(before)).locator('.gw-embedding[data-mode="density"]')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('.gw-density-note').textContent()).toMatch(
      /^Above 100,000 points this view draws their density, not each point/,
    )
    expect(await view.locator('.gw-title').textContent()).toContain('150,000 points')
    const overlay = view.locator('.gw-density-overlay')
    await overlay.scrollIntoViewIfNeeded()
    const box = (await overlay.boundingBox())!
    // The cluster of label 0 is centred at (10, 0): right of the middle of the picture.
    const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const
    await page.mouse.move(...at(0.5, 0.5))
    await page.mouse.move(...at(0.74, 0.47), { steps: 4 })
    await expect.poll(() => view.locator('.gw-hover-card').isVisible()).toBe(true)
    expect(await view.locator('.gw-hover-card').textContent()).toMatch(/^#\d+ · label: digit \d/)
    await page.mouse.move(...at(0.6, 0.3))
    await page.mouse.down()
    for (const [fx, fy] of [
      [0.95, 0.3],
      [0.95, 0.7],
      [0.6, 0.7],
      [0.6, 0.3],
    ] as const)
      await page.mouse.move(...at(fx, fy), { steps: 8 })
    await page.mouse.up()
    await expect.poll(() => view.locator('.gw-plot').getAttribute('data-selected')).not.toBeNull()
    const selected = Number(await view.locator('.gw-plot').getAttribute('data-selected'))
    expect(selected).toBeGreaterThan(DENSE / 20)
    await view.screenshot({ path: join(SCREENSHOTS, 'density-150k-lasso.png') })
    const reply = await runExtraCell(page, selectionCell(kernel))
    expect(reply.trim().split(' ')[0]).toBe(String(selected))
    // Every point: more than 100,000 go to the kernel as a bitmask.
    await overlay.scrollIntoViewIfNeeded()
    const all = (await overlay.boundingBox())!
    const corner = (fx: number, fy: number) => [all.x + all.width * fx, all.y + all.height * fy] as const
    await page.mouse.move(...corner(0.02, 0.02))
    await page.mouse.down()
    for (const [fx, fy] of [
      [0.99, 0.02],
      [0.99, 0.97],
      [0.02, 0.97],
      [0.02, 0.02],
    ] as const)
      await page.mouse.move(...corner(fx, fy), { steps: 6 })
    await page.mouse.up()
    await expect.poll(() => view.locator('.gw-plot').getAttribute('data-selected')).toBe(String(DENSE))
    const everything = await runExtraCell(page, selectionCell(kernel))
    expect(everything.trim().split(' ')).toEqual([String(DENSE), '0,1,2,3,4'])
  })

  it('refuses bundles nested thousands deep in the cell, and the notebook still saves', async () => {
    for (const depth of [1000, 5000]) {
      const text = await runExtraCell(
        page,
        [
          `{ let deep: unknown = 'x'; for (let i = 0; i < ${depth}; i++) deep = [deep]`,
          "  gw.display({ [Symbol.for('Jupyter.display')]: () => ({",
          "    'application/vnd.glasswing.saliency.v1+json': { classNames: deep }, 'text/plain': 'deep' }) }) }",
        ].join('\n'),
      )
      expect(text).toMatch(/nested at most 64 levels deep/)
      expect(text).not.toMatch(/Maximum call stack/)
    }
    // Responsive: a frame comes at once.
    const started = Date.now()
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)))
    expect(Date.now() - started).toBeLessThan(2000)
    await page.evaluate(() =>
      (
        window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }
      ).jupyterapp.commands.execute('docmanager:save'),
    )
    await waitForIdle(page)
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              window as unknown as {
                jupyterapp: { shell: { currentWidget: { context: { model: { dirty: boolean } } } } }
              }
            ).jupyterapp.shell.currentWidget.context.model.dirty,
        ),
      )
      .toBe(false)
    expect(await page.locator('.jp-Dialog').count()).toBe(0)
    const saved = (await (await fetch(`${lab.url}api/contents/${NOTEBOOK}?content=1`)).json()) as {
      content: { cells: { outputs?: unknown[] }[] }
    }
    const cells = saved.content.cells
    expect(cells.length).toBe(await page.locator('.jp-Notebook .jp-Cell').count())
    expect(cells.length).toBeGreaterThan(cases.length + 4)
    expect(cells.slice(1, cases.length + 1).every((c) => (c.outputs ?? []).length > 0)).toBe(true)
  })
})
