// ONNX models through ONNX Runtime for Node: outputs match onnx's reference evaluator, every
// perturbation method gives the same attributions as the same network built in tfjs, gradient methods
// and bad files get clear errors. Fixtures: scripts/reference/onnx_models.py.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain } from '../../../src/attribution'
import { GlasswingError } from '../../../src/errors'
import { load, type GlasswingModel } from '../../../src/model'

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'onnx')
interface Fixture {
  inputShape: number[]
  inputs: number[]
  outputShape: number[]
  outputs: number[]
  weights: Record<string, { shape: number[]; values: number[] }>
}
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Record<
  string,
  Fixture
>
const scratch = mkdtempSync(join(tmpdir(), 'gw-onnx-'))

/** The image fixture's network in tfjs: NHWC conv (ONNX's [out, in, h, w] kernel transposed), pooling, dense. */
function imageTwin(): tf.LayersModel {
  const w = reference['image.onnx']!.weights
  const kernel = tf.tidy(() => tf.tensor(w.conv_w!.values, w.conv_w!.shape).transpose([2, 3, 1, 0]))
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  })
  const values = [
    kernel,
    tf.tensor(w.conv_b!.values),
    tf.tensor(w.fc_w!.values, w.fc_w!.shape),
    tf.tensor(w.fc_b!.values),
  ]
  model.setWeights(values)
  tf.dispose(values)
  return model
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('gw.load of ONNX models', () => {
  it.each(['tabular.onnx', 'image.onnx'])(
    '%s: outputs match the ONNX reference evaluator to 1e-5',
    async (name) => {
      const before = tf.memory().numTensors
      const model = await load(join(FIXTURES, name))
      expect(model.kind).toBe('onnx')
      expect(model.differentiable).toBe(false)
      expect(model.inputShape).toEqual([null, ...reference[name]!.inputShape])
      expect(model.fingerprint).toMatch(/^[0-9a-f]{16}$/)
      const { inputShape, inputs, outputShape, outputs } = reference[name]!
      const x = tf.tensor(inputs, [outputShape[0]!, ...inputShape])
      const y = tf.tidy(() => model.predict(x))
      expect(y.shape).toEqual(outputShape)
      const got = await y.data()
      expect(Math.max(...outputs.map((v, i) => Math.abs(v - got[i]!)))).toBeLessThan(1e-5)
      tf.dispose([x, y])
      model.dispose()
      expect(tf.memory().numTensors).toBe(before)
    },
  )

  describe('perturbation methods give what the same network in tfjs gives', () => {
    let onnx: GlasswingModel
    let twin: GlasswingModel
    let images: tf.Tensor
    beforeAll(async () => {
      onnx = await load(join(FIXTURES, 'image.onnx'))
      twin = await load(imageTwin())
      const { inputShape, inputs, outputShape } = reference['image.onnx']!
      images = tf.tensor(inputs, [outputShape[0]!, ...inputShape])
    })
    afterAll(() => {
      images.dispose()
      onnx.dispose()
      twin.dispose()
    })

    it.each([
      { method: 'occlusion', window: 2 },
      { method: 'feature-ablation' },
      { method: 'lime', samples: 128, seed: 3 },
      { method: 'kernel-shap', samples: 128, seed: 3 },
      { method: 'rise', masks: 200, seed: 3 },
    ] as const)('$method', async (options) => {
      const before = tf.memory().numTensors
      const fromOnnx = await explain(onnx, images, { ...options, target: 1 })
      const fromTwin = await explain(twin, images, { ...options, target: 1 })
      expect(tf.memory().numTensors).toBe(before)
      expect(fromOnnx.shape).toEqual([3, 8, 8, 1])
      expect(fromOnnx.data.provenance.modelFingerprint).toBe(onnx.fingerprint)
      const a = fromOnnx.values
      const b = fromTwin.values
      const scale = Math.max(...Array.from(b, Math.abs))
      expect(scale).toBeGreaterThan(0)
      const worst = Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))
      expect(worst / scale).toBeLessThan(1e-4)
    })

    it('gradient methods say why they cannot run, and what to do', async () => {
      await expect(explain(onnx, images, { method: 'saliency' })).rejects.toThrow(
        /expected a method that needs predictions only .* got 'saliency', a gradient method, on an ONNX model\. ONNX Runtime computes predictions only/,
      )
      await expect(explain(onnx, images, { method: 'integrated-gradients' })).rejects.toThrow(GlasswingError)
    })
  })

  it('runs a channels-first (PyTorch) export on channels-last images, the same as the NHWC model', async () => {
    const nhwc = await load(join(FIXTURES, 'image.onnx'))
    const nchw = await load(join(FIXTURES, 'image-nchw.onnx'), { channelsFirst: true })
    expect(nchw.inputShape).toEqual([null, 8, 8, 1])
    const { inputShape, inputs, outputShape } = reference['image.onnx']!
    const images = tf.tensor(inputs, [outputShape[0]!, ...inputShape])
    const before = tf.memory().numTensors
    const a = await explain(nchw, images, { method: 'occlusion', window: 2, target: 0 })
    const b = await explain(nhwc, images, { method: 'occlusion', window: 2, target: 0 })
    expect(tf.memory().numTensors).toBe(before)
    expect(Math.max(...Array.from(a.values, (v, i) => Math.abs(v - b.values[i]!)))).toBeLessThan(1e-6)
    images.dispose()
    nhwc.dispose()
    nchw.dispose()
    await expect(load(join(FIXTURES, 'tabular.onnx'), { channelsFirst: true })).rejects.toThrow(
      /options\.channelsFirst expected a model whose input is images \[n, channels, height, width\], got tabular\.onnx: an input of rank 2/,
    )
    await expect(load(join(FIXTURES, '..', 'keras', 'cnn.keras'), { channelsFirst: true })).rejects.toThrow(
      /options\.channelsFirst expected an \.onnx model \(the option applies to ONNX models only\)/,
    )
  })

  it('says what is wrong with a file that is no ONNX model', async () => {
    const bytes = readFileSync(join(FIXTURES, 'image.onnx'))
    writeFileSync(join(scratch, 'cut.onnx'), bytes.subarray(0, 100))
    await expect(load(join(scratch, 'cut.onnx'))).rejects.toThrow(
      /gw\.load: source expected an ONNX model ONNX Runtime can load, got cut\.onnx: .*\. The file is damaged/,
    )
    await expect(load(join(scratch, 'missing.onnx'))).rejects.toThrow(
      /expected a readable \.onnx file, got missing\.onnx: '.*missing\.onnx' \(ENOENT/,
    )
  })
})
