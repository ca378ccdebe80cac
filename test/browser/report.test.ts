/**
 * A real report in a real Chromium: the credit MLP explained with KernelSHAP and an MNIST CNN with
 * Grad-CAM (real tfjs-node results), written by gw.report with labels that carry a <script> element and
 * an onerror attribute. Opened from disk in Debian's Chromium, no script may run; a copy with a script
 * put back in by hand shows that the report's CSP blocks it; the PDF has a title page and one page per
 * result. Screenshot: .cache/screenshots/report.png.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../src'
import { CHROMIUM_FLAGS, ROOT, SCREENSHOTS } from './lab'

const HOSTILE = '<script>window.ran = "script"</script><img src=x onerror="window.ran = \'onerror\'">'
let folder: string
let written: gw.Report
let browser: Browser

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gw-report-browser-'))
  const credit = await gw.load(join(ROOT, 'notebooks', 'models', 'credit-mlp'))
  const test = await gw.datasets.creditG({ split: 'test' })
  const groups = tf.tensor1d(test.encoding.attributeOfColumn, 'int32')
  const applicant = test.features.slice([0], [1])
  const names = test.table.columns.map((name, i) => (i === 0 ? `${name} ${HOSTILE}` : name))
  const shap = await gw.explain(credit, applicant, {
    method: 'kernel-shap',
    segments: { method: 'mask', mask: groups },
    featureNames: names,
    target: 'bad',
    seed: 1,
  })
  const mnist = await gw.load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))
  const digits = await gw.datasets.mnist({ split: 'test', limit: 2 })
  const cam = await gw.explain(mnist, digits.images, { method: 'grad-cam' })
  const card = JSON.parse(readFileSync(join(ROOT, 'notebooks', 'models', 'credit-mlp', 'card.json'), 'utf8'))
  written = await gw.report([{ result: shap, title: `KernelSHAP ${HOSTILE}`, caption: HOSTILE }, cam], {
    title: `Credit ${HOSTILE}`,
    path: join(folder, 'report.html'),
    modelCard: { ...card, limitations: HOSTILE },
    notes: [`Note ${HOSTILE}`],
  })
  tf.dispose([groups, applicant])
  test.dispose()
  digits.images.dispose()
  digits.labels.dispose()
  credit.dispose()
  mnist.dispose()
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  if (folder) rmSync(folder, { recursive: true, force: true })
})

describe('a report in Chromium', () => {
  it('opens with no script run, the hostile labels shown as text', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } })
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    await page.goto(pathToFileURL(written.htmlPath).href)
    await page.waitForLoadState('load')
    const seen = await page.evaluate(() => ({
      ran: (window as unknown as { ran?: string }).ran ?? null,
      scripts: document.querySelectorAll('script').length,
      handlers: Array.from(document.querySelectorAll('*')).flatMap((e) =>
        Array.from(e.attributes)
          .filter((a) => a.name.startsWith('on'))
          .map((a) => `${e.tagName}.${a.name}`),
      ),
      images: Array.from(document.images).map((img) => ({
        src: img.src.slice(0, 22),
        drawn: img.naturalWidth > 0,
      })),
      title: document.querySelector('h1')!.textContent,
      sections: document.querySelectorAll('section.result').length,
      provenance: Array.from(document.querySelectorAll('table.provenance td:first-child')).map(
        (td) => td.textContent,
      ),
    }))
    expect(seen.ran).toBeNull()
    expect(seen.scripts).toBe(0)
    expect(seen.handlers).toEqual([])
    expect(dialogs).toEqual([])
    expect(seen.title).toBe(`Credit ${HOSTILE}`)
    expect(seen.sections).toBe(2)
    expect(seen.images).toEqual([
      { src: 'data:image/png;base64,', drawn: true },
      { src: 'data:image/png;base64,', drawn: true },
    ])
    expect(seen.provenance.slice(0, 7)).toEqual([
      'method',
      'parameters',
      'seed',
      'model fingerprint',
      'library',
      'backend',
      'computed',
    ])
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true })
    await page.close()
  })

  it('blocks a script put into the report by hand (the CSP meta is in force, not just the escaping)', async () => {
    const tampered = join(folder, 'tampered.html')
    const html = readFileSync(written.htmlPath, 'utf8')
    writeFileSync(tampered, html.replace('</body>', '<script>window.ran = "tampered"</script></body>'))
    const page = await browser.newPage()
    const refused: string[] = []
    page.on('console', (message) => refused.push(message.text()))
    await page.goto(pathToFileURL(tampered).href)
    await page.waitForLoadState('load')
    expect(await page.evaluate(() => (window as unknown as { ran?: string }).ran ?? null)).toBeNull()
    expect(refused.join('\n')).toMatch(/inline script.*Content Security Policy.*blocked/)
    // Without the meta the same script runs: the check above can fail.
    const open = join(folder, 'open.html')
    writeFileSync(
      open,
      readFileSync(tampered, 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
    )
    await page.goto(pathToFileURL(open).href)
    expect(await page.evaluate(() => (window as unknown as { ran?: string }).ran ?? null)).toBe('tampered')
    await page.close()
  })

  it('prints a PDF with a title page and one page per result', () => {
    copyFileSync(written.pdfPath!, join(SCREENSHOTS, 'report.pdf'))
    const pdf = readFileSync(written.pdfPath!).toString('latin1')
    expect(pdf.startsWith('%PDF-')).toBe(true)
    // Counted here from the page objects themselves, apart from the page tree gw.report reads.
    const pageObjects = pdf.match(/\/Type\s*\/Page\b(?!s)/g) ?? []
    expect(pageObjects).toHaveLength(3)
    expect(written.pages).toBe(3)
  })
})
