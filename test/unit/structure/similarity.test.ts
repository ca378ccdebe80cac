import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it, vi } from 'vitest'
import { GlasswingError } from '../../../src/errors'
import {
  cca,
  cka,
  compareRdms,
  minibatchCka,
  procrustes,
  pwcca,
  rdm,
  rsa,
  svcca,
} from '../../../src/structure'

const REF = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'structure', 'reference.json'), 'utf8'),
) as {
  inputs: Record<string, number[][]>
  cka: Record<string, Record<string, number>>
  cca: Record<string, Record<string, number | number[]>>
  procrustes: Record<string, number>
  rsa: Record<string, number | number[][]>
}
const I = REF.inputs
const TOL = 1e-6
const pairs: Record<string, [number[][], number[][]]> = {
  x_y: [I.x!, I.y!],
  wide_y: [I.wide!, I.y!],
  verywide_y: [I.verywide!, I.y!],
  y_wide: [I.y!, I.wide!],
}

function close(a: number, b: number, tol = TOL): void {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol)
}

/** A random orthogonal d x d matrix (QR of a seeded Gaussian), as rows. */
function orthogonal(d: number, seed: number): number[][] {
  const q = tf.tidy(
    () => tf.linalg.qr(tf.randomNormal([d, d], 0, 1, 'float32', seed))[0].arraySync() as number[][],
  )
  return q
}
function times(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)))
}

describe('gw.similarity parity with the reference fixtures (numpy Kornblith formulas, rsatoolbox)', () => {
  for (const name of ['x_y', 'wide_y', 'verywide_y']) {
    const [x, y] = pairs[name]!
    const r = REF.cka[name]!
    it(`CKA ${name}: linear (feature, Gram), debiased, RBF (two thresholds, two bandwidth rules), minibatch`, () => {
      close(cka(x, y).value, r.linear!)
      close(cka(x, y, { form: 'gram' }).value, r.linearGram!)
      close(cka(x, y, { form: 'feature' }).value, r.linear!)
      close(cka(x, y, { debiased: true }).value, r.linearDebiased!)
      close(cka(x, y, { debiased: true, form: 'gram' }).value, r.linearDebiasedGram!)
      close(cka(x, y, { kernel: 'rbf' }).value, r.rbf!)
      close(cka(x, y, { kernel: 'rbf', threshold: 0.5 }).value, r.rbfHalf!)
      close(cka(x, y, { kernel: 'rbf', debiased: true }).value, r.rbfDebiased!)
      close(cka(x, y, { kernel: 'rbf', bandwidth: 'median-distance' }).value, r.rbfMedianDistance!)
      close(minibatchCka(x, y, { batchSize: 16 }).value, r.minibatch16!)
      close(minibatchCka(x, y, { batchSize: 13 }).value, r.minibatch13!)
      close(minibatchCka(x, y, { batchSize: 16, debiased: false }).value, r.minibatch16Biased!)
    })
  }
  for (const name of ['x_y', 'wide_y', 'y_wide']) {
    const [x, y] = pairs[name]!
    const r = REF.cca[name]!
    it(`CCA/SVCCA/PWCCA ${name} (either side may be the wider)`, () => {
      const c = cca(x, y)
      const expected = r.correlations as number[]
      expect(c.correlations).toHaveLength(expected.length)
      c.correlations.forEach((v, i) => close(v, expected[i]!))
      close(c.value, r.meanCca as number)
      const s99 = svcca(x, y)
      close(s99.value, r.svcca99 as number)
      expect(s99.components).toEqual(r.svcca99Components)
      const s90 = svcca(x, y, { threshold: 0.9 })
      close(s90.value, r.svcca90 as number)
      expect(s90.components).toEqual(r.svcca90Components)
      close(pwcca(x, y).value, r.pwccaX as number)
      close(pwcca(x, y, { side: 'y' }).value, r.pwccaY as number)
      expect(pwcca(x, y, { side: 'y' }).side).toBe('y')
    })
  }
  it('Procrustes distance (feature path and the Gram path when both sides are wider than n)', () => {
    close(procrustes(I.x!, I.y!).value, REF.procrustes.x_y!)
    close(procrustes(I.wide!, I.y!).value, REF.procrustes.wide_y!)
    close(procrustes(I.verywide!, I.y!).value, REF.procrustes.verywide_y!)
    close(
      procrustes(
        I.verywide!,
        I.verywide!.map((r) => r.map((v) => v * 3)),
      ).value,
      0,
      1e-6,
    )
  })
  it('RDMs (correlation, euclidean, cosine) and their comparisons match rsatoolbox / scipy', () => {
    const x = I.x!.slice(0, 12)
    const y = I.y!.slice(0, 12)
    const check = (got: Float64Array, want: number[][]): void =>
      want.forEach((row, i) => row.forEach((v, j) => close(got[i * 12 + j]!, v)))
    check(rdm(x).values, REF.rsa.rdmCorrelationX as number[][])
    check(rdm(x, { distance: 'euclidean' }).values, REF.rsa.rdmEuclideanX as number[][])
    check(rdm(x, { distance: 'cosine' }).values, REF.rsa.rdmCosineX as number[][])
    close(rsa(x, y).value, REF.rsa.spearman as number)
    close(rsa(x, y, { compare: 'kendall-tau-a' }).value, REF.rsa['kendall-tau-a'] as number)
    close(rsa(x, y, { compare: 'pearson' }).value, REF.rsa.pearson as number)
    close(rsa(x, y, { compare: 'cosine' }).value, REF.rsa.cosine as number)
    close(rsa(x, y, { distance: 'euclidean' }).value, REF.rsa.euclideanSpearman as number)
    close(compareRdms(rdm(x), rdm(y), 'pearson'), REF.rsa.pearson as number)
  })
})

describe('gw.similarity invariances', () => {
  const x = I.x!
  const y = I.y!
  it('CKA is 1 for identical inputs and invariant to orthogonal transforms and isotropic scaling', () => {
    close(cka(x, x).value, 1)
    close(cka(x, x, { kernel: 'rbf' }).value, 1)
    close(cka(x, x, { debiased: true }).value, 1)
    close(minibatchCka(x, x, { batchSize: 8 }).value, 1)
    const rotated = times(x, orthogonal(10, 3)).map((r) => r.map((v) => v * 7.5))
    const base = cka(x, y)
    close(cka(rotated, y).value, base.value, 1e-5)
    close(cka(rotated, y, { kernel: 'rbf' }).value, cka(x, y, { kernel: 'rbf' }).value, 1e-5)
    close(cka(rotated, y, { debiased: true }).value, cka(x, y, { debiased: true }).value, 1e-5)
    close(procrustes(rotated, x).value, 0, 1e-5)
    expect(cka(x, y).value).toBeLessThan(1)
  })
  it('CCA and SVCCA are invariant to invertible linear maps; RSA to permuting units', () => {
    const mixed = times(
      x,
      orthogonal(10, 5).map((r, i) => r.map((v) => v * (i + 1))),
    )
    close(cca(mixed, y).value, cca(x, y).value, 1e-5)
    const perm = [3, 0, 5, 1, 4, 2]
    const permuted = y.map((r) => perm.map((p) => r[p]!))
    for (const distance of ['correlation', 'euclidean', 'cosine'] as const)
      close(rsa(x, permuted, { distance }).value, rsa(x, y, { distance }).value, 1e-9)
    close(rsa(x, x).value, 1, 1e-9)
  })
  it('leaves no tensor behind', () => {
    const t = tf.tensor2d(x)
    const before = tf.memory().numTensors
    cka(t, y)
    minibatchCka(t, y, { batchSize: 10 })
    svcca(t, y)
    expect(tf.memory().numTensors).toBe(before)
    t.dispose()
  })
})

describe('gw.similarity bad input', () => {
  const x = I.x!
  const y = I.y!
  const calls: Array<[string, (a: number[][], b: number[][]) => unknown]> = [
    ['cka', (a, b) => cka(a, b)],
    ['minibatchCka', (a, b) => minibatchCka(a, b)],
    ['cca', (a, b) => cca(a, b)],
    ['svcca', (a, b) => svcca(a, b)],
    ['pwcca', (a, b) => pwcca(a, b)],
    ['procrustes', (a, b) => procrustes(a, b)],
    ['rsa', (a, b) => rsa(a, b)],
  ]
  for (const [name, call] of calls) {
    it(`${name}: mismatched rows, too few examples and NaN name the function and argument`, () => {
      expect(() => call(x, y.slice(0, 30))).toThrow(
        new RegExp(`gw.similarity.${name}: y expected the same examples as x \\(40 rows\\), got 30 rows`),
      )
      expect(() => call(x.slice(0, 2), y.slice(0, 2))).toThrow(GlasswingError)
      expect(() => call(x.slice(0, 2), y.slice(0, 2))).toThrow(/at least \d examples/)
      const nan = x.map((r) => r.slice())
      nan[7]![2] = NaN
      expect(() => call(nan, y)).toThrow(/x expected finite numbers, got NaN at example 7, feature 2/)
    })
  }
  it('fewer than 4 examples: CKA refuses (the debiased estimator divides by n - 3), minibatch batches under 4 refused', () => {
    expect(() => cka(x.slice(0, 3), y.slice(0, 3))).toThrow(/x expected at least 4 examples/)
    expect(() => minibatchCka(x, y, { batchSize: 3 })).toThrow(
      /options.batchSize expected a whole number >= 4/,
    )
    // 4 examples: defined, the debiased self-HSIC may be non-positive -> NaN with a warning, never a crash
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const r = cka(x.slice(0, 4), y.slice(0, 4), { debiased: true })
    expect(Number.isNaN(r.value) || (r.value >= -1.5 && r.value <= 1.5)).toBe(true)
    const tiny = minibatchCka([[1], [2], [3], [4], [5]], [[1], [2], [3], [4], [6]], { batchSize: 4 })
    expect(tiny.value).toBeGreaterThan(0.9)
    warn.mockRestore()
  })
  it('negative debiased HSIC is warned and gives NaN', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    // a representation that only distinguishes one example: its debiased self-HSIC is negative at n = 4
    const spike = [[1], [0], [0], [0]]
    const r = cka(spike, [[1], [2], [3], [5]], { debiased: true })
    if (Number.isNaN(r.value)) {
      expect(r.warnings[0]).toMatch(/debiased HSIC of x with itself is .* \(not positive\)/)
      expect(warn).toHaveBeenCalled()
    } else expect(r.warnings).toEqual([])
    warn.mockRestore()
  })
  it('constant units: ignored by CKA/CCA; an all-constant side refused; constant RDM rows follow the stated policy', () => {
    const withConstant = x.map((r) => [...r, 5])
    close(cka(withConstant, y).value, cka(x, y).value, 1e-9)
    close(cca(withConstant, y).value, cca(x, y).value, 1e-6)
    const constant = x.map(() => [1, 1, 1])
    expect(() => cka(constant, y)).toThrow(
      /gw.similarity.cka: x expected a representation that varies over the examples, got every unit constant/,
    )
    expect(() => cca(y, constant)).toThrow(/gw.similarity.cca: y expected a representation that varies/)
    const flatRow = x.map((r) => r.slice())
    flatRow[4] = flatRow[4]!.map(() => 2)
    expect(() => rsa(flatRow, y)).toThrow(
      /x expected examples whose activations vary across units .* got constant row 4. .*constantRows: 'maximal'/,
    )
    const policy = rdm(flatRow, { constantRows: 'maximal' })
    expect(policy.constantRows).toEqual([4])
    expect(policy.values[4 * 40 + 5]).toBe(1)
    expect(policy.values[4 * 40 + 4]).toBe(0)
    expect(() => cka(x, y, { kernel: 'gaussian' as 'rbf' })).toThrow(
      /options.kernel expected 'linear' or 'rbf', got 'gaussian'/,
    )
    expect(() => pwcca(x, y, { side: 'z' as 'x' })).toThrow(/options.side expected 'x' or 'y'/)
    expect(() => svcca(x, y, { threshold: 1.5 })).toThrow(/options.threshold expected a fraction of variance/)
  })
})
