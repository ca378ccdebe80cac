// The conformance table: every registered method on the same cases. Adding a method to the registry
// without a line here fails to type-check (the table is keyed by MethodName).
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, backend } from '../../../src'
import { METHODS, explain, type ExplainOptions, type MethodName } from '../../../src/attribution'
import { load, type GlasswingModel } from '../../../src/model'
import { tinyCnn } from '../model/helpers'
import { CASES } from './cases'

/** Layer methods return the layer's shape; the rest the input's. */
const LAYER_SHAPE: Partial<Record<MethodName, number[]>> = {
  'layer-gradient-x-activation': [3, 6, 6, 4],
  'layer-integrated-gradients': [3, 6, 6, 4],
  'layer-deeplift': [3, 6, 6, 4],
  'layer-conductance': [3, 6, 6, 4],
  'internal-influence': [3, 6, 6, 4],
}

/** Methods that explain a unit (the common `neuron` option) rather than a class: no class per row. */
const EXPLAINS_A_UNIT: ReadonlySet<MethodName> = new Set(['neuron-deeplift'])

/**
 * Completeness, where a method promises it: each row's attributions sum to the change of what it
 * explains from the baseline (`delta` ~0), within this fraction of that change (path methods
 * approximate an integral with few steps here; DeepLIFT and Shapley values are exact).
 */
const COMPLETENESS: Partial<Record<MethodName, number>> = {
  'integrated-gradients': 0.05,
  'layer-integrated-gradients': 0.05,
  'layer-conductance': 0.05,
  deeplift: 1e-4,
  'layer-deeplift': 1e-4,
  'neuron-deeplift': 1e-4,
  'shapley-values': 1e-4,
  'shapley-sampling': 1e-4,
}

let model: GlasswingModel
let inputs: tf.Tensor

beforeAll(async () => {
  model = await load(tinyCnn())
  inputs = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 11)
})
afterAll(() => {
  inputs.dispose()
  model.dispose()
})

/** Runs a method; on a backend lacking one of its kernels, returns the GlasswingError instead. */
async function run(options: ExplainOptions) {
  try {
    return await explain(model, inputs, options)
  } catch (error) {
    if (
      backend().backend === 'wasm' &&
      error instanceof GlasswingError &&
      /backend, which does not implement it/.test(error.message)
    ) {
      return error
    }
    throw error
  }
}

describe.each(Object.keys(METHODS) as MethodName[])('%s', (name) => {
  const options = CASES[name]

  it('has the expected shape and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors
    const result = await run(options)
    expect(tf.memory().numTensors).toBe(before)
    if (result instanceof GlasswingError) return
    expect(result.shape).toEqual(LAYER_SHAPE[name] ?? [3, 8, 8, 1])
    expect(result.values.every(Number.isFinite)).toBe(true)
    expect(result.targets).toHaveLength(3)
    expect(result.predictions).toHaveLength(3)
    expect(result.method).toBe(name)
  })

  it.skipIf(COMPLETENESS[name] === undefined)('sums to the change it explains (completeness)', async () => {
    const result = await run(options)
    if (result instanceof GlasswingError) return
    const size = result.values.length / 3
    for (let row = 0; row < 3; row++) {
      let total = 0
      for (let i = row * size; i < (row + 1) * size; i++) total += result.values[i]!
      // delta = sum - change, so the change is sum - delta.
      const change = total - result.delta![row]!
      expect(Math.abs(result.delta![row]!)).toBeLessThanOrEqual(
        COMPLETENESS[name]! * Math.max(1, Math.abs(change)),
      )
    }
  })

  it('gives the same result for the same seed', async () => {
    const first = await run({ ...options, seed: 5 } as ExplainOptions)
    const second = await run({ ...options, seed: 5 } as ExplainOptions)
    if (first instanceof GlasswingError) return
    expect(Array.from((second as typeof first).values)).toEqual(Array.from(first.values))
    if (METHODS[name].stochastic || options.noise) {
      const other = await run({ ...options, seed: 6 } as ExplainOptions)
      expect(Array.from((other as typeof first).values)).not.toEqual(Array.from(first.values))
    }
  })

  it.runIf(EXPLAINS_A_UNIT.has(name))('explains the unit, not a class, and needs the unit', async () => {
    const result = await run(options)
    if (result instanceof GlasswingError) return
    expect(result.targets).toEqual([null, null, null])
    const { neuron: _neuron, ...without } = options as ExplainOptions & { neuron?: unknown }
    await expect(explain(model, inputs, without as ExplainOptions)).rejects.toThrow(/options\.neuron/)
  })

  it.skipIf(EXPLAINS_A_UNIT.has(name))(
    'explains a class given by index, and refuses one out of range',
    async () => {
      // The target is checked before any gradient: this holds on a backend without gradient kernels too.
      const before = tf.memory().numTensors
      await expect(explain(model, inputs, { ...options, target: 3 } as ExplainOptions)).rejects.toThrow(
        /class index in 0\.\.2/,
      )
      expect(tf.memory().numTensors).toBe(before)
      const result = await run({ ...options, target: 2 } as ExplainOptions)
      if (result instanceof GlasswingError) return
      expect(result.targets).toEqual([2, 2, 2])
    },
  )
})
