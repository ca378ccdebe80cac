// Keras models read natively: a Keras 3 .keras zip, a legacy full-model .h5 and a config.json +
// .weights.h5 pair, written by scripts/reference/keras_models.py with the Keras of the pinned TensorFlow
// wheel; outputs must match Keras's own to 1e-5, gradients must flow, bad files get clear errors.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src/errors'
import { load } from '../../../src/model'

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'keras')
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Record<
  string,
  { inputShape: number[]; inputs: number[]; outputShape: number[]; outputs: number[] }
>
const scratch = mkdtempSync(join(tmpdir(), 'gw-keras-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('gw.load of Keras models', () => {
  it.each([
    ['cnn.keras', 'a Keras 3 zip (conv, batch norm, depthwise conv, pooling, dense, softmax)'],
    ['functional.h5', 'a legacy full-model .h5 (functional, Add, Concatenate, Dropout)'],
    ['pair', 'a config.json + model.weights.h5 folder (dense, layer norm)'],
    ['keras2.h5', 'a full model saved by Keras 2 (tf_keras 2.21): conv, batch norm, 1x1 skip, Add, pooling'],
  ])('%s, %s: outputs match Keras to 1e-5 and gradients flow', async (name) => {
    const before = tf.memory().numTensors
    const model = await load(join(FIXTURES, name))
    const { inputShape, inputs, outputShape, outputs } = reference[name]!
    const x = tf.tensor(inputs, [outputShape[0]!, ...inputShape])
    const y = tf.tidy(() => model.predict(x))
    expect(y.shape).toEqual(outputShape)
    const got = await y.data()
    const worst = Math.max(...outputs.map((value, i) => Math.abs(value - got[i]!)))
    expect(worst).toBeLessThan(1e-5)
    expect(model.differentiable).toBe(true)
    // The wasm backend lacks conv gradient kernels (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput):
    // gradients of the conv fixtures are checked on the native backend only.
    if (!(tf.getBackend() === 'wasm' && (name === 'cnn.keras' || name === 'keras2.h5'))) {
      const gradient = tf.tidy(() =>
        tf.grad((input: tf.Tensor) => model.predict(input).slice([0, 0], [-1, 1]).sum())(x),
      )
      expect(Math.max(...Array.from(await gradient.data(), Math.abs))).toBeGreaterThan(0)
      gradient.dispose()
    }
    tf.dispose([x, y])
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('keeps Keras layer names, so methods can name them', async () => {
    const model = await load(join(FIXTURES, 'cnn.keras'))
    expect(model.layerNames).toEqual(expect.arrayContaining(['conv', 'bn', 'depthwise', 'pool', 'logits']))
    model.dispose()
  })

  it('names a layer tfjs cannot represent (a Lambda)', async () => {
    const error = await load(join(FIXTURES, 'lambda.keras')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GlasswingError)
    expect(String((error as Error).message)).toMatch(
      /gw\.load: source expected layers that TensorFlow\.js can build, got lambda\.keras: layer 'double' \(Lambda\): a Lambda layer holds Python code/,
    )
  })

  it('names an unknown layer class', async () => {
    const folder = join(scratch, 'custom')
    mkdirSync(folder)
    const config = readFileSync(join(FIXTURES, 'pair', 'config.json'), 'utf8')
    writeFileSync(join(folder, 'config.json'), config.replace('"LayerNormalization"', '"MyFancyNorm"'))
    copyFileSync(join(FIXTURES, 'pair', 'model.weights.h5'), join(folder, 'model.weights.h5'))
    await expect(load(folder)).rejects.toThrow(
      /layer 'norm' of class MyFancyNorm, which tfjs-layers [\d.]+ does not have/,
    )
  })

  it('says a truncated .keras is cut short, and a weights-only .h5 has no model', async () => {
    const bytes = readFileSync(join(FIXTURES, 'cnn.keras'))
    writeFileSync(join(scratch, 'cut.keras'), bytes.subarray(0, Math.floor(bytes.length / 2)))
    await expect(load(join(scratch, 'cut.keras'))).rejects.toThrow(
      /expected a \.keras file \(a ZIP archive\), got cut\.keras: a ZIP archive cut short \(\d+ bytes, no end-of-directory record\)\. The file is damaged or was cut short/,
    )
    copyFileSync(join(FIXTURES, 'pair', 'model.weights.h5'), join(scratch, 'weights-only.h5'))
    await expect(load(join(scratch, 'weights-only.h5'))).rejects.toThrow(
      /expected a full Keras model in HDF5 \(with a model_config attribute\), got weights-only\.h5/,
    )
    writeFileSync(join(scratch, 'text.h5'), 'not hdf5')
    await expect(load(join(scratch, 'text.h5'))).rejects.toThrow(
      /expected an HDF5 file, got text\.h5: 8 bytes/,
    )
  })
})
