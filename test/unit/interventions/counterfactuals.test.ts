import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, load, type GlasswingModel } from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES, type CounterfactualPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { counterfactuals } from '../../../src/interventions'
import { expectClose, toy } from './toy'

const lg = toy.logistic
let model: GlasswingModel

beforeAll(async () => {
  const dense = tf.layers.dense({ name: 'score', units: 1, activation: 'sigmoid', inputShape: [4] })
  const net = tf.sequential({ layers: [dense] })
  tf.tidy(() => dense.setWeights([tf.tensor2d(lg.w.map((v) => [v])), tf.tensor1d([lg.b])]))
  model = await load(net)
})
afterAll(() => model.dispose())

describe('gw.counterfactuals', () => {
  it('the L2 search converges to the closed-form projection of a logistic model (1e-3, numpy)', () => {
    const x = tf.tensor1d(lg.x)
    const before = tf.memory().numTensors
    const cf = counterfactuals(model, x, {
      target: 1,
      probability: lg.target,
      distance: 'l2',
      sparse: false,
    })
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
    expect(cf.reason).toBeNull()
    expect(cf.counterfactuals).toHaveLength(1)
    expectClose(cf.counterfactuals[0]!, lg.counterfactual, 1e-3)
    expect(cf.validity).toBe(1)
  })

  it('immutable features stay, ranges hold, one-hot groups stay one-hot, a diverse set is reported', () => {
    const x = tf.tensor1d([-1, 0.5, 1, 0])
    const reference = tf.tensor2d([
      [-2, -1, 0, 0],
      [2, 1, 1, 1],
      [0, 0, 1, 0],
      [1, -1, 0, 1],
      [-1, 1, 0, 1],
    ])
    const cf = counterfactuals(model, x, {
      reference,
      immutable: [1],
      ranges: { 0: [-2, 2] },
      oneHotGroups: [[2, 3]],
      count: 4,
      seed: 2,
      iterations: 4,
      steps: 30,
      featureNames: ['a', 'b', 'c0', 'c1'],
    })
    tf.dispose([x, reference])
    expect(cf.counterfactuals.length).toBeGreaterThan(0)
    for (const row of cf.counterfactuals) {
      expect(row[1]).toBe(0.5)
      expect(row[0]).toBeGreaterThanOrEqual(-2)
      expect(row[0]).toBeLessThanOrEqual(2)
      expect(row[2]! + row[3]!).toBe(1)
      expect([0, 1]).toContain(row[2])
    }
    cf.probabilities.forEach((p) => expect(p).toBeGreaterThanOrEqual(0.5 - 1e-4))
    expect(
      Number.isFinite(cf.proximity) && Number.isFinite(cf.sparsity) && Number.isFinite(cf.diversity),
    ).toBe(true)
    expect(cf.toString()).toMatch(/validity/)
    expect(cf.toHTML()).toContain('(immutable)')
    // The view's payload: the same rows, names, immutable features and metrics; fallbacks kept.
    const bundle = cf[JUPYTER_DISPLAY]()
    expect(Object.keys(bundle)).toEqual(
      expect.arrayContaining([MIME_TYPES.counterfactual, 'text/plain', 'text/html', 'image/png']),
    )
    const checked = validatePayload('counterfactual', bundle[MIME_TYPES.counterfactual])
    expect(checked.ok).toBe(true)
    const payload = bundle[MIME_TYPES.counterfactual] as CounterfactualPayload
    expect(payload.modality).toBe('tabular')
    expect(payload.featureNames).toEqual(['a', 'b', 'c0', 'c1'])
    expect(payload.immutable).toEqual([1])
    expect(payload.counterfactuals.shape).toEqual([cf.counterfactuals.length, 4])
    expect(payload.validity).toBe(cf.validity)
    expect(payload.sparsity).toBe(cf.sparsity)
    expect(payload.probabilities).toEqual(cf.probabilities)
  })

  it('a set of several is diverse: distinct edits, not one edit found from every start', () => {
    // p = sigmoid(1.5 a - 2 b + 0.5 c + d - 0.25): any one feature alone can reach the target.
    const x = tf.tensor1d([-1, 0.5, 0.2, -0.3])
    const reference = tf.tensor2d([
      [-2, -1, -1, -1],
      [2, 1, 1, 1],
      [0, 0, 0, 0],
      [1, -1, 1, -1],
      [-1, 1, -1, 1],
    ])
    const before = tf.memory().numTensors
    const cf = counterfactuals(model, x, {
      reference,
      target: 1,
      count: 3,
      seed: 4,
      iterations: 4,
      steps: 30,
    })
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, reference])
    expect(cf.validity).toBe(1)
    cf.probabilities.forEach((p) => expect(p).toBeGreaterThanOrEqual(0.5 - 1e-4))
    const edits = cf.counterfactuals.map((_, k) => cf.changed(k).join('+'))
    expect(new Set(edits).size).toBeGreaterThan(1) // not the same edit three times
    expect(cf.diversity).toBeGreaterThan(0.1)
  })

  it('says why when the target is unreachable within the permitted ranges', () => {
    const x = tf.tensor1d([-1, 0.5, 0.2, -0.3])
    const cf = counterfactuals(model, x, {
      immutable: [1, 2, 3],
      ranges: { 0: [-1.2, -0.9] },
      target: 1,
      probability: 0.9,
      iterations: 3,
      steps: 20,
    })
    x.dispose()
    expect(cf.counterfactuals).toHaveLength(0)
    expect(cf.reason).toMatch(/unreachable within the permitted ranges/)
    const payload = cf.toPayload()
    expect(validatePayload('counterfactual', payload).ok).toBe(true)
    expect([payload.reason, payload.proximity, payload.counterfactuals.shape]).toEqual([
      cf.reason,
      null,
      [0, 4],
    ])
  })

  it('refuses bad input naming the fix', () => {
    const fails = (f: () => unknown, pattern: RegExp) => {
      let error: unknown
      try {
        f()
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(GlasswingError)
      expect((error as Error).message).toMatch(pattern)
    }
    const x = tf.tensor1d(lg.x)
    const two = tf.tensor2d([lg.x, lg.x])
    fails(() => counterfactuals(model, two), /x expected one example/)
    fails(() => counterfactuals(model, x, { distance: 'mad-l1' }), /options\.reference/)
    fails(
      () => counterfactuals(model, x, { immutable: [9] }),
      /options\.immutable expected feature indices in 0..3/,
    )
    fails(() => counterfactuals(model, x, { ranges: { 0: [1, 0] } }), /options\.ranges\[0\]/)
    fails(() => counterfactuals(model, x, { target: 4 }), /options\.target expected a class index in 0..1/)
    fails(() => counterfactuals(model, x, { oneHotGroups: [[1]] }), /oneHotGroups/)
    tf.dispose([x, two])
  })
})
