// Neuron DeepLIFT, layer conductance, neuron conductance, internal influence and feature permutation
// against Captum 0.9.0 on the parity models (identical weights and inputs), and feature permutation
// over the credit MLP's grouped one-hot attributes. The reference comes from
// scripts/reference/attribution/conductance_permutation_reference.py; a difference must stay under 1e-4
// of the attribution's range (feature permutation: Captum applies Glasswing's own permutations; neuron
// conductance: Captum's trapezoid weights are rescaled, see below).
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain, type ExplainOptions } from '../../src/attribution'
import { load, type GlasswingModel } from '../../src/model'
import { FIXTURES, TOLERANCE, floats, json, relativeDifference } from './reference'

const ROOT = join(__dirname, '..', '..')

interface Inputs {
  inputShape: number[]
  inputs: string
  targets: number[]
}
interface Case {
  name: string
  options: Record<string, unknown>
  shape: number[]
  values: string
  delta: number[] | null
}
interface Reference {
  reference: { captum: string; torch: string }
  mask: string
  maskShape: number[]
  extraTargets: number[]
  cases: Case[]
}

describe.each(['small-cnn', 'deep-cnn'])(
  '%s: conductance, neuron DeepLIFT, permutation vs Captum',
  (architecture) => {
    const record = json<Inputs>(`${architecture}.inputs.json`)
    const reference = json<Reference>(`${architecture}.conductance-permutation.json`)
    const captum = json<{ distribution: string }>(`${architecture}.captum.json`)
    let model: GlasswingModel
    let inputs: tf.Tensor
    let many: tf.Tensor
    let mask: tf.Tensor

    beforeAll(async () => {
      model = await load(join(FIXTURES, 'models', architecture))
      inputs = tf.tensor(floats(record.inputs), record.inputShape)
      const distribution = tf.tensor(floats(captum.distribution), [3, ...record.inputShape.slice(1)])
      many = tf.concat([inputs, distribution])
      distribution.dispose()
      mask = tf.tensor(floats(reference.mask), [...reference.maskShape, 1], 'int32')
    })
    afterAll(() => {
      tf.dispose([inputs, many, mask])
      model.dispose()
    })

    it.each(reference.cases.map((c) => [c.name, c] as const))('%s', async (name, testCase) => {
      const { examples, ...rest } = testCase.options
      const options = { ...rest } as Record<string, unknown>
      if (options.segments === 'fixture-mask') options.segments = { method: 'mask', mask }
      const permuted = examples === 'inputs-and-distribution'
      if (!options.neuron)
        options.target = permuted ? [...record.targets, ...reference.extraTargets] : record.targets
      const before = tf.memory().numTensors
      const result = await explain(model, permuted ? many : inputs, options as unknown as ExplainOptions)
      expect(tf.memory().numTensors).toBe(before)
      expect(result.shape).toEqual(testCase.shape)
      let values = result.values
      if (name === 'neuron-conductance') {
        // Its default rule is Captum's, the trapezoid; Captum weights its n points 1/n (halved at the
        // ends), summing to 1 - 1/n, where Glasswing uses the rule's own 1/(n-1): a factor (n-1)/n
        // apart (as for IG in parity.test.ts).
        const steps = testCase.options.steps as number
        values = values.map((v) => (v * (steps - 1)) / steps)
      }
      const difference = relativeDifference(values, floats(testCase.values))
      console.log(`parity ${architecture} ${name}: max |diff| / range = ${difference.toExponential(2)}`)
      expect(difference).toBeLessThan(TOLERANCE)
      if (testCase.delta) {
        const scale = Math.max(...testCase.delta.map(Math.abs), 1e-3)
        result.delta!.forEach((d, row) =>
          expect(Math.abs(d - testCase.delta![row]!)).toBeLessThan(1e-3 * scale + 1e-4),
        )
      }
    })
  },
)

describe('credit-mlp: feature permutation over grouped one-hot attributes vs Captum', () => {
  interface Tabular {
    inputs: string
    inputShape: number[]
    groups: number[]
    featureNames: string[]
    target: number
  }
  const tabular = json<Tabular>('credit-mlp.tabular.json')
  const reference = json<{ seed: number; shape: number[]; values: string }>('credit-mlp.permutation.json')

  it('gives each row the drop in the target when an attribute is taken from another row', async () => {
    const model = await load(join(ROOT, 'notebooks', 'models', 'credit-mlp'))
    const inputs = tf.tensor(floats(tabular.inputs), tabular.inputShape)
    const groups = tf.tensor1d(tabular.groups, 'int32')
    const before = tf.memory().numTensors
    try {
      const result = await explain(model, inputs, {
        method: 'feature-permutation',
        segments: { method: 'mask', mask: groups },
        featureNames: tabular.featureNames,
        target: tabular.target,
        seed: reference.seed,
      })
      expect(tf.memory().numTensors).toBe(before)
      expect(result.shape).toEqual(reference.shape)
      const difference = relativeDifference(result.values, floats(reference.values))
      console.log(
        `parity credit-mlp feature-permutation: max |diff| / range = ${difference.toExponential(2)}`,
      )
      expect(difference).toBeLessThan(TOLERANCE)
    } finally {
      tf.dispose([inputs, groups])
      model.dispose()
    }
  })
})
