import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, load, type GlasswingModel } from '../../../src'
import { cellMask, runPatches, type PatchVariant } from '../../../src/interventions'
import { expectClose, toy, toyMlp } from './toy'

const m = toy.mlp
let model: GlasswingModel
let clean: tf.Tensor2D
let corrupt: tf.Tensor2D
let reference: tf.Tensor2D
const units = [0, 1, 2, 3]

beforeAll(async () => {
  model = await toyMlp()
  clean = tf.tensor2d(m.clean as number[][])
  corrupt = tf.tensor2d(m.corrupt as number[][])
  reference = tf.tensor2d(m.reference as number[][])
})
afterAll(() => {
  tf.dispose([clean, corrupt, reference])
  model.dispose()
})

const unitVariants = (extra: Partial<PatchVariant> = {}): PatchVariant[] =>
  units.map((u) => ({ layer: 'hidden', where: { units: [u] }, ...extra }))

describe('runPatches on the closed-form toy MLP', () => {
  it('denoising patches restore each unit from the clean run (numpy logits), in one batched pass', () => {
    const before = tf.memory().numTensors
    const run = runPatches(model, unitVariants(), { clean, corrupt })
    expect(tf.memory().numTensors).toBe(before)
    expect(run.passes).toBe(1)
    expectClose(run.clean!, (m.logitsClean as number[][]).flat())
    expectClose(run.corrupt!, (m.logitsCorrupt as number[][]).flat())
    expectClose(run.values, (m.denoiseLogits as number[][][]).flat(2))
  })

  it('noising patches and bounded chunks (one variant-row per pass) give the same numbers', () => {
    const run = runPatches(model, unitVariants(), { clean, corrupt, direction: 'noise' }, { maxElements: 4 })
    expect(run.passes).toBe(4) // one variant (2 examples x 4 units = 8 elements > 4) per pass
    expectClose(run.values, (m.noiseLogits as number[][][]).flat(2))
    const small = runPatches(model, unitVariants(), { clean, corrupt, direction: 'noise' }, { batchSize: 1 })
    expectClose(small.values, run.values)
  })

  it('zero and mean ablation (mean over the reference set) match numpy', () => {
    const zero = runPatches(model, unitVariants(), { inputs: clean })
    expectClose(zero.values, (m.zeroLogits as number[][][]).flat(2))
    expectClose(zero.baseline, (m.logitsClean as number[][]).flat())
    const mean = runPatches(model, unitVariants({ source: 'mean' }), { inputs: clean }, { reference })
    expectClose(mean.values, (m.meanLogits as number[][][]).flat(2))
  })

  it('resample takes the activation of a seeded reference row; constants and tensors patch in', () => {
    const a = runPatches(
      model,
      unitVariants({ source: 'resample' }),
      { inputs: clean },
      { reference, seed: 3 },
    )
    const b = runPatches(
      model,
      unitVariants({ source: 'resample' }),
      { inputs: clean },
      { reference, seed: 3 },
    )
    expectClose(a.values, b.values)
    const whole = runPatches(model, [{ layer: 'hidden', source: 0 }], { inputs: clean })
    const b2 = m.b2 as number[]
    expectClose(whole.values, [b2, b2].flat())
    const given = tf.tensor1d([1, 0, 0, 0])
    const t = runPatches(model, [{ layer: 'hidden', source: given }], { inputs: clean })
    given.dispose()
    const w2 = m.W2 as number[][]
    expectClose(t.values, [
      w2[0]![0]! + b2[0]!,
      w2[0]![1]! + b2[1]!,
      w2[0]![0]! + b2[0]!,
      w2[0]![1]! + b2[1]!,
    ])
  })

  it('patches positions of sequence activations and spatial cells of conv activations', async () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.dense({
          name: 'proj',
          units: 2,
          inputShape: [3, 2],
          useBias: false,
          kernelInitializer: 'identity',
        }),
        tf.layers.flatten({ name: 'flat' }),
      ],
    })
    const seqModel = await load(seq)
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ])
    const run = runPatches(
      seqModel,
      [
        { layer: 'proj', where: { positions: [1] } },
        { layer: 'proj', where: { positions: [0, 2], units: [1] } },
      ],
      { inputs: x },
    )
    expectClose(run.values, [1, 2, 0, 0, 5, 6, 1, 0, 3, 4, 5, 0])
    x.dispose()
    seqModel.dispose()
    const conv = tf.sequential({
      layers: [
        tf.layers.conv2d({
          name: 'c',
          filters: 2,
          kernelSize: 1,
          inputShape: [2, 2, 1],
          useBias: false,
          kernelInitializer: 'ones',
        }),
        tf.layers.flatten({ name: 'f' }),
      ],
    })
    const convModel = await load(conv)
    const img = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])
    const c = runPatches(
      convModel,
      [{ layer: 'c', where: { spatial: cellMask(2, 2, 1, 0), channels: [0] } }],
      { inputs: img },
    )
    expectClose(c.values, [1, 1, 2, 2, 0, 3, 4, 4])
    img.dispose()
    convModel.dispose()
  })

  it('refuses unknown layers, empty selections, mismatched pairs and bad sources, naming the fix', () => {
    const before = tf.memory().numTensors
    const fails = (f: () => unknown, pattern: RegExp) => {
      try {
        f()
      } catch (error) {
        expect(error).toBeInstanceOf(GlasswingError)
        expect((error as Error).message).toMatch(pattern)
        return
      }
      throw new Error('did not throw')
    }
    fails(() => runPatches(model, [{ layer: 'hiden' }], { inputs: clean }), /variants\[0\]\.layer.*hidden/)
    fails(
      () => runPatches(model, [{ layer: 'hidden', where: { units: [] } }], { inputs: clean }),
      /units expected a non-empty list/,
    )
    fails(
      () => runPatches(model, [{ layer: 'hidden', where: { units: [9] } }], { inputs: clean }),
      /indices in 0..3/,
    )
    fails(
      () => runPatches(model, [{ layer: 'hidden', where: { spatial: [[1]] } }], { inputs: clean }),
      /spatial expected a conv layer/,
    )
    fails(
      () => runPatches(model, [{ layer: 'hidden', where: { positions: [0] } }], { inputs: clean }),
      /positions axis/,
    )
    fails(() => runPatches(model, [], { inputs: clean }), /variants expected a non-empty list/)
    const short = corrupt.slice([0], [1])
    fails(
      () => runPatches(model, unitVariants(), { clean, corrupt: short }),
      /corrupt expected the clean inputs' shape/,
    )
    short.dispose()
    fails(
      () => runPatches(model, [{ layer: 'hidden', source: 'clean' }], { inputs: clean }),
      /no clean\/corrupted pair/,
    )
    fails(
      () => runPatches(model, [{ layer: 'hidden', source: 'zeros' as 'zero' }], { inputs: clean }),
      /one of 'zero'/,
    )
    fails(
      () => runPatches(model, [{ layer: 'hidden', where: { mask: [1, 1] } }], { inputs: clean }),
      /broadcastable/,
    )
    expect(tf.memory().numTensors).toBe(before)
  })
})
