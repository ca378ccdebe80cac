// A TF SavedModel (notebooks/models/mnist-cnn-savedmodel, the same weights as mnist-cnn) runs through the
// TensorFlow session: predictions only. On wasm there is no session: loading says so.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { backend } from '../../../src'
import { explain } from '../../../src/attribution'
import { load } from '../../../src/model'

const SAVED = 'notebooks/models/mnist-cnn-savedmodel'

describe('SavedModels', () => {
  it('predict like the Layers model and refuse gradient methods with the reason', async () => {
    if (backend().backend !== 'tensorflow') {
      await expect(load(SAVED)).rejects.toThrow(/native TensorFlow backend, which runs SavedModels/)
      return
    }
    const saved = await load(SAVED)
    const layers = await load('notebooks/models/mnist-cnn')
    expect(saved.kind).toBe('saved-model')
    expect(saved.differentiable).toBe(false)
    expect(saved.classNames).toEqual(layers.classNames)
    expect(saved.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4)
    const before = tf.memory().numTensors
    const [a, b] = tf.tidy(() => [
      saved.predict(x).arraySync(),
      layers.predict(x).arraySync(),
    ]) as number[][][]
    expect(tf.memory().numTensors).toBe(before)
    a!.flat().forEach((v, i) => expect(v).toBeCloseTo(b!.flat()[i]!, 4))
    await expect(explain(saved, x, { method: 'saliency' })).rejects.toThrow(/tfjs cannot take gradients/)
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
    saved.dispose()
    layers.dispose()
  })
})
