// BatchNormalization without center or scale: gradients work (tfjs's own path crashes), values unchanged;
// the load warm-up never fails loading and prints nothing.
import * as tf from '@tensorflow/tfjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { explain } from '../../../src/attribution'
import { load } from '../../../src/model'
import { expectNoLeak } from './helpers'

function withBatchNorm(options: { center?: boolean; scale?: boolean; axis?: number }): tf.LayersModel {
  // No conv before it: the wasm backend lacks the conv filter gradient, and this test runs there too.
  const model = tf.sequential({
    layers: [
      tf.layers.batchNormalization({ name: 'norm', inputShape: [6, 6, 2], ...options }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) }),
    ],
  })
  // Moving statistics away from 0 and 1, so that the normalization does something.
  const norm = model.getLayer('norm')
  norm.setWeights(
    norm.getWeights().map((w, i) => tf.add(tf.randomUniform(w.shape, 0.2, 1.5, 'float32', 20 + i), 0)),
  )
  return model
}

/** A layer whose gradient throws. */
class Brittle extends tf.layers.Layer {
  static className = 'Brittle'
  override call(input: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(input) ? input[0]! : input
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.mul(args[0] as tf.Tensor, 2),
      gradFunc: () => {
        throw new Error('no gradient here')
      },
    }))(x) as tf.Tensor
  }
}

describe('BatchNormalization without center or scale', () => {
  afterEach(() => vi.restoreAllMocks())

  it.each([{ center: false }, { scale: false }, { center: false, scale: false }, { center: false, axis: 1 }])(
    '%o: same outputs as tfjs, and gradients',
    async (options) => {
      const tfModel = withBatchNorm(options)
      const model = await load(tfModel)
      const inputs = tf.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 3)
      const [ours, theirs] = tf.tidy(() => [model.predict(inputs), tfModel.predict(inputs) as tf.Tensor])
      expect(Array.from(await ours!.data())).toEqual(Array.from(await theirs!.data()))
      const saliency = await expectNoLeak(() => explain(model, inputs, { method: 'saliency', target: 1 }))
      expect(saliency.data.values.some((v) => v !== 0)).toBe(true)
      const cam = await explain(model, inputs, { method: 'grad-cam', layer: 'norm', target: 1 })
      expect(cam.data.values.every(Number.isFinite)).toBe(true)
      tf.dispose([ours!, theirs!, inputs])
      model.dispose()
    },
  )

  it('load warms up without error or warning, even when gradients fail', async () => {
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    const tfModel = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2 }), new Brittle({})],
    })
    const before = tf.memory().numTensors
    const model = await load(tfModel)
    expect(tf.memory().numTensors).toBe(before)
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
    const outputs = tf.tidy(() => model.predict(tf.ones([1, 3])))
    expect(outputs.shape).toEqual([1, 2])
    outputs.dispose()
    model.dispose()
  })

  it('a gradient that throws in explain leaves no tensor kept', async () => {
    const model = await load(
      tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 }), new Brittle({})] }),
      { warmup: false },
    )
    const inputs = tf.ones([1, 3])
    const before = tf.memory().numTensors
    await expect(explain(model, inputs, { method: 'saliency', target: 0 })).rejects.toThrow(
      /no gradient here/,
    )
    expect(tf.memory().numTensors).toBe(before)
    inputs.dispose()
    model.dispose()
  })
})
