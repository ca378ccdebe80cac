// The base reads predictions from a gradient method's own forward pass; targets as tensors; one-unit outputs.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain, type ExplainOptions, type MethodName } from '../../../src/attribution'
import { load, type GlasswingModel } from '../../../src/model'
import { expectNoLeak, tinyCnn } from '../model/helpers'

/** The model with its forward passes counted (predict and run both count once). */
function counting(model: GlasswingModel): { model: GlasswingModel; passes: () => number } {
  let passes = 0
  const counted = Object.create(model) as GlasswingModel
  counted.predict = (inputs) => {
    passes++
    return model.predict(inputs)
  }
  counted.run = (inputs, options) => {
    passes++
    return model.run(inputs, options)
  }
  return { model: counted, passes: () => passes }
}

describe('one forward pass for gradient methods', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  beforeAll(async () => {
    model = await load(tinyCnn(), { warmup: false })
    images = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5)
  })
  afterAll(() => {
    model.dispose()
    images.dispose()
  })

  const shared: MethodName[] = ['saliency', 'input-x-gradient', 'grad-cam', 'grad-cam++', 'layer-cam']
  it.each(shared)('%s runs the model once and gives the same result as before', async (method) => {
    const layer = method.includes('cam') ? { layer: 'conv' } : {}
    const { model: counted, passes } = counting(model)
    const predicted = await expectNoLeak(() =>
      explain(counted, images, { method, ...layer } as ExplainOptions),
    )
    expect(passes()).toBe(1)
    // The old order: predictions from a separate forward pass, then the method (noise tunnel-free path).
    const probabilities = tf.tidy(() => model.predict(images).argMax(1))
    const argmax = Array.from(await probabilities.data())
    probabilities.dispose()
    expect(predicted.data.targets).toEqual(argmax)
    const explicit = await explain(model, images, { method, ...layer, target: argmax } as ExplainOptions)
    expect(Array.from(predicted.data.values)).toEqual(Array.from(explicit.data.values))
    expect(predicted.data.predictions).toEqual(explicit.data.predictions)
    expect(predicted.data.targetDescription).toBe('predicted')
  })

  it('still runs the model first for top-k', async () => {
    const { model: counted, passes } = counting(model)
    const result = await explain(counted, images, { method: 'saliency', target: { topK: 2 } })
    expect(passes()).toBe(2)
    expect(result.data.exampleOf).toEqual([0, 0, 1, 1, 2, 2])
  })
})
