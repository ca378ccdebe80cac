// Bounded memory: every method runs `batchSize` rows per model pass, the first forward pass included,
// and gives the same result whatever the batch size (stochastic methods too: their draws are laid out
// by row).
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, backend } from '../../../src'
import {
  METHODS,
  explain,
  type Attribution,
  type ExplainOptions,
  type MethodName,
} from '../../../src/attribution'
import { rowDraws } from '../../../src/attribution/draws'
import { createRandom } from '../../../src/attribution/random'
import { load, type GlasswingModel } from '../../../src/model'
import { tinyCnn } from '../model/helpers'
import { CASES } from './cases'

const EXAMPLES = 10
let model: GlasswingModel
let inputs: tf.Tensor
/** The most rows seen in one pass of the model since the last reset. */
let widest = 0

/** The model, with every pass's row count recorded (the real model computes). */
function recording(inner: GlasswingModel): GlasswingModel {
  const passes = new Set(['predict', 'run', 'activations'])
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown
      if (typeof value !== 'function') return value
      if (!passes.has(String(property))) return value.bind(target)
      return (batch: tf.Tensor | null, ...rest: unknown[]) => {
        if (batch) widest = Math.max(widest, batch.shape[0]!)
        return (value as (...args: unknown[]) => unknown).call(target, batch, ...rest)
      }
    },
  })
}

beforeAll(async () => {
  model = recording(await load(tinyCnn()))
  inputs = tf.randomUniform([EXAMPLES, 8, 8, 1], 0, 1, 'float32', 21)
})
afterAll(() => {
  inputs.dispose()
  model.dispose()
})

/** Runs a method; on a backend lacking one of its kernels, null. */
async function run(options: ExplainOptions, x = inputs): Promise<Attribution | null> {
  try {
    return await explain(model, x, options)
  } catch (error) {
    const missing =
      backend().backend === 'wasm' &&
      error instanceof GlasswingError &&
      /backend, which does not implement it/.test(error.message)
    if (missing) return null
    throw error
  }
}

/** Equal to float tolerance: within 1e-5 of the largest magnitude in `scaleOf` (default `expected`). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, scaleOf = expected): void {
  expect(actual.length).toBe(expected.length)
  let scale = 1e-6
  for (let i = 0; i < scaleOf.length; i++) scale = Math.max(scale, Math.abs(scaleOf[i]!))
  let worst = 0
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!))
  expect(worst / scale).toBeLessThan(1e-5)
}

describe.each(Object.keys(METHODS) as MethodName[])('%s', (name) => {
  it('gives the same result with batchSize 1, 7 and all, and no pass is wider', async () => {
    const options = { ...CASES[name], seed: 3 } as ExplainOptions
    const whole = await run({ ...options, batchSize: EXAMPLES })
    if (!whole) return
    for (const batchSize of [1, 7]) {
      const before = tf.memory().numTensors
      widest = 0
      const part = (await run({ ...options, batchSize }))!
      expect(tf.memory().numTensors).toBe(before)
      expect(widest).toBeGreaterThan(0)
      expect(widest).toBeLessThanOrEqual(batchSize)
      expect(part.shape).toEqual(whole.shape)
      expect(part.targets).toEqual(whole.targets)
      expectClose(part.values, whole.values)
      // Deltas are round-off near zero: compared on the scale of the values.
      if (whole.delta) expectClose(part.delta!, whole.delta, whole.values)
      const predictions = whole.data.predictions!
      part.data.predictions!.forEach((prediction, example) => {
        expect(prediction.classes).toEqual(predictions[example]!.classes)
        expectClose(prediction.probabilities, predictions[example]!.probabilities)
      })
    }
  })
})

describe('batches of rows', () => {
  it('split top-k rows of one example and per-example baselines alike', async () => {
    const baseline = tf.randomUniform([EXAMPLES, 8, 8, 1], 0, 0.2, 'float32', 4)
    const cases: ExplainOptions[] = [
      { method: 'smoothgrad', noise: { samples: 5 }, target: { topK: 2 } },
      { method: 'gradient-shap', samples: 3, stdev: 0.2, baselines: baseline, target: { topK: 2 } },
      { method: 'integrated-gradients', steps: 6, baseline, target: { topK: 2 } },
      { method: 'integrated-gradients', steps: 6, baseline: 'uniform' },
      { method: 'integrated-gradients', steps: 6, baseline: 'black', noise: { samples: 2, stdev: 0.1 } },
      { method: 'integrated-gradients', steps: 6, baseline: 'uniform', noise: { samples: 3, stdev: 0.1 } },
      { method: 'gradient-shap', samples: 2, stdev: 0.1, noise: { samples: 3 } },
    ]
    for (const options of cases) {
      const whole = await run({ ...options, seed: 9, batchSize: 2 * EXAMPLES })
      if (!whole) continue
      const part = (await run({ ...options, seed: 9, batchSize: 3 }))!
      expect(part.targets).toEqual(whole.targets)
      expectClose(part.values, whole.values)
    }
    baseline.dispose()
  })

  it('refuses batch sizes that are not whole numbers >= 1, naming the option', async () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN, Infinity, '8' as unknown as number]) {
      const before = tf.memory().numTensors
      await expect(explain(model, inputs, { method: 'saliency', batchSize })).rejects.toThrow(
        /options\.batchSize expected a whole number >= 1/,
      )
      expect(tf.memory().numTensors).toBe(before)
    }
  })

  it('reads row-laid draws the same from any batch', () => {
    const whole = rowDraws(7, { first: 0, count: 9, total: 9 })
    const [uniforms, normals, integers] = [whole.uniforms(3), whole.normals(5), whole.integers(2, 4)]
    // The first block is the seed's stream itself, as a method drawing everything at once had it.
    expect(Array.from(uniforms)).toEqual(Array.from(createRandom(7).uniforms(27)))
    for (const [first, count] of [
      [0, 1],
      [3, 4],
      [8, 1],
    ] as const) {
      const part = rowDraws(7, { first, count, total: 9 })
      expect(Array.from(part.uniforms(3))).toEqual(
        Array.from(uniforms.subarray(first * 3, (first + count) * 3)),
      )
      expect(Array.from(part.normals(5))).toEqual(
        Array.from(normals.subarray(first * 5, (first + count) * 5)),
      )
      expect(Array.from(part.integers(2, 4))).toEqual(
        Array.from(integers.subarray(first * 2, (first + count) * 2)),
      )
    }
    // A block read in parts (one pass at a time) gives the same numbers as read at once.
    const once = rowDraws(7, { first: 0, count: 9, total: 9 }).normals(5)
    const block = rowDraws(7, { first: 3, count: 4, total: 9 }).normalBlock(5)
    const parts = [block(0, 3), block(3, 8), block(11, 9)].flatMap((part) => Array.from(part))
    expect(parts).toEqual(Array.from(once.subarray(15, 35)))
  })
})
