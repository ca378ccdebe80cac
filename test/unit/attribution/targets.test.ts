// Targets as int32 tensors, and models with a single output unit.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { explain } from '../../../src/attribution'
import { load, type GlasswingModel } from '../../../src/model'
import { expectNoLeak, tinyCnn } from '../model/helpers'

describe('target as a tensor', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  beforeAll(async () => {
    model = await load(tinyCnn(), { warmup: false })
    images = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 7)
  })
  afterAll(() => {
    model.dispose()
    images.dispose()
  })

  it.each(['saliency', 'integrated-gradients', 'occlusion'] as const)(
    '%s: a 1-D int32 tensor equals the same indices as an array',
    async (method) => {
      const target = tf.tensor1d([2, 0, 1], 'int32')
      const fromTensor = await expectNoLeak(() => explain(model, images, { method, target }))
      const fromArray = await explain(model, images, { method, target: [2, 0, 1] })
      expect(fromTensor.data.targets).toEqual([2, 0, 1])
      expect(Array.from(fromTensor.data.values)).toEqual(Array.from(fromArray.data.values))
      expect(target.isDisposed).toBe(false)
      target.dispose()
    },
  )

  it('refuses a float or 2-D tensor, and an index out of range, with the fix', async () => {
    const floats = tf.tensor1d([2, 0, 1])
    const matrix = tf.tensor2d([[2], [0], [1]], [3, 1], 'int32')
    const outOfRange = tf.tensor1d([2, 0, 3], 'int32')
    await expect(explain(model, images, { method: 'saliency', target: floats })).rejects.toThrow(/1-D int32/)
    await expect(explain(model, images, { method: 'saliency', target: matrix as never })).rejects.toThrow(
      GlasswingError,
    )
    await expect(explain(model, images, { method: 'saliency', target: outOfRange })).rejects.toThrow(
      /class index in 0\.\.2/,
    )
    tf.dispose([floats, matrix, outOfRange])
  })
})

describe('a model with one output unit', () => {
  let model: GlasswingModel
  const weights = [0.5, -1, 2, 0.25]
  beforeAll(async () => {
    const binary = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 1, activation: 'sigmoid', useBias: false })],
    })
    binary.layers[0]!.setWeights([tf.tensor2d(weights, [4, 1])])
    model = await load(binary)
  })
  afterAll(() => model.dispose())

  it.each([0, 'predicted'] as const)('target %s explains the unit itself', async (target) => {
    const inputs = tf.tensor2d([
      [1, 2, 3, 4],
      [0, 0, 0, 0],
    ])
    const result = await expectNoLeak(() =>
      explain(model, inputs, { method: 'saliency', target, absolute: false }),
    )
    expect(result.data.targets).toEqual([0, 0])
    // d sigmoid(w.x)/dx = s (1 - s) w
    const values = Array.from(result.data.values)
    const logits = [0.5 - 2 + 6 + 1, 0]
    logits.forEach((logit, row) => {
      const s = 1 / (1 + Math.exp(-logit))
      weights.forEach((w, i) => expect(values[row * 4 + i]).toBeCloseTo(s * (1 - s) * w, 6))
    })
    inputs.dispose()
  })

  it('works for perturbation methods too, and refuses class 1', async () => {
    const inputs = tf.tensor2d([[1, 2, 3, 4]])
    const ablation = await explain(model, inputs, { method: 'feature-ablation', target: 0 })
    expect(ablation.data.values.length).toBe(4)
    await expect(explain(model, inputs, { method: 'saliency', target: 1 })).rejects.toThrow(
      /class index in 0\.\.0/,
    )
    inputs.dispose()
  })
})
