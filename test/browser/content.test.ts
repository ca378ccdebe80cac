/**
 * tslab's display API and Glasswing's plain-content helpers as a user sees them: a notebook written the
 * way tslab's documentation shows, run in JupyterLab on the Glasswing kernel, renders HTML, Markdown,
 * SVG, LaTeX and pictures, and a newDisplay() ends as one output with its last content.
 * Needs the Glasswing kernel (skipped on ipykernel). Screenshot: .cache/screenshots/content.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNotebook, SCREENSHOTS, startLab, type Lab } from './lab'
import { chooseKernel } from './notebook'

const kernel = chooseKernel()
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
let lab: Lab
let page: Page

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  page = await openNotebook(
    lab,
    'content.ipynb',
    [
      [
        'import * as tslab from "tslab"',
        'tslab.display.html("Hello <b class=\\"from-tslab\\">tslab!</b>")',
        'tslab.display.markdown("Hello **markdown from tslab**")',
        'tslab.display.svg(\'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle class="dot" cx="20" cy="20" r="16" fill="teal"/></svg>\')',
        'tslab.display.latex("$$e^{i\\\\pi} + 1 = 0$$")',
        `tslab.display.png(new Uint8Array(Buffer.from("${PNG}", "base64")))`,
      ].join('\n'),
      [
        'const steps = tslab.newDisplay()',
        "for (const step of ['first', 'second', 'last']) steps.html(`<i class=\"step\">${step} step</i>`)",
      ].join('\n'),
      [
        "import * as tf from '@tensorflow/tfjs'",
        'const ramp = tf.tidy(() => tf.linspace(0, 1, 64).reshape([1, 64]).tile([16, 1]))',
        "gw.display(gw.image(ramp, { alt: 'a grey ramp' }))",
        'ramp.dispose()',
        "gw.markdown('## Results from **gw.markdown**')",
      ].join('\n'),
    ],
    kernel,
  )
}, 300_000)

afterAll(async () => {
  if (page) await page.screenshot({ path: join(SCREENSHOTS, 'content.png'), fullPage: true })
  await lab?.stop()
})

describe.skipIf(!kernel.glasswing)('tslab.display and gw.html/markdown/image in JupyterLab', () => {
  it('renders each MIME type with JupyterLab’s own renderers', async () => {
    const seen = await page.evaluate(() => {
      const texts = (selector: string) =>
        Array.from(document.querySelectorAll(selector), (e) => e.textContent)
      return {
        html: texts('.jp-OutputArea-output b.from-tslab'),
        markdown: texts('.jp-RenderedMarkdown strong'),
        svg: document.querySelectorAll('.jp-RenderedSVG svg circle.dot, .jp-RenderedSVG img').length,
        latex: document.querySelectorAll('.jp-RenderedLatex').length,
        images: Array.from(document.querySelectorAll('.jp-OutputArea-output img'), (img) => [
          (img as HTMLImageElement).naturalWidth,
          (img as HTMLImageElement).naturalHeight,
        ]),
        headings: texts('.jp-RenderedMarkdown h2'),
        steps: texts('i.step'),
      }
    })
    expect(seen.html).toEqual(['tslab!'])
    expect(seen.markdown).toContain('markdown from tslab')
    expect(seen.svg).toBe(1)
    expect(seen.latex).toBe(1)
    // JupyterLab draws the SVG as an <img> too: 40x40, then tslab's 1x1 PNG, then gw.image's ramp.
    expect(seen.images).toEqual([
      [40, 40],
      [1, 1],
      [64, 16],
    ])
    expect(seen.headings.some((h) => h?.startsWith('Results from gw.markdown'))).toBe(true)
    // newDisplay(): one output, holding its last content.
    expect(seen.steps).toEqual(['last step'])
  })
})
