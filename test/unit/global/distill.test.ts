// gw.distill on the credit MLP: a real model, real data, fidelity measured against the model itself.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { predictTree } from '../../../src/global/distill/cart'
import { r2Score } from '../../../src/global/distill/fidelity'
import { fitGam, predictGam, shapeRanges } from '../../../src/global/distill/gam'
import { MIME_TYPES } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'

let model: gw.GlasswingModel
let credit: Awaited<ReturnType<typeof gw.datasets.creditG>>

beforeAll(async () => {
  model = await gw.load('notebooks/models/credit-mlp')
  credit = await gw.datasets.creditG({ split: 'train', limit: 300 })
})
afterAll(() => {
  credit.dispose()
  model.dispose()
})

describe('gw.distill', () => {
  it('fits a depth-3 tree whose rules reproduce its own predictions and reports fidelity', async () => {
    const before = tf.memory().numTensors
    const result = await gw.distill(model, credit, { maxDepth: 3, seed: 1 })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.fidelity.agreement).toBeGreaterThan(0.75)
    expect(result.fidelity.heldOutAgreement).toBeGreaterThan(0.6)
    expect(result.curve.map((p) => p.depth)).toEqual([1, 2, 3, 4, 5, 6])
    // Deeper trees fit the training rows at least as well.
    for (let i = 1; i < result.curve.length; i++)
      expect(result.curve[i]!.agreement).toBeGreaterThanOrEqual(result.curve[i - 1]!.agreement - 1e-12)
    expect(result.curve[2]!.agreement).toBeCloseTo(result.fidelity.agreement, 12)
    const rules = result.rules()
    expect(rules.length).toBeLessThanOrEqual(8)
    expect(rules.reduce((s, r) => s + r.samples, 0)).toBe(225)
    // Leaves cover all held-out rows.
    expect(result.fidelity.leaves.reduce((s, l) => s + l.coverage, 0)).toBeCloseTo(1, 12)
    expect(result.toText().split('\n')[0]).toMatch(/^if .* (<=|>) .* then (good|bad) \(/)
    const rulesForView = result.rules()
    const bundle = result[JUPYTER_DISPLAY]()
    expect(bundle['text/plain']).toContain('Distillation (tree, depth 3')
    expect(typeof bundle['image/png']).toBe('string')
    // The surrogate view's payload is valid, and a broken one is refused with its path.
    const payload = JSON.parse(JSON.stringify(bundle[MIME_TYPES.surrogate]))
    const validation = validatePayload('surrogate', payload)
    expect(validation.ok).toBe(true)
    expect(payload.nodes.filter((n: { feature: number }) => n.feature < 0)).toHaveLength(rulesForView.length)
    payload.nodes[0].left = 0
    const broken = validatePayload('surrogate', payload)
    expect(broken.ok ? [] : broken.errors).toEqual([
      'surrogate.nodes[0].left: expected a later node index, got 0',
    ])
    expect(result.toCSV().split('\n')).toHaveLength(7)
    expect(result.provenance.modelFingerprint).toBe(model.fingerprint)
    expect(JSON.parse(JSON.stringify(result.toJSON())).rules).toHaveLength(rules.length)
    // The rules are the tree: each row lands in the leaf whose conditions it meets.
    const x = credit.features.arraySync().map((r) => Float64Array.from(r))
    const leaves = predictTree(result.tree!, x)
    expect(leaves.classes.length).toBe(300)
  })

  it('fits a sparse linear surrogate with R^2 and compares importance ranks with an attribution', async () => {
    const attribution = await gw.explain(model, credit.features, { method: 'input-x-gradient', target: 0 })
    const values = attribution.values
    const d = credit.featureNames.length
    const importance = new Array<number>(d).fill(0)
    for (let i = 0; i < values.length; i++) importance[i % d]! += Math.abs(values[i]!)
    const before = tf.memory().numTensors
    const result = await gw.distill(model, credit, {
      surrogate: 'linear',
      alpha: 0.002,
      attributionImportance: importance,
      samplesNear: 200,
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.fidelity.r2).toBeGreaterThan(0.5)
    expect(result.fidelity.importanceRankAgreement).toBeGreaterThan(0.2)
    expect(result.linear![0]!.weights.filter((w) => w === 0).length).toBeGreaterThan(5)
    expect(result.toText()).toMatch(/^p\(good\) = /)
  })

  it('refuses a surrogate with no data, and bad options, naming the argument', async () => {
    await expect(gw.distill(model, undefined as never)).rejects.toThrow(
      /gw.distill: data expected rows to fit on/,
    )
    await expect(gw.distill(model, tf.zeros([0, 63]) as tf.Tensor2D)).rejects.toThrow(/data expected rows/)
    await expect(gw.distill(model, credit, { maxDepth: 0 })).rejects.toThrow(
      /options.maxDepth expected an integer from 1 to 20, got 0/,
    )
    await expect(gw.distill({} as never, credit)).rejects.toThrow(
      /gw.distill: model expected a model from gw.load/,
    )
  })
})

describe('binned GAM surrogate', () => {
  it('recovers an additive step function exactly enough (R^2 > 0.99) and ranks the features by shape range', async () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      Float64Array.of((i * 37) % 100, (i * 11) % 7, (i * 53) % 13),
    )
    const y = rows.map((r) => (r[0]! > 50 ? 1 : 0) + 0.3 * r[1]!)
    const gam = fitGam(rows, y, { bins: 16, rounds: 30, learningRate: 0.5 })
    const prediction = predictGam(gam, rows)
    expect(
      r2Score(
        y.map((v) => Float64Array.of(v)),
        Array.from(prediction, (v: number) => Float64Array.of(v)),
      ),
    ).toBeGreaterThan(0.99)
    const ranges = shapeRanges(gam)
    expect(ranges[1]!).toBeGreaterThan(ranges[0]!) // 0.3 * 6 = 1.8 > 1
    expect(ranges[2]!).toBeLessThan(0.05)
  })

  it('distils the credit MLP into shape functions with R^2 and a readable text', async () => {
    const before = tf.memory().numTensors
    const result = await gw.distill(model, credit, { surrogate: 'gam', seed: 1 })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.fidelity.r2).toBeGreaterThan(0.4)
    expect(result.fidelity.heldOutAgreement).toBeGreaterThan(0.6)
    expect(result.gam).toHaveLength(2)
    expect(result.toText()).toMatch(/^p\(good\) = [\d.]+ \+ f\(/)
    expect(
      validatePayload(
        'surrogate',
        JSON.parse(JSON.stringify(result[JUPYTER_DISPLAY]()[MIME_TYPES.surrogate])),
      ).ok,
    ).toBe(true)
  })
})
