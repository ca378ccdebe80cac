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

  it('explains a class given by index, and refuses one out of range', async () => {
    // The target is checked before any gradient: this holds on a backend without gradient kernels too.
    const before = tf.memory().numTensors
    await expect(explain(model, inputs, { ...options, target: 3 } as ExplainOptions)).rejects.toThrow(
      /class index in 0\.\.2/,
    )
    expect(tf.memory().numTensors).toBe(before)
    const result = await run({ ...options, target: 2 } as ExplainOptions)
    if (result instanceof GlasswingError) return
    expect(result.targets).toEqual([2, 2, 2])
  })
})
