// Occlusion, feature ablation, KernelSHAP, LIME and RISE on models whose answers are known exactly:
// a linear model (attributions are sums of w * x), and one that ignores a region (zero there).
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import { load, type GlasswingModel } from '../../../src/model'
import { runAttribution } from '../../../src/attribution/run'
import { occlusion } from '../../../src/attribution/perturbation/occlusion'
import { featureAblation } from '../../../src/attribution/perturbation/feature-ablation'
import { kernelShap } from '../../../src/attribution/perturbation/kernel-shap'
import { lime } from '../../../src/attribution/perturbation/lime'
import { rise } from '../../../src/attribution/perturbation/rise'
import { GlasswingError } from '../../../src/errors'

const SIZE = 8
const CLASSES = 3

/** A linear image model, logits = W x + b, with W zero over rows 0..3 (the model ignores the top half). */
async function linearImageModel(): Promise<{ model: GlasswingModel; weights: Float32Array }> {
  const weights = Float32Array.from({ length: SIZE * SIZE * CLASSES }, (_, i) => {
    const pixel = Math.floor(i / CLASSES)
    return Math.floor(pixel / SIZE) < 4 ? 0 : Math.sin(i * 1.7) + 0.1 * (i % 5)
  })
  const net = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [SIZE, SIZE, 1] }),
      tf.layers.dense({ units: CLASSES, name: 'logits' }),
    ],
  })
  net.layers[1]!.setWeights([tf.tensor2d(weights, [SIZE * SIZE, CLASSES]), tf.tensor1d([0.1, -0.2, 0.3])])
  return { model: await load(net), weights }
}

/** A linear tabular model over 6 named features (a second, constant output keeps it a classifier). */
async function linearTableModel(): Promise<{ model: GlasswingModel; weights: number[] }> {
  const weights = [0.5, -1, 2, 0, 3, -0.25]
  const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 2, name: 'score' })] })
  const kernel = weights.flatMap((w) => [w, 0])
  net.layers[0]!.setWeights([tf.tensor2d(kernel, [6, 2]), tf.tensor1d([0.7, 0])])
  return { model: await load(net), weights }
}

const image = tf.tidy(() => tf.randomUniform([2, SIZE, SIZE, 1], 0, 1, 'float32', 5))
afterAll(() => image.dispose())

async function explainWithoutLeak(run: () => Promise<import('../../../src/attribution').Attribution>) {
  const before = tf.memory().numTensors
  const result = await run()
  expect(tf.memory().numTensors).toBe(before)
  return result
}

/** sum over a window of w[:, target] * x, from plain arrays. */
function windowSum(
  x: Float32Array,
  weights: Float32Array,
  target: number,
  top: number,
  left: number,
  size: number,
) {
  let sum = 0
  for (let y = top; y < top + size; y++)
    for (let column = left; column < left + size; column++)
      sum += weights[(y * SIZE + column) * CLASSES + target]! * x[y * SIZE + column]!
  return sum
}

describe('occlusion and feature ablation', () => {
  it('give a linear model the window sums of w * x, and exactly zero where it looks at nothing', async () => {
    const { model, weights } = await linearImageModel()
    const pixels = image.dataSync() as Float32Array
    const runs = [
      () => runAttribution(occlusion, model, image, { target: 1, window: 2 }, 'test'),
      () =>
        runAttribution(
          featureAblation,
          model,
          image,
          { target: 1, segments: { method: 'grid', cellSize: 2 } },
          'test',
        ),
    ]
    for (const run of runs) {
      const attribution = await explainWithoutLeak(run)
      expect(attribution.shape).toEqual([2, SIZE, SIZE, 1])
      for (let example = 0; example < 2; example++) {
        const x = pixels.subarray(example * SIZE * SIZE, (example + 1) * SIZE * SIZE)
        for (let y = 0; y < SIZE; y++)
          for (let column = 0; column < SIZE; column++) {
            const value = attribution.values[example * SIZE * SIZE + y * SIZE + column]!
            if (y < 4) expect(value).toBe(0)
            else {
              const top = y - (y % 2)
              const left = column - (column % 2)
              expect(value).toBeCloseTo(windowSum(x, weights, 1, top, left, 2), 5)
            }
          }
      }
    }
    model.dispose()
  })

  it('averages overlapping windows as Captum does, and checks its options', async () => {
    const { model } = await linearImageModel()
    const overlapping = await explainWithoutLeak(() =>
      runAttribution(occlusion, model, image, { target: 0, window: 3, stride: 1 }, 'test'),
    )
    // Row 0 is ignored and only windows starting at rows 0..0 cover it: exactly zero.
    for (let column = 0; column < SIZE; column++) expect(overlapping.values[column]).toBe(0)
    await expect(runAttribution(occlusion, model, image, { window: 9 }, 'test')).rejects.toThrow(
      GlasswingError,
    )
    await expect(runAttribution(occlusion, model, image, { window: 2, stride: 0 }, 'test')).rejects.toThrow(
      /options\.stride/,
    )
    model.dispose()
  })

  it('ablates superpixels and custom masks', async () => {
    const { model } = await linearImageModel()
    const slic = await explainWithoutLeak(() =>
      runAttribution(featureAblation, model, image, { segments: { method: 'slic', segments: 8 } }, 'test'),
    )
    expect(slic.shape).toEqual([2, SIZE, SIZE, 1])
    const mask = tf.tensor2d(
      Array.from({ length: SIZE * SIZE }, (_, i) => (i < 32 ? 0 : 1)),
      [SIZE, SIZE],
      'int32',
    )
    const halves = await explainWithoutLeak(() =>
      runAttribution(
        featureAblation,
        model,
        image,
        { target: 2, segments: { method: 'mask', mask } },
        'test',
      ),
    )
    expect(halves.values[0]).toBe(0)
    expect(new Set(Array.from(halves.values.subarray(32, 64))).size).toBe(1)
    mask.dispose()
    model.dispose()
  })
})

describe('KernelSHAP and LIME', () => {
  it('give a linear tabular model w * (x - baseline), whether coalitions are enumerated or sampled', async () => {
    const { model, weights } = await linearTableModel()
    const rows = tf.tensor2d([
      [1, 2, 3, 4, 5, 6],
      [-1, 0.5, 0, 2, -3, 1],
    ])
    const baseline = tf.tensor1d([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    const featureNames = ['age', 'income', 'debt', 'tenure', 'score', 'region']
    for (const samples of [100, 20]) {
      const shap = await explainWithoutLeak(() =>
        runAttribution(
          kernelShap,
          model,
          rows,
          { target: 0, samples, baseline, featureNames, seed: 4 },
          'test',
        ),
      )
      const surrogate = await explainWithoutLeak(() =>
        runAttribution(
          lime,
          model,
          rows,
          { target: 0, samples: samples * 2, baseline, ridge: 0, seed: 4 },
          'test',
        ),
      )
      expect(shap.parameters.featureNames).toEqual(featureNames)
      const x = rows.arraySync()
      for (let example = 0; example < 2; example++)
        for (let f = 0; f < 6; f++) {
          const expected = weights[f]! * (x[example]![f]! - 0.5)
          expect(shap.values[example * 6 + f]).toBeCloseTo(expected, 4)
          expect(surrogate.values[example * 6 + f]).toBeCloseTo(expected, 4)
        }
    }
    await expect(
      runAttribution(kernelShap, model, rows, { featureNames: ['a', 'b'] }, 'test'),
    ).rejects.toThrow(/featureNames expected one name per feature \(6\)/)
    tf.dispose([rows, baseline])
    model.dispose()
  })

  it('averages over a background set: a linear model gets w * (x - mean(background))', async () => {
    const { model, weights } = await linearTableModel()
    const rows = tf.tensor2d([[1, 2, 3, 4, 5, 6]])
    const background = tf.tensor2d([
      [0, 1, 0, 1, 0, 1],
      [2, 1, 2, 3, 0, -1],
      [1, 1, 1, 1, 1, 1],
    ])
    const means = [1, 1, 1, 5 / 3, 1 / 3, 1 / 3]
    const before = tf.memory().numTensors
    const shap = await runAttribution(
      kernelShap,
      model,
      rows,
      { target: 0, background, samples: 20, batchSize: 7 },
      'test',
    )
    expect(tf.memory().numTensors).toBe(before)
    shap.values.forEach((value, f) =>
      expect(value).toBeCloseTo(weights[f]! * ([1, 2, 3, 4, 5, 6][f]! - means[f]!), 4),
    )
    tf.dispose([rows, background])
    model.dispose()
  })

  it('is deterministic under a seed over image segments, and sums to f(x) - f(baseline)', async () => {
    const { model } = await linearImageModel()
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [SIZE, SIZE, 1],
          filters: 2,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: CLASSES, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    })
    const cnn = await load(net)
    const options = { target: 0, samples: 64, seed: 11, segments: { method: 'grid', cellSize: 2 } } as const
    const first = await explainWithoutLeak(() => runAttribution(kernelShap, cnn, image, options, 'test'))
    const again = await runAttribution(kernelShap, cnn, image, options, 'test')
    const other = await runAttribution(kernelShap, cnn, image, { ...options, seed: 12 }, 'test')
    expect(Array.from(first.values)).toEqual(Array.from(again.values))
    expect(Array.from(first.values)).not.toEqual(Array.from(other.values))
    const scores = tf.tidy(
      () => cnn.predict(tf.concat([image, tf.zerosLike(image)])).arraySync() as number[][],
    )
    for (let example = 0; example < 2; example++) {
      // each 2x2 cell holds its Shapley value in all 4 pixels
      const total = first.values.subarray(example * 64, example * 64 + 64).reduce((s, v) => s + v, 0) / 4
      expect(total).toBeCloseTo(scores[example]![0]! - scores[example + 2]![0]!, 4)
    }
    const limeFirst = await runAttribution(lime, cnn, image, options, 'test')
    const limeAgain = await runAttribution(lime, cnn, image, options, 'test')
    expect(Array.from(limeFirst.values)).toEqual(Array.from(limeAgain.values))
    cnn.dispose()
    model.dispose()
  })
})

describe('RISE', () => {
  it('is seeded, and gives a constant model its constant (the masks average to p)', async () => {
    const net = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [SIZE, SIZE, 1] }), tf.layers.dense({ units: 2 })],
    })
    net.layers[1]!.setWeights([tf.zeros([SIZE * SIZE, 2]), tf.tensor1d([2, 1])])
    const constant = await load(net)
    const options = { target: 0, masks: 400, gridSize: 4, seed: 5, batchSize: 100, center: false }
    const first = await explainWithoutLeak(() => runAttribution(rise, constant, image, options, 'test'))
    const again = await runAttribution(rise, constant, image, options, 'test')
    const other = await runAttribution(rise, constant, image, { ...options, seed: 6 }, 'test')
    expect(first.shape).toEqual([2, SIZE, SIZE, 1])
    expect(Array.from(first.values)).toEqual(Array.from(again.values))
    expect(Array.from(first.values)).not.toEqual(Array.from(other.values))
    for (const value of first.values) expect(Math.abs(value - 2)).toBeLessThan(0.4)
    const mean = first.values.reduce((sum, value) => sum + value, 0) / first.values.length
    expect(Math.abs(mean - 2)).toBeLessThan(0.1)
    // Centred (the default): the same map less the mean masked score (2 for a constant model), signed.
    const centred = await runAttribution(rise, constant, image, { ...options, center: true }, 'test')
    expect(centred.data.signed).toBe(true)
    expect(first.data.signed).toBe(false)
    centred.values.forEach((value, i) => expect(value).toBeCloseTo(first.values[i]! - 2, 4))
    await expect(runAttribution(rise, constant, image, { keepProbability: 1.5 }, 'test')).rejects.toThrow(
      /keepProbability/,
    )
    constant.dispose()
  })
})
