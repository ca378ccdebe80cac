// KernelSHAP, LIME and feature ablation over named tabular features (the German-credit MLP’s 20
// attributes, one-hot columns grouped) against Captum on the same weights, inputs, baseline and
// coalitions (reference: scripts/reference/attribution/tabular_reference.py); and KernelSHAP with a
// background set against shap.KernelExplainer (scripts/reference/attribution/shap_reference.py).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain, type ExplainOptions } from '../../src/attribution'
import { load, type GlasswingModel } from '../../src/model'
import { TOLERANCE, floats } from './reference'

const ROOT = join(__dirname, '..', '..')

interface Reference {
  inputs: string
  inputShape: number[]
  baseline: string
  groups: number[]
  featureNames: string[]
  target: number
  cases: { name: string; options: Record<string, unknown>; shape: number[]; values: string }[]
}

const reference = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'attribution', 'credit-mlp.tabular.json'), 'utf8'),
) as Reference

describe('credit-mlp tabular attributions against Captum', () => {
  let model: GlasswingModel
  let inputs: tf.Tensor
  let baseline: tf.Tensor
  let groups: tf.Tensor
  let coarse: tf.Tensor

  beforeAll(async () => {
    model = await load(join(ROOT, 'notebooks', 'models', 'credit-mlp'))
    inputs = tf.tensor(floats(reference.inputs), reference.inputShape)
    baseline = tf.tensor(floats(reference.baseline))
    groups = tf.tensor1d(reference.groups, 'int32')
    coarse = tf.tensor1d(
      reference.groups.map((group) => group % 6),
      'int32',
    )
  })
  afterAll(() => {
    tf.dispose([inputs, baseline, groups, coarse])
    model.dispose()
  })

  it.each(reference.cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const { coarse: useCoarse, ...rest } = testCase.options
    const options = {
      ...rest,
      target: reference.target,
      baseline,
      segments: { method: 'mask', mask: useCoarse ? coarse : groups },
      ...(useCoarse ? {} : { featureNames: reference.featureNames }),
    } as unknown as ExplainOptions
    const before = tf.memory().numTensors
    const result = await explain(model, inputs, options)
    expect(tf.memory().numTensors).toBe(before)
    expect(result.shape).toEqual(testCase.shape)
    if (!useCoarse) expect(result.parameters.featureNames).toEqual(reference.featureNames)
    const theirs = floats(testCase.values)
    let [low, high, worst] = [Infinity, -Infinity, 0]
    theirs.forEach((value, i) => {
      low = Math.min(low, value)
      high = Math.max(high, value)
      worst = Math.max(worst, Math.abs(result.values[i]! - value))
    })
    const difference = worst / (high - low)
    console.log(`parity credit-mlp ${testCase.name}: max |diff| / range = ${difference.toExponential(2)}`)
    expect(difference).toBeLessThan(TOLERANCE)
  })
})

interface ShapReference {
  featureNames: string[]
  inputs: string
  background: string
  inputShape: number[]
  backgroundShape: number[]
  target: number
  values: string
}

describe('KernelSHAP with a background set against the shap package', () => {
  it('gives the exact Shapley values shap.KernelExplainer gives (all 62 coalitions of 6 features)', async () => {
    const shapReference = JSON.parse(
      readFileSync(join(ROOT, 'test', 'fixtures', 'attribution', 'tabular-mlp.shap.json'), 'utf8'),
    ) as ShapReference
    const model = await load(join(ROOT, 'test', 'fixtures', 'attribution', 'tabular-mlp'))
    const inputs = tf.tensor(floats(shapReference.inputs), shapReference.inputShape)
    const background = tf.tensor(floats(shapReference.background), shapReference.backgroundShape)
    const before = tf.memory().numTensors
    const result = await explain(model, inputs, {
      method: 'kernel-shap',
      background,
      samples: 64,
      target: shapReference.target,
      featureNames: shapReference.featureNames,
    })
    expect(tf.memory().numTensors).toBe(before)
    const theirs = floats(shapReference.values)
    let [low, high, worst] = [Infinity, -Infinity, 0]
    theirs.forEach((value, i) => {
      low = Math.min(low, value)
      high = Math.max(high, value)
      worst = Math.max(worst, Math.abs(result.values[i]! - value))
    })
    console.log(
      `parity tabular-mlp kernel-shap vs shap: max |diff| / range = ${(worst / (high - low)).toExponential(2)}`,
    )
    expect(worst / (high - low)).toBeLessThan(TOLERANCE)
    await expect(explain(model, inputs, { method: 'kernel-shap', background, baseline: 0 })).rejects.toThrow(
      /a background set or a baseline, not both/,
    )
    tf.dispose([inputs, background])
    model.dispose()
  })
})
