import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY, load, type GlasswingModel } from '../../../src'
import { LayerSimilarity, layerSimilarity, minibatchCka } from '../../../src/structure'
import { MIME_TYPES, type MatrixPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { mnistTest } from '../representation/mnist'

const MODELS = join(__dirname, '..', '..', '..', 'notebooks', 'models')

describe('gw.similarity.layers (layer x layer minibatch CKA)', () => {
  let model: GlasswingModel
  let shortcut: GlasswingModel
  let images: tf.Tensor
  beforeAll(async () => {
    model = await load(join(MODELS, 'mnist-cnn'))
    shortcut = await load(join(MODELS, 'shortcut-mnist-cnn'))
    const { images: m } = mnistTest(200)
    images = tf.tensor4d(m.values, [200, 28, 28, 1])
  })
  afterAll(() => {
    images.dispose()
    model.dispose()
    shortcut.dispose()
  })

  it('within one model: 1 on the diagonal, symmetric, equal to minibatchCka on the same activations; baseline row and intervals', async () => {
    const before = tf.memory().numTensors
    const layers = ['conv2d_1', 'conv2d_2', 'dense_1', 'logits']
    const sim = await layerSimilarity(model, images, { layers, batchSize: 50, bootstrap: 50 })
    expect(tf.memory().numTensors).toBe(before)
    expect(sim).toBeInstanceOf(LayerSimilarity)
    const v = sim.toArray()
    expect(v).toHaveLength(5)
    expect(sim.data.rows[4]).toBe('random init (same layer)')
    for (let i = 0; i < 4; i++) {
      expect(v[i]![i]).toBeCloseTo(1, 9)
      for (let j = 0; j < 4; j++) expect(v[i]![j]).toBeCloseTo(v[j]![i]!, 9)
    }
    const acts = model.activations(images, ['conv2d_2', 'dense_1'])
    const direct = minibatchCka(acts.conv2d_2!.reshape([200, -1]), acts.dense_1!, { batchSize: 50 }).value
    tf.dispose(Object.values(acts))
    expect(sim.value('conv2d_2', 'dense_1')).toBeCloseTo(direct, 5)
    // intervals bracket the estimate; per-batch values are there for click-to-compare
    expect(sim.data.low[1]![2]!).toBeLessThanOrEqual(v[1]![2]! + 1e-9)
    expect(sim.data.high[1]![2]!).toBeGreaterThanOrEqual(v[1]![2]! - 1e-9)
    expect(sim.data.perBatch[1]![2]).toHaveLength(4)
    // the trained dense layer is further from a random net's dense layer than from its own conv2d_2
    expect(v[4]![2]!).toBeLessThan(v[1]![2]!)
    const spec = sim.matrixSpec()
    expect(spec.values).toHaveLength(5)
    expect(spec.marks![1]![2]).toBe('*')
    expect(sim.toCSV().split('\n')[0]).toBe('row,column,cka,ci_low,ci_high')
    const bundle = sim[JUPYTER_DISPLAY]()
    expect(bundle['text/plain']).toMatch(/CKA between the layers of mnist-cnn/)
    const payload = bundle[MIME_TYPES.matrix] as MatrixPayload
    expect(validatePayload('matrix', payload).ok).toBe(true)
    expect(payload.perItem!.values.shape).toEqual([5, 4, 4])
  })

  it('between two models: one pass each, labelled rows and columns; refuses bad options naming them', async () => {
    const sim = await layerSimilarity(model, images, {
      against: shortcut,
      layers: ['conv2d_1', 'dense_1'],
      againstLayers: ['conv2d_1', 'dense_1'],
      batchSize: 40,
      bootstrap: 0,
    })
    expect(sim.data.rows).toEqual(['mnist-cnn: conv2d_1', 'mnist-cnn: dense_1', 'random init (same layer)'])
    expect(sim.data.columns).toEqual(['shortcut-mnist-cnn: conv2d_1', 'shortcut-mnist-cnn: dense_1'])
    expect(sim.toArray()[0]![0]).toBeGreaterThan(0.3)
    await expect(layerSimilarity(model, images, { layers: ['conv9'] })).rejects.toThrow(
      /gw.similarity.layers: options.layers expected layer names of the model .* got 'conv9'/,
    )
    await expect(layerSimilarity(model, images, { batchSize: 3 })).rejects.toThrow(
      /options.batchSize expected a whole number >= 4/,
    )
    await expect(layerSimilarity(model, images.slice(0, 3))).rejects.toThrow(
      /inputs expected at least 4 examples/,
    )
  })
})
