import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePng, load, type GlasswingModel } from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES, type CounterfactualPayload, type MatrixPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { ablate, counterfactuals, patch } from '../../../src/interventions'
import { mnistShaped } from '../attribution/models'
import { toy, toyMlp } from './toy'

let model: GlasswingModel
let clean: tf.Tensor2D
let corrupt: tf.Tensor2D

beforeAll(async () => {
  model = await toyMlp()
  clean = tf.tensor2d(toy.mlp.clean as number[][])
  corrupt = tf.tensor2d(toy.mlp.corrupt as number[][])
})
afterAll(() => {
  tf.dispose([clean, corrupt])
  model.dispose()
})

describe('intervention results display themselves with text and PNG fallbacks', () => {
  it('patching and ablation: the matrix view, text/plain and a PNG; CSV and arrays export', () => {
    for (const result of [
      patch(model, { clean, corrupt }, { layers: ['hidden', 'logits'], target: 0, foil: 1 }),
      ablate(model, { inputs: clean, labels: [0, 1] }, { layer: 'hidden' }),
    ]) {
      const bundle = result[JUPYTER_DISPLAY]()
      expect(bundle['text/plain']).toMatch(/layer|Ablation/)
      const checked = validatePayload('matrix', bundle[MIME_TYPES.matrix])
      expect(checked.ok).toBe(true)
      const payload = bundle[MIME_TYPES.matrix] as MatrixPayload
      expect(payload.rows).toEqual(result.toMatrix().rows)
      const shown = [payload.title, payload.caption, ...payload.notes!]
      expect(
        result
          .toString()
          .split('\n')
          .every((line) => shown.includes(line)),
      ).toBe(true)
      expect(payload.notes).not.toContain(payload.title)
      const png = decodePng(bundle['image/png'] as string)
      expect(png.width).toBeGreaterThan(50)
      expect(result.provenance.method).toMatch(/patching|ablation/)
      expect(result.toCSV().length).toBeGreaterThan(20)
    }
  })

  it('an image counterfactual is a sparse pixel edit shown as original | counterfactual | difference', async () => {
    const images = await load(mnistShaped())
    const reference = tf.randomUniform([8, 784], 0, 1, 'float32', 3) as tf.Tensor2D
    const x = reference.slice([0], [1]).reshape([1, 28, 28, 1])
    const before = tf.memory().numTensors
    const cf = counterfactuals(images, x, { reference, iterations: 4, steps: 30, timeBudgetMs: 20_000 })
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([reference, x])
    images.dispose()
    expect(cf.isImage).toBe(true)
    expect(cf.validity).toBe(1)
    expect(cf.sparsity).toBeLessThan(784 / 4) // a sparse edit, not a new image
    const bundle = cf[JUPYTER_DISPLAY]()
    const png = decodePng(bundle['image/png'] as string)
    expect(png.width).toBe(3 * 28 * 4 + 4)
    expect(bundle['text/html']).toContain('original | counterfactual | difference')
    // The view draws the triptych from the arrays.
    expect(validatePayload('counterfactual', bundle[MIME_TYPES.counterfactual]).ok).toBe(true)
    const payload = bundle[MIME_TYPES.counterfactual] as CounterfactualPayload
    expect([payload.modality, payload.original.shape, payload.counterfactuals.shape]).toEqual([
      'image',
      [28, 28, 1],
      [1, 28, 28, 1],
    ])
    expect(payload.sparsity).toBe(cf.changed(0).length)
  })
})
