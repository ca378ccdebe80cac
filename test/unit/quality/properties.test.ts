// Closed-form and property checks of the quality metrics that have no reference implementation to match.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES, type MatrixPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { compare, createRandom, explain } from '../../../src/attribution'
import { load, type GlasswingModel } from '../../../src/model'
import {
  evaluate,
  randomisationTest,
  QualityTable,
  METRIC_NAMES as QUALITY_METRIC_NAMES,
} from '../../../src/quality'
import * as pure from '../../../src/quality/pure'
import { expectNoLeak, tinyCnn } from '../model/helpers'
import { attributionOf } from './fixture'

const W = [
  [1, -2, 0.5],
  [0, 3, -1],
  [2, 0, 0.25],
  [-1, 1, 1],
  [0.25, -0.5, 2],
  [4, 0, -3],
]
const B = [0.1, -0.2, 0.3]

function linear(): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ name: 'linear', inputShape: [6], units: 3 })] })
  const [k, b] = [tf.tensor2d(W), tf.tensor1d(B)]
  model.layers[0]!.setWeights([k, b])
  tf.dispose([k, b])
  return model
}

describe('quality metrics: closed forms and properties', () => {
  let model: GlasswingModel
  const x = Float32Array.from([0.5, 1, -1, 2, 0.3, -0.7, 1, 1, 1, 1, 1, 1])
  const targets = [0, 1]
  const shapley = (): Float32Array =>
    Float32Array.from(x, (v, i) => v * W[i % 6]![targets[Math.floor(i / 6)]!]!)
  beforeAll(async () => {
    model = await load(linear(), { warmup: false })
  })
  afterAll(() => model.dispose())

  it('deletion with a zero baseline on a linear model follows the closed form b + sum of the kept w_i x_i', async () => {
    const a = shapley()
    const q = await expectNoLeak(() =>
      evaluate(model, attributionOf(x, a, [2, 6], targets), {
        metrics: ['deletion', 'insertion'],
        settings: { deletion: { perStep: 1 }, insertion: { perStep: 1 } },
      }),
    )
    targets.forEach((t, r) => {
      const row = a.subarray(r * 6, r * 6 + 6)
      const order = pure.descendingOrder(row)
      const expected = [B[t]! + row.reduce((s, v) => s + v, 0)]
      let kept = expected[0]!
      for (const i of order) expected.push((kept -= row[i]!))
      q.data.curves['deletion']![r]!.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5))
      expect(q.values('deletion')[r]).toBeCloseTo(pure.normalisedAuc(expected), 5)
      // insertion starts from the baseline's score b and ends at f(x)
      expect(q.data.curves['insertion']![r]![0]).toBeCloseTo(B[t]!, 5)
      expect(q.data.curves['insertion']![r]![6]).toBeCloseTo(expected[0]!, 5)
    })
  })

  it('deletion AUC of the exact Shapley values of a linear model is the minimum over orderings', async () => {
    const best = (
      await evaluate(model, attributionOf(x, shapley(), [2, 6], targets), {
        metrics: ['deletion'],
        settings: { deletion: { perStep: 1 } },
      })
    ).values('deletion')
    const random = createRandom(3)
    for (let trial = 0; trial < 30; trial++) {
      const other = random.uniforms(12, -1, 1)
      const auc = (
        await evaluate(model, attributionOf(x, other, [2, 6], targets), {
          metrics: ['deletion'],
          settings: { deletion: { perStep: 1 } },
        })
      ).values('deletion')
      auc.forEach((v, r) => expect(v).toBeGreaterThanOrEqual(best[r]! - 1e-6))
    }
  })

  it('faithfulness correlation is 1 for exact contributions, infidelity 0 for the gradient of a linear model', async () => {
    const q = await evaluate(model, attributionOf(x, shapley(), [2, 6], targets), {
      metrics: ['faithfulness-correlation'],
      settings: { 'faithfulness-correlation': { subsetSize: 2, runs: 20 } },
    })
    q.values('faithfulness-correlation').forEach((v) => expect(v).toBeCloseTo(1, 6))
    const gradient = Float32Array.from({ length: 12 }, (_, i) => W[i % 6]![targets[Math.floor(i / 6)]!]!)
    for (const normalize of [false, true]) {
      const g = await evaluate(model, attributionOf(x, gradient, [2, 6], targets), {
        metrics: ['infidelity'],
        settings: { infidelity: { normalize } },
      })
      g.values('infidelity').forEach((v) => expect(v).toBeLessThan(1e-9))
    }
    // and a wrong attribution is not faithful (a sign flip alone is what normalize's beta forgives)
    const wrong = await evaluate(model, attributionOf(x, shapley().reverse(), [2, 6], targets), {
      metrics: ['infidelity'],
    })
    wrong.values('infidelity').forEach((v) => expect(v).toBeGreaterThan(0.01))
  })

  it('the randomisation test of a model-independent explanation (the input itself) gives similarity 1 at every stage', async () => {
    const cnn = await load(tinyCnn(), { warmup: false })
    const inputs = [
      Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)),
      Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.3)),
    ]
    const before = tf.tidy(() =>
      cnn.predict(tf.ones([1, ...(cnn.inputShape.slice(1) as number[])])).dataSync(),
    )
    for (const order of ['cascading', 'independent', 'bottom-up'] as const) {
      const stages = await pure.parameterRandomisation(
        cnn,
        async () => inputs.map((v) => v.slice()),
        inputs,
        pure.spearman,
        { order, seed: 1, where: 'test' },
      )
      expect(stages.length).toBe(pure.randomisableLayers(cnn, 'test').length)
      for (const stage of stages) stage.similarity.forEach((v) => expect(v).toBeCloseTo(1, 12))
      if (order === 'cascading') expect(stages.at(-1)!.randomised.length).toBe(stages.length)
    }
    const after = tf.tidy(() =>
      cnn.predict(tf.ones([1, ...(cnn.inputShape.slice(1) as number[])])).dataSync(),
    )
    expect(Array.from(after)).toEqual(Array.from(before))
    cnn.dispose()
  })

  it('input x gradient fails the cascade less than 1 once the weights go, and the weights come back', async () => {
    const cnn = await load(tinyCnn(), { warmup: false })
    const shape = cnn.inputShape.slice(1) as number[]
    const images = tf.randomUniform([3, ...shape], 0, 1, 'float32', 5)
    const a = await explain(cnn, images, { method: 'input-x-gradient' })
    const before = tf.tidy(() => cnn.predict(images).dataSync())
    const test = await expectNoLeak(() =>
      randomisationTest(cnn, a, { order: 'cascading', similarity: 'spearman' }),
    )
    expect(test.layers.length).toBeGreaterThan(1)
    expect(test.similarity.at(-1)!).toBeLessThan(0.9)
    expect(test.toCSV().split('\n')[0]).toMatch(/^stage,layer/)
    const after = tf.tidy(() => cnn.predict(images).dataSync())
    expect(Array.from(after)).toEqual(Array.from(before))
    for (const similarity of ['ssim', 'hog'] as const) {
      const t = await randomisationTest(cnn, a, { order: 'independent', similarity })
      t.similarity.forEach((v) => expect(Number.isNaN(v) || (v <= 1 + 1e-9 && v >= -1 - 1e-9)).toBe(true))
    }
    images.dispose()
    cnn.dispose()
  })

  it('region groups cover every feature once; seeded metrics repeat with a seed', async () => {
    const groups = pure.regionGroups(
      Float32Array.from({ length: 10 * 10 * 2 }, (_, i) => i % 7),
      10,
      10,
      2,
      4,
    )
    const all = groups.flatMap((g) => Array.from(g)).sort((p, q) => p - q)
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i))
    const attribution = attributionOf(x, shapley(), [2, 6], targets)
    const one = await evaluate(model, attribution, {
      metrics: ['infidelity', 'faithfulness-correlation'],
      seed: 4,
    })
    const two = await evaluate(model, attribution, {
      metrics: ['infidelity', 'faithfulness-correlation'],
      seed: 4,
    })
    expect(one.toArray()).toEqual(two.toArray())
    expect(one.provenance.parameters['settings']).toBeDefined()
    expect(one.provenance.seed).toBe(4)
  })

  it('a comparison gives a methods x metrics table with ranks and a random noise floor', async () => {
    const inputs = tf.tensor(x, [2, 6])
    const c = await compare(model, inputs, ['input-x-gradient', 'saliency'], { target: targets })
    inputs.dispose()
    const table = await expectNoLeak(() => evaluate(model, c, { metrics: ['deletion', 'sparseness'] }))
    expect(table).toBeInstanceOf(QualityTable)
    expect(table.methods).toEqual(['input-x-gradient', 'saliency'])
    expect(table.ranks.map((r) => r[0])).toEqual([1, 2])
    expect(table.beatsFloor('input-x-gradient', 'deletion')).toBe(true)
    const csv = table.toCSV().trim().split('\n')
    expect(csv[0]).toBe('method,deletion,sparseness,deletion rank,sparseness rank')
    expect(csv.at(-1)).toMatch(/^random \(noise floor\),/)
    expect(String(table)).toContain('noise floor')
    const spec = table.toMatrixSpec()
    expect(spec.rows).toEqual(['input-x-gradient', 'saliency', 'random (noise floor)'])
    expect(spec.values).toHaveLength(3)
    expect(spec.marks![0]![0]).toBe('')
    expect(spec.perItem!.values[0]![0]).toEqual(table.evaluations[0]!.values('deletion'))
    expect(spec.perItem!.items).toHaveLength(2)
    // Shown as the matrix view (metrics in different units: each column on its own scale), with the
    // HTML table kept for exports.
    const bundle = table[JUPYTER_DISPLAY]()
    const payload = bundle[MIME_TYPES.matrix] as MatrixPayload
    expect(validatePayload('matrix', payload).ok).toBe(true)
    expect([payload.colourBy, payload.higherIsBetter]).toEqual(['column', [false, true]])
    expect(bundle['text/html']).toContain('gw-quality-table')
  })

  it('bad input is refused naming the argument', async () => {
    const attribution = attributionOf(x, shapley(), [2, 6], targets)
    const fails = async (options: unknown, pattern: RegExp): Promise<void> => {
      const error = await evaluate(model, attribution, options as never).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(GlasswingError)
      expect(String((error as Error).message)).toMatch(pattern)
    }
    await fails({ preset: 'fast' }, /gw\.evaluate: options\.preset expected 'paper' or 'quantus'/)
    await fails({ metrics: ['deleted'] }, /options\.metrics expected metric names, got 'deleted'/)
    await fails({ metrics: ['pointing-game'] }, /options\.mask expected a mask/)
    await fails({ batchSize: 0 }, /options\.batchSize expected a positive integer/)
    await fails(null, /options expected an object/)
    const error = await evaluate(model, 'saliency' as never).catch((e: unknown) => e)
    expect(String(error)).toMatch(/attribution expected a result of gw\.explain or gw\.compare/)
  })
})

describe('every metric on a small CNN', () => {
  it('gives a finite value per row for each metric, repeats with a seed, and leaves no tensor', async () => {
    const cnn = await load(tinyCnn(), { warmup: false })
    const images = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 11)
    const a = await explain(cnn, images, { method: 'saliency', target: [0, 1] })
    const mask = tf.tidy(() => tf.randomUniform([2, 8, 8], 0, 1, 'float32', 12).greater(0.5).cast('float32'))
    images.dispose()
    const metrics = [...QUALITY_METRIC_NAMES]
    const run = () =>
      evaluate(cnn, a, {
        metrics,
        mask,
        settings: {
          'faithfulness-correlation': { subsetSize: 8, runs: 10 },
          road: { percentages: [20, 60] },
        },
        seed: 3,
      })
    const one = await expectNoLeak(run)
    for (const metric of metrics) {
      expect(one.values(metric), metric).toHaveLength(2)
      one.values(metric).forEach((v) => expect(Number.isFinite(v), `${metric} ${v}`).toBe(true))
    }
    expect((await run()).toArray()).toEqual(one.toArray())
    expect(one.toCSV().split('\n')[0]).toBe(['example', 'target', ...metrics].join(','))
    mask.dispose()
    cnn.dispose()
  })
})

describe('ROAD', () => {
  it('linear imputation restores a linear ramp inside the image exactly, and keeps the kept pixels', () => {
    const [h, w] = [12, 10]
    const ramp = Float64Array.from({ length: h * w }, (_, i) => 0.3 * Math.floor(i / w) - 0.7 * (i % w) + 2)
    const missing = new Uint8Array(h * w)
    for (let r = 3; r < 8; r++) for (let c = 2; c < 7; c++) missing[r * w + c] = 1
    const imputed = pure.linearImpute(ramp, missing, h, w)
    imputed.forEach((v, i) => expect(Math.abs(v - ramp[i]!)).toBeLessThan(1e-9))
  })

  it('seeded ROAD curves repeat, with their settings in provenance', async () => {
    const cnn = await load(tinyCnn(), { warmup: false })
    const images = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 9)
    const a = await explain(cnn, images, { method: 'input-x-gradient', target: [0, 1] })
    images.dispose()
    const settings = { road: { percentages: [0, 50, 100] } }
    const one = await expectNoLeak(() => evaluate(cnn, a, { metrics: ['road'], settings, seed: 2 }))
    const two = await evaluate(cnn, a, { metrics: ['road'], settings, seed: 2 })
    expect(one.data.curves['road']).toEqual(two.data.curves['road'])
    expect(one.provenance.parameters['settings']).toMatchObject({ road: { noise: 0.01, order: 'morf' } })
    cnn.dispose()
  })
})
