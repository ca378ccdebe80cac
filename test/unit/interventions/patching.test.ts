import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, type GlasswingModel } from '../../../src'
import { patch, trace } from '../../../src/interventions'
import { expectClose, toy, toyMlp } from './toy'

const m = toy.mlp
let model: GlasswingModel
let clean: tf.Tensor2D
let corrupt: tf.Tensor2D

beforeAll(async () => {
  model = await toyMlp()
  clean = tf.tensor2d(m.clean as number[][])
  corrupt = tf.tensor2d(m.corrupt as number[][])
})
afterAll(() => {
  tf.dispose([clean, corrupt])
  model.dispose()
})

const transpose = (a: number[][]) => a[0]!.map((_, j) => a.map((row) => row[j]!))

describe('gw.patch on the closed-form toy MLP (target class 0, foil 1)', () => {
  it('per-unit normalised recovery equals numpy, per pair in perItem', () => {
    const before = tf.memory().numTensors
    const sweep = patch(model, { clean, corrupt }, { layers: ['hidden'], target: 0, foil: 1 })
    expect(tf.memory().numTensors).toBe(before)
    expect(sweep.columns).toEqual(['unit 0', 'unit 1', 'unit 2', 'unit 3'])
    const recovery = m.recovery as number[][] // [unit, pair]
    expectClose(sweep.perItem[0]!.flat(), recovery.flat())
    expectClose(
      sweep.values[0]!,
      recovery.map((pairs) => (pairs[0]! + pairs[1]!) / 2),
    )
    expect(sweep.passes).toBe(1)
    expect(sweep.toCSV().split('\n')).toHaveLength(5)
  })

  it('attribution patching equals real patching when the readout after the ReLU is linear (numpy)', () => {
    const estimate = patch(
      model,
      { clean, corrupt },
      { layers: ['hidden'], target: 0, foil: 1, method: 'attribution', metric: 'logit-diff', confirm: 2 },
    )
    const real = patch(
      model,
      { clean, corrupt },
      { layers: ['hidden'], target: 0, foil: 1, metric: 'logit-diff' },
    )
    expectClose(estimate.values[0]!, real.values[0]!, 1e-4)
    // The change itself, per unit and pair, against numpy's gradient x activation difference.
    const corruptDiff = (m.logitsCorrupt as number[][]).map((z) => z[0]! - z[1]!)
    const attribution = m.attributionPatching as number[][]
    expectClose(
      estimate.values[0]!,
      attribution.map((pairs) => (pairs[0]! + corruptDiff[0]! + pairs[1]! + corruptDiff[1]!) / 2),
      1e-4,
    )
    expectClose((m.patchEffect as number[][]).flat(), attribution.flat(), 1e-9)
    expect(estimate.confirmed).toHaveLength(2)
    const rec = patch(
      model,
      { clean, corrupt },
      { layers: ['hidden'], target: 0, foil: 1, method: 'attribution' },
    )
    expectClose(
      rec.values[0]!,
      (m.recovery as number[][]).map((p) => (p[0]! + p[1]!) / 2),
      1e-4,
    )
    void transpose
  })

  it('probability and KL metrics; noising direction; causal tracing is seeded and leaves no tensor', () => {
    const before = tf.memory().numTensors
    const p = patch(
      model,
      { clean, corrupt },
      { layers: ['hidden'], target: 0, foil: 1, metric: 'probability' },
    )
    const z = (m.denoiseLogits as number[][][])[1]![0]!
    expect(p.perItem[0]![1]![0]).toBeCloseTo(1 / (1 + Math.exp(z[1]! - z[0]!)), 5)
    const kl = patch(model, { clean, corrupt }, { layers: ['hidden'], metric: 'kl' })
    expect(kl.values[0]!.every((v) => v >= 0)).toBe(true)
    const noise = patch(
      model,
      { clean, corrupt },
      { layers: ['hidden'], target: 0, foil: 1, metric: 'logit-diff', direction: 'noise' },
    )
    expectClose(
      noise.perItem[0]!.flat(),
      (m.noiseLogits as number[][][]).flatMap((pairs) => pairs.map((zz) => zz[0]! - zz[1]!)),
    )
    const a = trace(model, clean, { layers: ['hidden'], seed: 1 })
    const b = trace(model, clean, { layers: ['hidden'], seed: 1 })
    expect(a.toArray()).toEqual(b.toArray())
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuses bad input with a GlasswingError that names the fix', () => {
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
    fails(() => patch(model, { clean, corrupt }, { layers: ['hiddn'] }), /options\.layers\[0\].*hidden/)
    fails(() => patch(model, { clean, corrupt }, { layers: [] }), /options\.layers expected a non-empty list/)
    const short = corrupt.slice([0], [1])
    fails(
      () => patch(model, { clean, corrupt: short }, { layers: ['hidden'] }),
      /pair\.corrupt expected the clean inputs' shape/,
    )
    short.dispose()
    fails(
      () => patch(model, { clean, corrupt }, { layers: ['hidden'], over: 'cells' }),
      /'cells' on conv layers/,
    )
    fails(
      () => patch(model, { clean, corrupt }, { layers: ['hidden'], target: 5 }),
      /options\.target expected class indices in 0..1/,
    )
    fails(
      () => patch(model, { clean, corrupt }, { layers: ['hidden'], metric: 'kl', method: 'attribution' }),
      /'logit-diff' or 'recovery'/,
    )
    fails(() => trace(model, clean, { layers: ['hidden'], noise: -1 }), /options\.noise/)
  })
})
