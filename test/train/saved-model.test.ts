// The exported SavedModel (scripts/train/export_saved_model.py) computes what mnist-cnn computes
// (native backend only: SavedModels run in the TensorFlow session through tfjs-node).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { datasets } from '../../src/data'

const MODELS = join(__dirname, '..', '..', 'notebooks', 'models')

describe('mnist-cnn-savedmodel', () => {
  it('predicts what mnist-cnn predicts, with its class names', async () => {
    const node = require('@tensorflow/tfjs-node') as typeof import('@tensorflow/tfjs-node')
    const savedModel = await node.node.loadSavedModel(
      join(MODELS, 'mnist-cnn-savedmodel'),
      ['serve'],
      'serving_default',
    )
    const layers = await tf.loadLayersModel(`file://${join(MODELS, 'mnist-cnn', 'model.json')}`)
    const data = await datasets.mnist({ limit: 200 })
    const before = tf.memory().numTensors
    const fromSavedModel = savedModel.predict(data.images) as tf.Tensor
    const fromLayers = layers.predict(data.images) as tf.Tensor
    expect(fromSavedModel.shape).toEqual([200, 10])
    const difference = tf.tidy(() => fromSavedModel.sub(fromLayers).abs().max().dataSync()[0]!)
    expect(difference).toBeLessThan(1e-5)
    tf.dispose([fromSavedModel, fromLayers])
    expect(tf.memory().numTensors).toBe(before)
    expect(JSON.parse(readFileSync(join(MODELS, 'mnist-cnn-savedmodel', 'labels.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(MODELS, 'mnist-cnn', 'labels.json'), 'utf8')),
    )
    data.dispose()
    layers.dispose()
    savedModel.dispose()
  })
})
