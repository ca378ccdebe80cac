// What a notebook shows: the saliency payload (compact, schema-shaped), the PNG fallback and the text.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY, MIME_TYPES, decodePng } from '../../../src/display'
import type { SaliencyPayload } from '../../../src/display/schema'
import { compare, explain } from '../../../src/attribution'
import { load, type GlasswingModel } from '../../../src/model'
import { mnistShaped } from './models'

describe('attribution display', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  beforeAll(async () => {
    model = await load(mnistShaped(), {
      classNames: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
    })
    images = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3)
  })
  afterAll(() => {
    images.dispose()
    model.dispose()
  })

  it('sends 8 MNIST explanations in a payload under 100 KB, with a PNG and text', async () => {
    const before = tf.memory().numTensors
    const attribution = await explain(model, images, { method: 'integrated-gradients', steps: 16 })
    const bundle = await attribution[JUPYTER_DISPLAY]()
    expect(tf.memory().numTensors).toBe(before)
    const payload = bundle[MIME_TYPES.saliency] as SaliencyPayload
    expect(JSON.stringify(payload).length).toBeLessThan(100_000)
    expect(payload.kind).toBe('saliency')
    expect(payload.methods).toEqual(['integrated-gradients'])
    expect(payload.signed).toBe(true)
    expect(payload.inputs).toHaveLength(8)
    expect(payload.inputs[0]!.image).toMatchObject({ encoding: 'raw', width: 28, height: 28, channels: 1 })
    expect(payload.inputs[0]!.predictions[0]!.target).toBe(attribution.targets[0])
    expect(payload.maps).toHaveLength(8)
    expect(payload.maps[3]).toMatchObject({ input: 3, method: 0, target: attribution.targets[3] })
    expect(payload.maps[0]!.values).toMatchObject({ dtype: 'uint8', shape: [28, 28] })
    expect(payload.provenance.method).toBe('integrated-gradients')
    expect(payload.provenance.parameters).toMatchObject({
      steps: 16,
      rule: 'gauss-legendre',
      baseline: 'zero',
    })
    expect(payload.provenance.modelFingerprint).toBe(model.fingerprint)
    const png = decodePng(bundle['image/png'] as string)
    expect(png.width).toBeGreaterThan(2 * 28 * 3)
    expect(png.height).toBeGreaterThan(8 * 28 * 3)
    expect(bundle['text/plain']).toMatch(/Integrated Gradients .* 8 inputs/)
    expect(bundle['text/plain']).toMatch(/convergence delta/)
  })

  it('puts several methods side by side in one payload (gw.compare)', async () => {
    const two = images.slice([0], [2])
    const before = tf.memory().numTensors
    const comparison = await compare(model, two, ['saliency', { method: 'input-x-gradient' }], { target: 7 })
    expect(tf.memory().numTensors).toBe(before)
    const payload = comparison[JUPYTER_DISPLAY]()[MIME_TYPES.saliency] as SaliencyPayload
    expect(payload.methods).toEqual(['saliency', 'input-x-gradient'])
    expect(payload.maps.map((m) => [m.input, m.method, m.target])).toEqual([
      [0, 0, 7],
      [1, 0, 7],
      [0, 1, 7],
      [1, 1, 7],
    ])
    expect(payload.classNames![7]).toBe('seven')
    expect(comparison.get('saliency')!.shape).toEqual([2, 28, 28, 1])
    two.dispose()
  })

  it('shows tabular inputs in the features view (features.test.ts has the details)', async () => {
    const tabular = await load(tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2 })] }))
    const attribution = await explain(tabular, [[1, 2, 3, 4, 5]], { method: 'saliency' })
    const bundle = attribution[JUPYTER_DISPLAY]()
    expect(Object.keys(bundle).sort()).toEqual(['text/plain', MIME_TYPES.features, 'image/png'].sort())
    expect(String(attribution)).toMatch(/Saliency \(saliency\) · 1 input · values \[1, 5\]/)
    tabular.dispose()
  })
})
