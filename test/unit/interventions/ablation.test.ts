import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, type GlasswingModel } from '../../../src'
import { ablate, flipSet } from '../../../src/interventions'
import { toy, toyMlp } from './toy'

const m = toy.mlp
let model: GlasswingModel
let inputs: tf.Tensor2D
const labels = [0, 1]

beforeAll(async () => {
  model = await toyMlp()
  inputs = tf.tensor2d(m.clean as number[][])
})
afterAll(() => {
  inputs.dispose()
  model.dispose()
})

const argmax = (row: number[]) => (row[1]! > row[0]! ? 1 : 0)

describe('gw.ablate on the closed-form toy MLP', () => {
  it('zero ablation: accuracy, per-class accuracy and true-logit change per unit match numpy', () => {
    const before = tf.memory().numTensors
    const study = ablate(model, { inputs, labels }, { layer: 'hidden' })
    expect(tf.memory().numTensors).toBe(before)
    const clean = m.logitsClean as number[][]
    const base = clean.map(argmax)
    expect(study.baselineAccuracy).toBe(base.filter((p, i) => p === labels[i]).length / 2)
    const zero = m.zeroLogits as number[][][]
    zero.forEach((pairs, u) => {
      const acc = pairs.map(argmax).filter((p, i) => p === labels[i]).length / 2
      expect(study.accuracyChange[u]).toBeCloseTo(acc - study.baselineAccuracy, 9)
      const logit = (pairs[0]![0]! + pairs[1]![1]! - clean[0]![0]! - clean[1]![1]!) / 2
      expect(study.targetLogitChange[u]).toBeCloseTo(logit, 5)
      pairs.forEach((z, i) => {
        const classDelta = (argmax(z) === labels[i] ? 1 : 0) - (base[i] === labels[i] ? 1 : 0)
        expect(study.classChange[u]![labels[i]!]).toBeCloseTo(classDelta, 9)
      })
    })
    expect(study.toCSV().split('\n')).toHaveLength(5)
    expect(study.toArray()[0]).toHaveLength(4)
  })

  it('mean ablation matches numpy; a pathway across two layers ablates both in one chained pass', () => {
    const reference = tf.tensor2d(m.reference as number[][])
    const study = ablate(model, { inputs, labels }, { layer: 'hidden', mode: 'mean', reference })
    reference.dispose()
    const clean = m.logitsClean as number[][]
    const meanLogits = m.meanLogits as number[][][]
    meanLogits.forEach((pairs, u) =>
      expect(study.targetLogitChange[u]).toBeCloseTo(
        (pairs[0]![0]! + pairs[1]![1]! - clean[0]![0]! - clean[1]![1]!) / 2,
        5,
      ),
    )
    const before = tf.memory().numTensors
    const path = ablate(
      model,
      { inputs, labels },
      {
        pathways: {
          across: [
            { layer: 'hidden', units: [1] },
            { layer: 'logits', units: [0] },
          ],
          single: [{ layer: 'hidden', units: [1] }],
        },
      },
    )
    expect(tf.memory().numTensors).toBe(before)
    const zero1 = (m.zeroLogits as number[][][])[1]!
    // 'across': logit 0 zeroed after hidden unit 1: the true logits are 0 (pair 0) and zero1[1][1] (pair 1).
    expect(path.targetLogitChange[0]).toBeCloseTo((0 + zero1[1]![1]! - clean[0]![0]! - clean[1]![1]!) / 2, 5)
    expect(path.targetLogitChange[1]).toBeCloseTo(
      (zero1[0]![0]! + zero1[1]![1]! - clean[0]![0]! - clean[1]![1]!) / 2,
      5,
    )
  })

  it('the greedy flip search finds units whose ablation flips a class', () => {
    const x = tf.tensor2d([
      [1, 0.5, 0.25],
      [1.2, 0.4, 0.2],
      [0.9, 0.6, 0.3],
    ])
    const flip = flipSet(model, { inputs: x, labels: [0, 0, 0] }, { layer: 'hidden', target: 0 })
    x.dispose()
    expect(flip.flipped).toBe(true)
    expect(flip.units.length).toBeGreaterThan(0)
    expect(flip.accuracy).toBeLessThan(0.5)
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
    fails(() => ablate(model, { inputs, labels }, { layer: 'hiden' }), /options\.layer.*hidden/)
    fails(
      () => ablate(model, { inputs, labels }, { layer: 'hidden', units: [] }),
      /options\.units expected a non-empty list/,
    )
    fails(
      () => ablate(model, { inputs, labels: [0] }, { layer: 'hidden' }),
      /data\.labels expected 2 integer class labels/,
    )
    fails(
      () => ablate(model, { inputs, labels }, { layer: 'hidden', mode: 'drop' as 'zero' }),
      /options\.mode/,
    )
    fails(
      () => ablate(model, { inputs, labels }, {}),
      /options\.layer \(units one by one\) or options\.pathways/,
    )
    fails(
      () => ablate(model, { inputs, labels }, { pathways: { p: [{ layer: 'hidden', units: [7] }] } }),
      /indices in 0..3/,
    )
    fails(() => flipSet(model, { inputs, labels }, { layer: 'hidden', target: 5 }), /options\.target/)
  })
})
