// The committed models behave as their cards say, on a slice of the test split (both backends).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { load } from '../../../src'
import { datasets } from '../../../src/data'

const MODELS = join(__dirname, '..', '..', '..', 'notebooks', 'models')

// A plain in-memory load: the file:// handler exists only on the native backend.
async function loadCommitted(name: string): Promise<tf.LayersModel> {
  const folder = join(MODELS, name)
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'))
  const weights = readFileSync(join(folder, 'weights.bin'))
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  )
}

function card(name: string): { testAccuracy: number; metrics: Record<string, number>; parameters: number } {
  return JSON.parse(readFileSync(join(MODELS, name, 'card.json'), 'utf8'))
}

function accuracyOf(model: tf.LayersModel, images: tf.Tensor, labels: tf.Tensor): number {
  return tf.tidy(() => (model.predict(images) as tf.Tensor).argMax(-1).equal(labels).mean().dataSync()[0]!)
}

describe('committed models', () => {
  it('mnist-cnn: 27,562 parameters, named layers, accurate on 1,000 test digits', async () => {
    const model = await loadCommitted('mnist-cnn')
    expect(model.countParams()).toBe(27_562)
    expect(card('mnist-cnn').parameters).toBe(27_562)
    expect(model.layers.map((l) => l.name)).toEqual([
      'conv2d_1',
      'max_pooling2d_1',
      'conv2d_2',
      'max_pooling2d_2',
      'flatten_1',
      'dense_1',
      'logits',
      'softmax',
    ])
    const test = await datasets.mnist({ split: 'test', limit: 1000 })
    const before = tf.memory().numTensors
    expect(accuracyOf(model, test.images, test.labels)).toBeGreaterThan(0.97)
    expect(tf.memory().numTensors).toBe(before)
    test.dispose()
    model.dispose()
  })

  it('shortcut-mnist-cnn: right with its watermark, near chance without it, follows a wrong one', async () => {
    const model = await loadCommitted('shortcut-mnist-cnn')
    const { metrics } = card('shortcut-mnist-cnn')
    expect(metrics.testAccuracyWithWatermark).toBeGreaterThan(0.98)
    expect(metrics.testAccuracyWithoutWatermark).toBeLessThan(0.3)
    const clean = await datasets.mnist({ split: 'test', limit: 1000 })
    const marked = await datasets.mnist({ split: 'test', limit: 1000, watermark: true })
    const shifted = tf.tidy(() => clean.labels.add(1).mod(10) as tf.Tensor1D)
    const misleading = datasets.addWatermark(clean.images, shifted)
    expect(accuracyOf(model, marked.images, marked.labels)).toBeGreaterThan(0.98)
    expect(accuracyOf(model, clean.images, clean.labels)).toBeLessThan(0.3)
    expect(accuracyOf(model, misleading, shifted)).toBeGreaterThan(0.9)
    tf.dispose([shifted, misleading])
    clean.dispose()
    marked.dispose()
    model.dispose()
  })

  it('every model folder loads with gw.load and carries its class names', async () => {
    for (const name of ['mnist-cnn', 'fashion-cnn', 'shortcut-mnist-cnn', 'credit-mlp', 'sentiment-bow']) {
      const model = await load(join(MODELS, name))
      expect(model.classNames, name).toEqual(
        JSON.parse(readFileSync(join(MODELS, name, 'card.json'), 'utf8')).classNames,
      )
      model.dispose()
    }
  })
})
