// Guided IG and XRAI: Guided IG with no freedom (maxDistance 0) is Integrated Gradients on the straight
// path and is complete; XRAI's region growing on hand-made attributions; both leave no tensor behind.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { load, type GlasswingModel } from '../../../src/model'
import { runAttribution } from '../../../src/attribution/run'
import { guidedIntegratedGradients } from '../../../src/attribution/path/guided-ig'
import { xrai } from '../../../src/attribution/path/xrai'
import { dilate, growRegions } from '../../../src/attribution/path/xrai-regions'

let model: GlasswingModel
const images = tf.tidy(() => tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3))

beforeAll(async () => {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed })
  model = await load(
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [8, 8, 1], units: 4, activation: 'tanh', kernelInitializer: init(1) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
      ],
    }),
  )
})
afterAll(() => {
  model.dispose()
  images.dispose()
})

describe('Guided IG', () => {
  it('is nearly complete, and with maxDistance 0 follows the straight line like IG', async () => {
    const before = tf.memory().numTensors
    const guided = await runAttribution(
      guidedIntegratedGradients,
      model,
      images,
      { target: 1, steps: 64 },
      'test',
    )
    expect(tf.memory().numTensors).toBe(before)
    const straight = await runAttribution(
      guidedIntegratedGradients,
      model,
      images,
      { target: 1, steps: 64, maxDistance: 0 },
      'test',
    )
    const ig = tf.tidy(() => {
      // left-Riemann IG at alphas 0 .. 63/64: each step takes the gradient where the path stands, then moves
      const alphas = tf.linspace(0, 63 / 64, 64).reshape([64, 1, 1, 1])
      return [0, 1].flatMap((row) => {
        const x = images.slice([row], [1])
        const grads = tf.grad((batch: tf.Tensor) => model.predict(batch).slice([0, 1], [-1, 1]).sum())(
          tf.mul(alphas, x),
        )
        return Array.from(tf.mul(grads.mean(0), x.squeeze([0])).dataSync())
      })
    })
    straight.values.forEach((value, i) => expect(value).toBeCloseTo(ig[i]!, 4))
    for (const result of [guided, straight])
      for (const delta of result.delta!) expect(Math.abs(delta)).toBeLessThan(0.05)
    expect(Array.from(guided.values)).not.toEqual(Array.from(straight.values))
  })
})

describe('XRAI', () => {
  it('grows the densest regions first and gives each pixel its region’s density', () => {
    // 1x6 image; regions {0,1}, {2,3,4}, {4,5}; attribution densest in {4,5}.
    const attribution = Float64Array.of(1, 1, 0, 0, 5, 3)
    const regions = [Int32Array.of(0, 1), Int32Array.of(2, 3, 4), Int32Array.of(4, 5)]
    const map = growRegions(attribution, regions, { areaThreshold: 1, minPixelDiff: 1 })
    // {4,5} first (4), then {0,1} (1), then {2,3} adds two new pixels at density 0.
    expect(Array.from(map)).toEqual([1, 1, 0, 0, 4, 4])
    const skipped = growRegions(attribution, regions, { areaThreshold: 1, minPixelDiff: 3 })
    // only {2,3,4} has 3 new pixels; the rest get the mean of what is left, (1 + 1 + 3) / 3
    expect(Array.from(skipped)).toEqual([5 / 3, 5 / 3, 5 / 3, 5 / 3, 5 / 3, 5 / 3])
    expect(Array.from(dilate(Int32Array.of(12), 5, 5, 1)).sort((a, b) => a - b)).toEqual([7, 11, 12, 13, 17])
  })

  it('ranks regions on images with default SLIC regions or given masks, leaving no tensor', async () => {
    const before = tf.memory().numTensors
    const result = await runAttribution(xrai, model, images, { target: 0, steps: 8 }, 'test')
    expect(tf.memory().numTensors).toBe(before)
    expect(result.shape).toEqual([2, 8, 8, 1])
    expect(result.values.every(Number.isFinite)).toBe(true)
    const masks = tf.tidy(() =>
      tf.stack([
        tf
          .ones([8, 8])
          .pad([
            [0, 0],
            [0, 0],
          ])
          .mul(tf.linspace(0, 1, 8).less(0.5).reshape([8, 1])),
      ]),
    )
    const halves = await runAttribution(
      xrai,
      model,
      images,
      { target: 0, steps: 8, minPixelDiff: 4, regions: { method: 'masks', masks } },
      'test',
    )
    // one region (the top half): it has one value, the rest another
    expect(new Set(Array.from(halves.values.subarray(0, 32))).size).toBe(1)
    expect(new Set(Array.from(halves.values.subarray(32, 64))).size).toBe(1)
    masks.dispose()
    await expect(runAttribution(xrai, model, images, { areaThreshold: 0 }, 'test')).rejects.toThrow(
      /areaThreshold/,
    )
  })

  it('XRAI takes ImageNet-sized images (224 x 224 x 3 values were more than a spread argument list holds)', async () => {
    // Pooling alone (3 channel means): its gradient needs no conv kernel, so it runs on wasm too.
    const big = await load(
      tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [224, 224, 3] })] }),
    )
    const photo = tf.tidy(() => tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 5))
    const masks = tf.tidy(() => tf.concat([tf.ones([112, 224]), tf.zeros([112, 224])]).reshape([1, 224, 224]))
    const before = tf.memory().numTensors
    const result = await runAttribution(
      xrai,
      big,
      photo,
      { target: 0, steps: 2, regions: { method: 'masks', masks } },
      'test',
    )
    expect(result.shape).toEqual([1, 224, 224, 3])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([photo, masks])
    big.dispose()
  })
})
