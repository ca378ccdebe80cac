// gw.distill's rule lists: a planted rule list recovered from labels and from a model built to follow it.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../../src'
import { seededRandom } from '../../../src/data/random'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import {
  cutPoints,
  fitRuleList,
  predictRuleList,
  ruleListText,
  truncateRuleList,
} from '../../../src/global/distill/rule-list'

// The planted list: if x0 > 0.7 and x1 <= 0.3 then A, else if x2 <= 0.2 then B, else C (x3 is noise).
const PLANTED: Record<string, number> = { x0: 0.7, x1: 0.3, x2: 0.2 }
const planted = (r: ArrayLike<number>): number => (r[0]! > 0.7 && r[1]! <= 0.3 ? 0 : r[2]! <= 0.2 ? 1 : 2)

function uniformRows(n: number, seed: number): Float64Array[] {
  const random = seededRandom(seed)
  return Array.from({ length: n }, () => Float64Array.from({ length: 4 }, () => random()))
}

/** A two-layer network that follows the planted list: steep sigmoids for the conditions, logits that rank the rules. */
function plantedModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [4], activation: 'sigmoid' }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  })
  model.layers[0]!.setWeights([
    tf.tensor2d(
      [
        [200, 0, 0],
        [0, -200, 0],
        [0, 0, -200],
        [0, 0, 0],
      ],
      [4, 3],
    ),
    tf.tensor1d([-140, 60, 40]),
  ])
  model.layers[1]!.setWeights([
    tf.tensor2d(
      [
        [10, 0, 0],
        [10, 0, 0],
        [0, 4, 0],
      ],
      [3, 3],
    ),
    tf.tensor1d([-15, -2, 0]),
  ])
  return model
}

describe('rule lists', () => {
  it('cuts few-valued columns between values and others at quantiles', () => {
    expect(cutPoints(Float64Array.of(0, 1, 0, 1), 16)).toEqual([0.5])
    const cuts = cutPoints(
      Float64Array.from({ length: 100 }, (_, i) => i),
      4,
    )
    expect(cuts).toEqual([25.5, 50.5, 75.5])
  })

  it('recovers a planted rule list from its labels: every row right, conditions on the planted features only', () => {
    const x = uniformRows(1500, 3)
    const classes = Int32Array.from(x, planted)
    const rules = fitRuleList(x, classes, 3, ['x0', 'x1', 'x2', 'x3'], ['A', 'B', 'C'], {
      maxRules: 8,
      maxConditions: 2,
      bins: 32,
      cost: 0.005,
    })
    const heldOut = uniformRows(1000, 4)
    const truth = Int32Array.from(heldOut, planted)
    const predicted = predictRuleList(rules, heldOut).classes
    const agree = truth.filter((t, i) => t === predicted[i]).length / truth.length
    expect(agree).toBeGreaterThan(0.97)
    expect(predictRuleList(rules, x).classes.filter((c, i) => c !== classes[i]).length).toBeLessThan(30)
    // In the planted order: A on x0 and x1, then B on x2, else C.
    expect(rules.map((r) => [r.label, r.conditions.map((c) => `${c.feature} ${c.operator}`).sort()])).toEqual(
      [
        ['A', ['x0 >', 'x1 <=']],
        ['B', ['x2 <=']],
        ['C', []],
      ],
    )
    for (const rule of rules)
      for (const c of rule.conditions) expect(Math.abs(c.threshold - PLANTED[c.feature]!)).toBeLessThan(0.02)
    // Training rows split among the rules, each once.
    expect(rules.reduce((s, r) => s + r.samples, 0)).toBe(1500)
    const text = ruleListText(rules).split('\n')
    expect(text[0]).toMatch(/^if x\d (<=|>) 0\.\d+( and x\d (<=|>) 0\.\d+)? then [ABC] \(\d\.\d\d of \d+\)$/)
    expect(text.at(-1)).toMatch(/^else [ABC] \(/)
    // Cut after no rule, the list is the training majority.
    const empty = truncateRuleList(rules, 0, { x, classes }, 3, ['A', 'B', 'C'])
    expect(empty).toHaveLength(1)
    expect(empty[0]!.label).toBe('C')
  })

  it('stops at the default when no rule gains more than its cost', () => {
    const x = uniformRows(400, 5)
    const classes = Int32Array.from(x, () => 0)
    const rules = fitRuleList(x, classes, 2, ['a', 'b', 'c', 'd'], ['yes', 'no'], {
      maxRules: 8,
      maxConditions: 2,
      bins: 16,
      cost: 0.005,
    })
    expect(rules).toHaveLength(1)
    expect(ruleListText(rules)).toBe('always yes (1.00 of 400)')
  })
})

describe("gw.distill(model, data, { surrogate: 'rules' })", () => {
  let model: tf.LayersModel
  let data: tf.Tensor2D
  beforeAll(() => {
    model = plantedModel()
    const rows = uniformRows(1600, 11)
    data = tf.tensor2d(
      rows.map((r) => Array.from(r)),
      [1600, 4],
    )
  })
  afterAll(() => {
    data.dispose()
    model.dispose()
  })

  it('recovers the rule list a model was built to follow, with per-rule coverage and precision, JSON and text', async () => {
    const before = tf.memory().numTensors
    const result = await gw.distill(
      model,
      { features: data, featureNames: ['x0', 'x1', 'x2', 'x3'], classNames: ['A', 'B', 'C'] },
      { surrogate: 'rules', bins: 32, seed: 2 },
    )
    expect(tf.memory().numTensors).toBe(before)
    const rules = result.ruleList!
    expect(rules.map((r) => [r.label, r.conditions.map((c) => `${c.feature} ${c.operator}`).sort()])).toEqual(
      [
        ['A', ['x0 >', 'x1 <=']],
        ['B', ['x2 <=']],
        ['C', []],
      ],
    )
    for (const rule of rules)
      for (const c of rule.conditions) expect(Math.abs(c.threshold - PLANTED[c.feature]!)).toBeLessThan(0.02)
    expect(result.fidelity.agreement).toBeGreaterThan(0.97)
    expect(result.fidelity.heldOutAgreement).toBeGreaterThan(0.96)
    expect(result.fidelity.r2).toBeGreaterThan(0.85)
    // Per rule, on the 400 held-out rows: coverages sum to 1, every rule mostly right.
    expect(result.fidelity.rules).toHaveLength(rules.length)
    expect(result.fidelity.rules.reduce((s, r) => s + r.coverage, 0)).toBeCloseTo(1, 12)
    for (const r of result.fidelity.rules) if (r.coverage > 0.02) expect(r.precision).toBeGreaterThan(0.9)
    // The curve: agreement by rules before the default, from the majority alone to the whole list.
    expect(result.curve.map((p) => p.depth)).toEqual(rules.map((_, i) => i))
    expect(result.curve.at(-1)!.agreement).toBeCloseTo(result.fidelity.agreement, 12)
    expect(result.curve[0]!.agreement).toBeLessThan(0.8)
    // Importance on the planted features only.
    expect(result.importance[3]).toBe(0)
    const json = JSON.parse(JSON.stringify(result.toJSON()))
    expect(json.surrogate).toBe('rules')
    expect(json.ruleList).toHaveLength(rules.length)
    expect(json.ruleList[0].conditions[0]).toEqual(
      expect.objectContaining({ feature: expect.stringMatching(/^x[012]$/), operator: expect.any(String) }),
    )
    const text = result.toString()
    expect(text).toMatch(/^Distillation \(rules, \d rules? and a default\): agreement (9\d|100)\.\d %/)
    expect(text).toContain('fidelity by rules (agreement / held out):')
    expect(result.toText().split('\n')[0]).toMatch(/^if x[012] /)
    // The view's payload: the ordered rules with coverage and precision, valid.
    const bundle = result[JUPYTER_DISPLAY]()
    const payload = JSON.parse(JSON.stringify(bundle[MIME_TYPES.surrogate]))
    expect(validatePayload('surrogate', payload).ok).toBe(true)
    expect(payload.surrogate).toBe('rules')
    expect(payload.chosenDepth).toBe(rules.length - 1)
    expect(payload.rules).toHaveLength(rules.length)
    expect(payload.rules.at(-1).conditions).toEqual([])
    payload.rules[0].conditions[0].feature = 9
    const broken = validatePayload('surrogate', payload)
    expect(broken.ok ? [] : broken.errors).toEqual([
      'surrogate.rules[0].conditions[0].feature: expected a feature index, got 9',
    ])
  })

  it('refuses bad rule-list options, naming the argument', async () => {
    await expect(gw.distill(model, data, { surrogate: 'rules', maxRules: 0 })).rejects.toThrow(
      /options.maxRules expected an integer from 1 to 100, got 0/,
    )
    await expect(gw.distill(model, data, { surrogate: 'rules', ruleCost: -1 })).rejects.toThrow(
      /options.ruleCost expected a share in \[0, 1\)/,
    )
    await expect(gw.distill(model, data, { surrogate: 'rule' as never })).rejects.toThrow(
      /options.surrogate expected 'tree', 'rules', 'linear' or 'gam'/,
    )
  })
})

describe('a rule list of the credit MLP', () => {
  it('reads as if-then-else text over its features and follows the model at least as well as a depth-2 tree', async () => {
    const model = await gw.load('notebooks/models/credit-mlp')
    const credit = await gw.datasets.creditG({ split: 'train', limit: 300 })
    try {
      const before = tf.memory().numTensors
      const rules = await gw.distill(model, credit, { surrogate: 'rules', seed: 1 })
      const tree = await gw.distill(model, credit, { maxDepth: 2, seed: 1 })
      expect(tf.memory().numTensors).toBe(before)
      expect(rules.fidelity.agreement).toBeGreaterThanOrEqual(tree.fidelity.agreement)
      expect(rules.ruleList!.length).toBeGreaterThan(1)
      expect(rules.toText()).toMatch(/^if .+ then (good|bad) \(\d\.\d\d of \d+\)\n/)
      expect(rules.toText().split('\n').at(-1)).toMatch(/^else (good|bad) /)
    } finally {
      credit.dispose()
      model.dispose()
    }
  })
})
