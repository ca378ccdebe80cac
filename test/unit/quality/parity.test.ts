// Parity with the committed Quantus 0.6 / Captum 0.9 fixtures (scripts/reference/quality_reference.py), tolerance 1e-6.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain } from '../../../src/attribution'
import { evaluate } from '../../../src/quality'
import * as pure from '../../../src/quality/pure'
import { load, type GlasswingModel } from '../../../src/model'
import { expectNoLeak } from '../model/helpers'
import { attributionOf, fixtureLinear, flat, reference } from './fixture'

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void => {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]!)) expect(actual[i]).toBeNaN()
    else expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(expected[i]!)))
  }
}

describe('quality metrics match Quantus and Captum', () => {
  const [n, h, w] = reference.grid.shape as [number, number, number]
  const features = h * w
  const x = flat(reference.grid.x)
  const a = flat(reference.grid.a)
  const s = flat(reference.grid.s)
  const targets = [0, 1, 2]
  let model: GlasswingModel
  beforeAll(async () => {
    model = await load(fixtureLinear(), { warmup: false })
  })
  afterAll(() => model.dispose())

  it('names the library versions it was made with', () => {
    expect(reference.versions['quantus']).toBe('0.6.0')
    expect(reference.versions['captum']).toBe('0.9.0')
  })

  it("complexity under the 'quantus' preset: Gini sparseness, entropy, effective complexity", async () => {
    const attribution = attributionOf(x, a, [n, h, w, 1], targets)
    const q = await expectNoLeak(() =>
      evaluate(model, attribution, {
        preset: 'quantus',
        metrics: ['sparseness', 'complexity', 'effective-complexity'],
        settings: { 'effective-complexity': { eps: 0.3 } },
      }),
    )
    close(q.values('sparseness'), reference.complexity['sparseness']!)
    close(q.values('complexity'), reference.complexity['complexity']!)
    close(q.values('effective-complexity'), reference.complexity['effective-complexity']!)
    const raw = Array.from({ length: n }, (_, r) =>
      pure.sparseness(a.subarray(r * features, (r + 1) * features).map(Math.abs)),
    )
    close(raw, reference.complexity['sparseness-raw']!)
  })

  it("localisation under the 'quantus' preset: pointing game, relevance mass and rank, top-k", async () => {
    const attribution = attributionOf(x, a, [n, h, w, 1], targets)
    const q = await evaluate(model, attribution, {
      preset: 'quantus',
      metrics: ['pointing-game', 'relevance-mass', 'relevance-rank', 'top-k'],
      mask: tf.tidy(() => tf.tensor(s, [n, h, w, 1])),
      settings: { 'top-k': { k: 10 } },
    })
    close(q.values('pointing-game'), reference.localisation['pointing-game']!)
    close(q.values('relevance-mass'), reference.localisation['relevance-mass']!)
    close(q.values('relevance-rank'), reference.localisation['relevance-rank']!)
    close(q.values('top-k'), reference.localisation['top-k']!)
    const concept = Array.from({ length: n }, (_, r) =>
      pure.topKIntersection(
        a.subarray(r * features, (r + 1) * features),
        s.subarray(r * features, (r + 1) * features),
        10,
        true,
      ),
    )
    close(concept, reference.localisation['top-k-concept']!)
  })

  it("pixel flipping on a linear model: Quantus's curves (black = the input's minimum) and AUC (trapz, dx=1)", async () => {
    const attribution = attributionOf(x, a, [n, h, w, 1], targets)
    const q = await evaluate(model, attribution, { preset: 'quantus', metrics: ['deletion'] })
    q.data.curves['deletion']!.forEach((curve, r) =>
      close(curve, reference['pixel-flipping'].curves[r]!, 1e-5),
    )
    close(q.values('deletion'), reference['pixel-flipping'].auc, 1e-5)
    const step4 = await evaluate(model, attribution, {
      preset: 'quantus',
      metrics: ['deletion'],
      settings: { deletion: { perStep: 4 } },
    })
    step4.data.curves['deletion']!.forEach((curve, r) =>
      close(curve, reference['pixel-flipping']['curves-step4'][r]!, 1e-5),
    )
  })

  it("Captum's infidelity with the same perturbations, normalize off and on", () => {
    const score = pure.modelScorer(model, [h, w, 1], 7, 'test')
    const rows = targets.map((target, r) => ({
      input: x.subarray(r * features, (r + 1) * features),
      attribution: a.subarray(r * features, (r + 1) * features),
      target,
    }))
    const noise = reference.infidelity.noise.map((row) => flat(row))
    const samples = reference.infidelity.samples
    close(pure.infidelity(score, rows, noise, samples, false), reference.infidelity.false, 1e-5)
    close(pure.infidelity(score, rows, noise, samples, true), reference.infidelity.true, 1e-5)
  })

  it("Captum's sensitivity_max of saliency on a linear model is 0, and so is ours", async () => {
    close(reference['sensitivity-max-linear'], [0, 0, 0])
    const inputs = tf.tensor(x, [n, h, w, 1])
    const attribution = await explain(model, inputs, {
      method: 'saliency',
      target: targets,
      absolute: false,
    } as never)
    inputs.dispose()
    const q = await expectNoLeak(() => evaluate(model, attribution, { metrics: ['sensitivity-max'] }))
    close(q.values('sensitivity-max'), [0, 0, 0])
  })

  it("similarities: scipy's spearmanr, scikit-image's SSIM (Quantus's data range) and HOG", () => {
    const sim = reference.similarity
    const m1 = flat(sim['m1'])
    const m2 = flat(sim['m2'])
    expect(pure.spearman(m1, m2)).toBeCloseTo(sim['spearman'] as number, 6)
    expect(pure.ssim(m1, m2, 28, 28)).toBeCloseTo(sim['ssim'] as number, 6)
    expect(pure.ssim(m1, m2, 28, 28)).toBeCloseTo(sim['ssim-quantus'] as number, 6)
    close(pure.hog(m1, 28, 28), sim['hog1'] as number[], 1e-5)
    close(pure.hog(m2, 28, 28), sim['hog2'] as number[], 1e-5)
  })
})
