// Grad-CAM, Grad-CAM++, Layer-CAM and Score-CAM on a small CNN: shapes, the maps against a direct
// computation from the layer's activations and gradients, and the errors a user can fix.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { load, type GlasswingModel } from '../../../src/model'
import { runAttribution } from '../../../src/attribution/run'
import type { AttributionMethod } from '../../../src/attribution/types'
import { gradCam } from '../../../src/attribution/cam/grad-cam'
import { gradCamPlusPlus } from '../../../src/attribution/cam/grad-cam-plus-plus'
import { layerCam } from '../../../src/attribution/cam/layer-cam'
import { scoreCam } from '../../../src/attribution/cam/score-cam'

let net: tf.Sequential
let model: GlasswingModel
const images = tf.tidy(() => tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 9))
const TARGET = 1

beforeAll(async () => {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed })
  net = tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv_a',
        inputShape: [8, 8, 2],
        filters: 3,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.conv2d({
        name: 'conv_b',
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(2),
        biasInitializer: tf.initializers.constant({ value: 0.05 }),
      }),
      tf.layers.averagePooling2d({ name: 'pool', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'logits', units: 3, kernelInitializer: init(3) }),
    ],
  })
  model = await load(net)
})
afterAll(() => {
  model.dispose()
  images.dispose()
})

/** conv_b's activations and the target's gradients there, computed with the layers directly. */
function direct(): { activations: tf.Tensor4D; gradients: tf.Tensor4D } {
  const [convA, convB, pool, flatten, logits] = net.layers as tf.layers.Layer[]
  const activations = convB!.apply(convA!.apply(images)) as tf.Tensor4D
  const tail = (a: tf.Tensor) =>
    (logits!.apply(flatten!.apply(pool!.apply(a))) as tf.Tensor).slice([0, TARGET], [-1, 1]).sum()
  return { activations, gradients: tf.grad(tail)(activations) as tf.Tensor4D }
}

function upsampled(map: tf.Tensor): number[] {
  return Array.from(
    tf
      .tile(tf.image.resizeBilinear(map.expandDims(-1) as tf.Tensor4D, [8, 8], false, true), [1, 1, 1, 2])
      .dataSync(),
  )
}

async function withoutLeak<Options extends object>(
  method: AttributionMethod<Options>,
  options: Partial<Options>,
) {
  const before = tf.memory().numTensors
  const result = await runAttribution(
    method,
    model,
    images,
    { target: TARGET, layer: 'conv_b', ...options },
    'test',
  )
  expect(tf.memory().numTensors).toBe(before)
  return result
}

describe('class activation maps', () => {
  it('Grad-CAM is relu(sum_k mean(dy/dA_k) A_k), upsampled with half-pixel centres', async () => {
    const attribution = await withoutLeak(gradCam, {})
    const expected = tf.tidy(() => {
      const { activations, gradients } = direct()
      return upsampled(tf.relu(tf.sum(tf.mul(activations, tf.mean(gradients, [1, 2], true)), -1)))
    })
    expect(attribution.shape).toEqual([3, 8, 8, 2])
    expect(attribution.data.layer).toBe('conv_b')
    attribution.values.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5))
    expect(Math.max(...attribution.values)).toBeGreaterThan(0)
  })

  it('Layer-CAM weighs every position by its positive gradient', async () => {
    const attribution = await withoutLeak(layerCam, {})
    const expected = tf.tidy(() => {
      const { activations, gradients } = direct()
      return upsampled(tf.relu(tf.sum(tf.mul(activations, tf.relu(gradients)), -1)))
    })
    attribution.values.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5))
  })

  it('Grad-CAM++ and Score-CAM give non-negative maps of the input size', async () => {
    for (const method of [gradCamPlusPlus, scoreCam]) {
      const attribution = await withoutLeak(method, {})
      expect(attribution.shape).toEqual([3, 8, 8, 2])
      expect(Math.min(...attribution.values)).toBeGreaterThanOrEqual(0)
      expect(attribution.values.some((value) => value > 0)).toBe(true)
    }
    const small = await withoutLeak(scoreCam, { batchSize: 3, weighting: 'class-probability' })
    expect(small.shape).toEqual([3, 8, 8, 2])
  })

  it('Score-CAM with channel softmax weights sum to one per example', async () => {
    // With one channel kept at every position (relu(A) = A >= 0), sum_k softmax_k A_k is a convex
    // combination: between the channel-wise min and max of the activations.
    const attribution = await withoutLeak(scoreCam, { upsample: false })
    expect(attribution.shape).toEqual([3, 6, 6, 1])
    const [low, high] = tf.tidy(() => {
      const { activations } = direct()
      return [Array.from(activations.min(-1).dataSync()), Array.from(activations.max(-1).dataSync())]
    })
    attribution.values.forEach((value, i) => {
      expect(value).toBeGreaterThanOrEqual(low![i]! - 1e-5)
      expect(value).toBeLessThanOrEqual(high![i]! + 1e-5)
    })
  })

  it('defaults to the last spatial layer and explains a wrong or flat layer', async () => {
    const defaulted = await runAttribution(gradCam, model, images, { target: TARGET }, 'test')
    expect(defaulted.data.layer).toBe('pool')
    await expect(runAttribution(gradCam, model, images, { layer: 'conv_c' }, 'test')).rejects.toThrow(
      /options\.layer expected the name of one of the model’s layers, got 'conv_c'.*'conv_a'/,
    )
    await expect(runAttribution(gradCam, model, images, { layer: 'logits' }, 'test')).rejects.toThrow(
      /a layer with a spatial output/,
    )
  })
})
