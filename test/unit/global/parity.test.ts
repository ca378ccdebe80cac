// Parity of the global explanations' numerics with their peers, on committed fixtures written by
// scripts/reference/global_reference.py: scikit-learn trees, scipy's ttest_ind, Fairlearn's metrics.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fitTree, predictTree } from '../../../src/global/distill/cart'
import { fitLasso } from '../../../src/global/distill/linear'
import { fidelityCurve } from '../../../src/global/distill/fidelity'
import { groupMetrics } from '../../../src/global/fairness/metrics'
import { adjustPValues, tTest } from '../../../src/global/tcav/stats'

const FIXTURES = join(__dirname, '../../fixtures/global')
const read = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))

describe('CART trees against scikit-learn', () => {
  const f = read('trees.json')
  const x = f.train.x.map((r: number[]) => Float64Array.from(r))
  const xt = f.test.x.map((r: number[]) => Float64Array.from(r))
  const p = f.train.p.map((r: number[]) => Float64Array.from(r))
  const pt = f.test.p.map((r: number[]) => Float64Array.from(r))
  const y = Int32Array.from(f.train.y)
  const yt = Int32Array.from(f.test.y)

  it('gives the fidelity curve of depth 1..6 within 1e-2 (agreement and R^2, on train and held out)', () => {
    const curve = fidelityCurve(
      { x, classes: y, probabilities: p },
      { x: xt, classes: yt, probabilities: pt },
      [1, 2, 3, 4, 5, 6],
    )
    for (const [i, ref] of f.curve.entries()) {
      expect(Math.abs(curve[i]!.agreement - ref.agreement)).toBeLessThan(1e-2)
      expect(Math.abs(curve[i]!.heldOutAgreement! - ref.heldOutAgreement)).toBeLessThan(1e-2)
      expect(Math.abs(curve[i]!.r2 - ref.r2)).toBeLessThan(1e-2)
      expect(Math.abs(curve[i]!.heldOutR2! - ref.heldOutR2)).toBeLessThan(1e-2)
    }
  })

  it('grows the same trees as scikit-learn where splits are unique (depth 1..6: features, thresholds, samples)', () => {
    // Walk both trees together; where they split differently, the two splits must tie (equal child
    // impurity on that node's rows), and the subtree below is not compared.
    const childImpurity = (
      rows: number[],
      feature: number,
      threshold: number,
      value: (r: number) => number[],
    ) => {
      const side = (keep: number[]) => {
        if (keep.length === 0) return 0
        const k = value(keep[0]!).length
        const sum = new Array<number>(k).fill(0)
        for (const r of keep) value(r).forEach((v, j) => (sum[j]! += v))
        return sum.reduce((s, v) => s + v * v, 0) / keep.length
      }
      return (
        side(rows.filter((r) => x[r]![feature]! <= threshold)) +
        side(rows.filter((r) => x[r]![feature]! > threshold))
      )
    }
    let compared = 0
    let ties = 0
    for (const ref of f.curve) {
      const c = fitTree(x, { classes: y, classCount: 3 }, { maxDepth: ref.depth })
      const r = fitTree(x, { values: p }, { maxDepth: ref.depth })
      const oneHot = (row: number): number[] => [0, 1, 2].map((j) => (y[row] === j ? 1 : 0))
      for (const [tree, nodes, value] of [
        [c, ref.classifier, oneHot],
        [r, ref.regressor, (row: number): number[] => Array.from(p[row]! as Float64Array)],
      ] as const) {
        const walk = (mine: number, theirs: number, rows: number[]) => {
          const a = tree.nodes[mine]!
          const b = nodes[theirs]
          expect(a.samples).toBe(b.samples)
          if (b.feature < 0) return void expect(a.feature).toBe(-1)
          if (a.feature !== b.feature || Math.abs(a.threshold - b.threshold) > 1e-6) {
            ties++
            expect(childImpurity(rows, a.feature, a.threshold, value)).toBeCloseTo(
              childImpurity(rows, b.feature, b.threshold, value),
              9,
            )
            return
          }
          compared++
          walk(
            a.left,
            b.left,
            rows.filter((row) => x[row]![a.feature]! <= a.threshold),
          )
          walk(
            a.right,
            b.right,
            rows.filter((row) => x[row]![a.feature]! > a.threshold),
          )
        }
        walk(
          0,
          0,
          Array.from({ length: x.length }, (_, i) => i),
        )
      }
      if (ref.depth <= 3)
        ref.importance.forEach((v: number, j: number) => expect(c.importance[j]).toBeCloseTo(v, 9))
    }
    expect(compared).toBeGreaterThan(100)
    expect(ties).toBeLessThan(compared / 5)
  })

  it('fits the lasso as scikit-learn Lasso (alpha 0.01, coefficients to 1e-6)', () => {
    const model = fitLasso(
      x,
      Float64Array.from(p, (row: Float64Array) => row[0]!),
      { alpha: f.lasso.alpha, tolerance: 1e-12, maxIterations: 100000 },
    )
    f.lasso.coef.forEach((v: number, j: number) => expect(Math.abs(model.weights[j]! - v)).toBeLessThan(1e-6))
    expect(Math.abs(model.intercept - f.lasso.intercept)).toBeLessThan(1e-6)
    expect(model.weights.filter((w) => w === 0).length).toBe(
      f.lasso.coef.filter((w: number) => w === 0).length,
    )
  })

  it('predicts the majority class of the leaf', () => {
    const tree = fitTree(x, { classes: y, classCount: 3 }, { maxDepth: 2 })
    const { classes } = predictTree(tree, x)
    expect(classes.length).toBe(x.length)
  })
})

describe('t-tests against scipy.stats.ttest_ind', () => {
  const f = read('ttest.json')
  it('matches t, p and df to 1e-6 (Student and Welch)', () => {
    for (const c of f.cases) {
      for (const variant of ['student', 'welch'] as const) {
        const mine = tTest(c.a, c.b, variant)
        expect(Math.abs(mine.t - c[variant].t)).toBeLessThan(1e-6)
        expect(Math.abs(mine.p - c[variant].p)).toBeLessThan(1e-6)
        expect(Math.abs(mine.df - c[variant].df)).toBeLessThan(1e-6)
      }
    }
  })
  it('adjusts p-values (Bonferroni; Benjamini-Hochberg as statsmodels fdr_bh)', () => {
    expect(adjustPValues([0.01, 0.04, 0.03, 0.5], 'bonferroni')).toEqual([0.04, 0.16, 0.12, 1])
    // statsmodels.stats.multitest.multipletests([0.01,0.04,0.03,0.5], method='fdr_bh')[1]
    const bh = adjustPValues([0.01, 0.04, 0.03, 0.5], 'benjamini-hochberg')
    ;[0.04, 0.05333333333333334, 0.05333333333333334, 0.5].forEach((v, i) => expect(bh[i]).toBeCloseTo(v, 12))
  })
})

describe('group metrics against Fairlearn', () => {
  const f = read('fairness.json')
  const compare = (mine: ReturnType<typeof groupMetrics>, ref: Record<string, any>) => {
    expect(mine.groups).toEqual(Object.keys(ref.groups))
    for (const g of mine.groups)
      for (const [k, v] of Object.entries(ref.groups[g] as Record<string, number>))
        expect(Math.abs((mine.byGroup[g] as any)[k] - v)).toBeLessThan(1e-9)
    for (const [k, v] of Object.entries(ref.overall as Record<string, number>))
      expect(Math.abs((mine.overall as any)[k] - v)).toBeLessThan(1e-9)
    for (const k of [
      'demographicParityDifference',
      'demographicParityRatio',
      'equalizedOddsDifference',
      'equalizedOddsRatio',
    ])
      expect(Math.abs((mine as any)[k] - ref[k])).toBeLessThan(1e-9)
  }
  it('matches on the small committed table to 1e-9', () => {
    compare(groupMetrics(f.small.yTrue, f.small.yPred, f.small.sensitive), f.small)
  })
})
