// gw.report's HTML: every string escaped, no script, a CSP that forbids scripts, tables and provenance
// read from real results. (The PDF and the document in a real Chromium: test/browser/report.test.ts.)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain } from '../../../src/attribution'
import { backend } from '../../../src/backend'
import { markdown } from '../../../src/display/content'
import { GlasswingError } from '../../../src/errors'
import { load, type GlasswingModel } from '../../../src/model'
import { REPORT_CSP, pdfPageCount, report } from '../../../src/report'

const HOSTILE = `<script>window.ran = 1</script><img src=x onerror="window.ran = 2">`

describe('gw.report (HTML)', () => {
  let model: GlasswingModel
  let rows: tf.Tensor2D
  let folder: string
  beforeAll(async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [3],
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
      ],
    })
    model = await load(net, { classNames: ['good', 'bad'] })
    rows = tf.tensor2d([
      [0.5, -1, 2],
      [1.5, 0.2, -0.3],
    ])
    folder = mkdtempSync(path.join(tmpdir(), 'gw-report-'))
  })
  afterAll(() => {
    rows.dispose()
    model.dispose()
    rmSync(folder, { recursive: true, force: true })
  })

  it('writes escaped results with pictures, tables and provenance, and no script at all', async () => {
    const shap = await explain(model, rows, {
      method: 'kernel-shap',
      featureNames: ['income', HOSTILE, 'age'],
      target: 'bad',
      seed: 7,
    })
    const before = tf.memory().numTensors
    const written = await report(
      [
        { result: shap, title: `KernelSHAP ${HOSTILE}`, caption: HOSTILE },
        markdown(`A note ${HOSTILE}`),
        { table: { columns: ['name', HOSTILE], rows: [[HOSTILE, 1]] }, title: 'A table' },
      ],
      {
        title: `Credit ${HOSTILE}`,
        path: path.join(folder, 'credit'),
        modelCard: { name: 'credit-mlp', limitations: HOSTILE, classNames: ['good', 'bad'] },
        notes: [HOSTILE, 'second'],
        pdf: false,
      },
    )
    expect(tf.memory().numTensors).toBe(before)
    expect(written.htmlPath).toBe(path.join(folder, 'credit.html'))
    expect(written.pdfPath).toBeNull()
    expect(String(written)).toContain('1 result, written to')
    const html = readFileSync(written.htmlPath, 'utf8')
    expect(html).not.toMatch(/<script/i)
    // Every tag's attributes are the report's own: each <img> is alt + a data URI, nothing else.
    const images = html.match(/<img\b[^>]*>/g) ?? []
    expect(images).toHaveLength(1)
    expect(images[0]).toMatch(/^<img alt="[^"<>]*" src="data:image\/png;base64,[A-Za-z0-9+/=]+">$/)
    expect(html).toContain('&#60;script&#62;window.ran = 1&#60;/script&#62;')
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replace(/'/g, '&#39;')}">`,
    )
    expect(REPORT_CSP).toContain("default-src 'none'")
    // The result's static PNG inline, its importance table (three features) and its provenance.
    expect(html).toMatch(/<img alt="[^"]*" src="data:image\/png;base64,iVBOR/)
    expect(html).toContain('Importance: mean |attribution| per feature')
    expect(html.match(/<tr><td>\d<\/td><td>/g)).toHaveLength(3)
    for (const field of [
      'kernel-shap',
      '<td>seed</td><td>7</td>',
      model.fingerprint,
      `${backend().backend} on`,
      'glasswing',
    ]) {
      expect(html).toContain(field)
    }
  })

  it('names the argument and the item it cannot use', async () => {
    const options = { title: 't', path: path.join(folder, 'x'), pdf: false }
    await expect(report([42 as unknown as object], options)).rejects.toThrow(
      /gw\.report: items\[0\] expected a Glasswing result, .* got 42/,
    )
    await expect(report([], { ...options, title: '' })).rejects.toThrow(GlasswingError)
    await expect(report([{ table: { columns: ['a'], rows: 'no' } }], options)).rejects.toThrow(
      /items\[0\]\.table expected \{ columns: string\[\], rows: unknown\[\]\[\] \}/,
    )
  })

  it('counts the pages of a PDF from its page tree', () => {
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj\n<</Type /Pages\n/Count 3\n/Kids [2 0 R]>>\nendobj\n',
      'latin1',
    )
    expect(pdfPageCount(pdf)).toBe(3)
    expect(() => pdfPageCount(Buffer.from('not a pdf'))).toThrow(/no page tree/)
  })
})
