// gw.compare over a table: one features payload holding every method ([methods, n, f], grouped the
// same way), which validates; a grouped-bars PNG with text; a text table per example; featureView of
// a comparison. Saves the PNG of a real comparison on the credit MLP.
import * as tf from '@tensorflow/tfjs'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare } from '../../../src/attribution'
import { featureView, tokenAttribution } from '../../../src/attribution/features'
import { datasets } from '../../../src/data'
import { Vocabulary } from '../../../src/data/vocabulary'
import { JUPYTER_DISPLAY, MIME_TYPES, decodePng } from '../../../src/display'
import { withStaticFallbacks } from '../../../src/display/bundle'
import { decodeArray } from '../../../src/display/codec'
import type { TabularFeaturesPayload, TextFeaturesPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { GlasswingError } from '../../../src/errors'
import { load, type GlasswingModel } from '../../../src/model'

const ROOT = join(__dirname, '..', '..', '..')
/** 5 columns: 'income' (numeric), 'housing' one-hot over 3 columns, 'age' (numeric). */
const GROUPS = [0, 1, 1, 1, 2]
const NAMES = ['income', 'housing', 'age']

describe('tabular compare', () => {
  let model: GlasswingModel
  let table: tf.Tensor2D
  let mask: tf.Tensor1D
  beforeAll(async () => {
    const net = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [5],
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        }),
      ],
    })
    model = await load(net, { classNames: ['good', 'bad'] })
    table = tf.tensor2d([
      [0.5, 1, 0, 0, -1.2],
      [-0.3, 0, 0, 1, 0.4],
      [1.1, 0, 1, 0, 0.9],
    ])
    mask = tf.tensor1d(GROUPS, 'int32')
  })
  afterAll(() => {
    tf.dispose([table, mask])
    model.dispose()
  })

  it('displays every method in one valid features payload, grouped alike, with PNG and text', async () => {
    const shap = {
      method: 'kernel-shap' as const,
      segments: { method: 'mask' as const, mask },
      featureNames: NAMES,
    }
    const comparison = await compare(model, table, ['saliency', 'integrated-gradients', shap], {
      target: 'bad',
      seed: 1,
    })
    const before = tf.memory().numTensors
    const bundle = comparison[JUPYTER_DISPLAY]()
    expect(tf.memory().numTensors).toBe(before)
    const payload = bundle[MIME_TYPES.features] as TabularFeaturesPayload
    const validation = validatePayload('features', JSON.parse(JSON.stringify(payload)))
    expect(validation.ok ? [] : validation.errors).toEqual([])
    expect(bundle[MIME_TYPES.saliency]).toBeUndefined()
    expect(payload.provenance.method).toBe('compare')
    expect(payload.featureNames).toEqual(NAMES)
    expect(payload.comparison!.methods).toEqual(['saliency', 'integrated-gradients', 'kernel-shap'])
    expect(payload.comparison!.attributions.shape).toEqual([3, 3, 3])
    const all = decodeArray(payload.comparison!.attributions)
    // The first method's values are also the payload's own attributions (what older views draw).
    expect(Array.from(all.subarray(0, 9))).toEqual(Array.from(decodeArray(payload.attributions)))
    // Gradient methods are summed over the one-hot group that KernelSHAP's mask defines.
    const ig = comparison.get('integrated-gradients')!.values
    expect(all[9 + 1]).toBeCloseTo(ig[1]! + ig[2]! + ig[3]!, 5)
    const shapValues = comparison.get('kernel-shap')!.values
    expect(all[18 + 1]).toBeCloseTo(shapValues[1]!, 5)
    const png = decodePng(bundle['image/png'] as string)
    expect(png.width).toBeGreaterThan(400)
    expect(png.rgba.some((v, i) => i % 4 === 0 && v < 60)).toBe(true)
    const text = bundle['text/plain'] as string
    expect(text).toMatch(
      /example 0: P\(bad\) = [\d.]+\n {2}feature = value\s+saliency\s+integrated-gr\w*\s+kernel-shap/,
    )
    expect(text).toMatch(/mean \|attribution\| over 3 examples:/)
    for (const name of NAMES) expect(text).toContain(`  ${name} = `)
    // Front ends without the extension get a script-free HTML figure of the PNG and the text.
    const html = withStaticFallbacks(bundle)['text/html'] as string
    expect(html).toMatch(/^<figure class="glasswing-static"><img alt="[^"]*" src="data:image\/png;base64,/)
    expect(html).not.toMatch(/<script/i)
  })

  it('shows a comparison in featureView with names, groups and raw values', async () => {
    const comparison = await compare(model, table, ['saliency', 'input-x-gradient'], { target: 'bad' })
    const rows = [
      ['a lot', 'own', 'young'],
      ['a few', 'rent', 'old'],
      ['some', 'free', 'middle'],
    ]
    const view = featureView(comparison, { groups: GROUPS, featureNames: NAMES, rows, outputName: 'P(bad)' })
    const bundle = await view[JUPYTER_DISPLAY]()
    const payload = bundle[MIME_TYPES.features] as TabularFeaturesPayload
    expect(validatePayload('features', payload).ok).toBe(true)
    expect(payload.valueLabels).toEqual(rows)
    expect(payload.comparison!.attributions.shape).toEqual([2, 3, 3])
    expect(bundle['text/plain']).toContain('housing = rent')
    expect(() => featureView(comparison, { rows: rows.slice(0, 1) })).toThrow(GlasswingError)
    expect(() => featureView({ attributions: [] } as never)).toThrow(/comparison of no methods/)
  })

  it('keeps image comparisons as saliency grids', async () => {
    const net = await load(
      tf.sequential({
        layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2 })],
      }),
    )
    const images = tf.ones([1, 4, 4, 1])
    const comparison = await compare(net, images, ['saliency', 'input-x-gradient'])
    const bundle = comparison[JUPYTER_DISPLAY]()
    expect(bundle[MIME_TYPES.saliency]).toBeDefined()
    expect(bundle[MIME_TYPES.features]).toBeUndefined()
    images.dispose()
    net.dispose()
  })

  it('draws a real comparison on the credit MLP (saved for a look)', async () => {
    const credit = await load(join(ROOT, 'notebooks', 'models', 'credit-mlp'))
    const test = await datasets.creditG({ split: 'test' })
    const x = test.features.slice([0], [4])
    try {
      const comparison = await compare(credit, x, ['saliency', 'input-x-gradient', 'integrated-gradients'], {
        target: 'bad',
      })
      const view = featureView(comparison, {
        groups: test.encoding.attributeOfColumn,
        featureNames: test.table.columns,
        rows: test.table.rows.slice(0, 4),
        outputName: 'P(bad)',
      })
      const bundle = await view[JUPYTER_DISPLAY]()
      const payload = bundle[MIME_TYPES.features] as TabularFeaturesPayload
      expect(validatePayload('features', payload).ok).toBe(true)
      expect(payload.comparison!.attributions.shape).toEqual([3, 4, 20])
      mkdirSync(join(ROOT, '.cache', 'screenshots'), { recursive: true })
      const file = join(ROOT, '.cache', 'screenshots', 'features-compare-static.png')
      writeFileSync(file, Buffer.from(bundle['image/png'] as string, 'base64'))
    } finally {
      x.dispose()
      test.dispose()
      credit.dispose()
    }
  })
})

describe('text compare', () => {
  it('shows each sentence once per method, with a valid payload, PNG and text', async () => {
    const vocabulary = new Vocabulary(['great', 'terrible', 'food', 'not', 'the'])
    const net = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [vocabulary.size],
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }),
        }),
      ],
    })
    const model = await load(net, { classNames: ['negative', 'positive'] })
    const texts = ['The food was great, great!', 'Terrible.']
    const x = vocabulary.encode(texts)
    try {
      const comparison = await compare(model, x, ['saliency', 'integrated-gradients'], { target: 'positive' })
      const result = tokenAttribution(comparison, texts, { vocabulary })
      const bundle = result[JUPYTER_DISPLAY]()
      const payload = bundle[MIME_TYPES.features] as TextFeaturesPayload
      const validation = validatePayload('features', JSON.parse(JSON.stringify(payload)))
      expect(validation.ok ? [] : validation.errors).toEqual([])
      expect(payload.methods).toEqual(['saliency', 'integrated-gradients'])
      expect(payload.provenance.method).toBe('compare')
      const first = payload.examples[0]!
      expect(first.byMethod).toHaveLength(2)
      expect(first.byMethod![0]).toEqual(first.attributions)
      // The same tokens as a single-method result of IG gives.
      const ig = tokenAttribution(comparison.get('integrated-gradients')!, texts, { vocabulary })
      expect(first.byMethod![1]).toEqual(ig.examples[0]!.attributions)
      expect(ig.payload.methods).toBeUndefined()
      expect(bundle['text/plain']).toMatch(
        /P\(positive\) [\d.]+:\n {2}saliency: the\([+-][\d.]+\)[\s\S]*\n {2}integrated-gradients: /,
      )
      expect(decodePng(bundle['image/png'] as string).width).toBeGreaterThan(400)
      expect(() => tokenAttribution({ attributions: [] } as never, texts)).toThrow(/comparison of no methods/)
    } finally {
      x.dispose()
      model.dispose()
    }
  })
})
