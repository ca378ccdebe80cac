// The method-independent parts of the perturbation methods: least squares, coalitions and Shapley
// kernel weights, KernelSHAP's constrained solve, SLIC superpixels.
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../src/attribution/random'
import {
  binomial,
  kernelShapCoalitions,
  limeCoalitions,
  shapleyKernelWeight,
  solveKernelShap,
} from '../../../src/attribution/perturbation/coalitions'
import { solveWeightedLeastSquares } from '../../../src/attribution/perturbation/least-squares'
import { slic } from '../../../src/attribution/perturbation/slic'

describe('weighted least squares', () => {
  it('recovers an exact line with an intercept', () => {
    const fit = solveWeightedLeastSquares({
      design: Float64Array.of(0, 1, 2, 3),
      rows: 4,
      columns: 1,
      targets: Float64Array.of(1, 3, 5, 7),
      weights: Float64Array.of(1, 2, 3, 4),
      intercept: true,
      ridge: 0,
    })
    expect(fit.coefficients[0]).toBeCloseTo(2, 12)
    expect(fit.intercept).toBeCloseTo(1, 12)
  })

  it('matches the weighted normal equations of ridge regression (intercept not penalised)', () => {
    // x = [0, 1, 2], y = [0, 1, 3], w = [1, 1, 2], alpha = 1: weighted means x 1.25, y 1.75;
    // centred Sxx = 1*1.5625 + 1*0.0625 + 2*0.5625 = 2.75, Sxy = 1*(-1.25)(-1.75) + 1*(-0.25)(-0.75) + 2*(0.75)(1.25) = 4.25
    const fit = solveWeightedLeastSquares({
      design: Float64Array.of(0, 1, 2),
      rows: 3,
      columns: 1,
      targets: Float64Array.of(0, 1, 3),
      weights: Float64Array.of(1, 1, 2),
      intercept: true,
      ridge: 1,
    })
    expect(fit.coefficients[0]).toBeCloseTo(4.25 / 3.75, 12)
    expect(fit.intercept).toBeCloseTo(1.75 - 1.25 * (4.25 / 3.75), 12)
  })

  it('gives the minimum-norm solution of a singular system', () => {
    // Two identical columns: lstsq splits the coefficient evenly.
    const fit = solveWeightedLeastSquares({
      design: Float64Array.of(1, 1, 2, 2, 3, 3),
      rows: 3,
      columns: 2,
      targets: Float64Array.of(2, 4, 6),
      weights: Float64Array.of(1, 1, 1),
      intercept: false,
      ridge: 0,
    })
    expect(fit.coefficients[0]).toBeCloseTo(1, 9)
    expect(fit.coefficients[1]).toBeCloseTo(1, 9)
  })
})

describe('Shapley kernel and coalitions', () => {
  it('has the closed-form kernel weights', () => {
    expect(binomial(5, 2)).toBe(10)
    expect(shapleyKernelWeight(4, 1)).toBeCloseTo(3 / (4 * 1 * 3), 15)
    expect(shapleyKernelWeight(6, 3)).toBeCloseTo(5 / (20 * 3 * 3), 15)
    expect(shapleyKernelWeight(4, 0)).toBe(Infinity)
    expect(shapleyKernelWeight(4, 4)).toBe(Infinity)
  })

  it('enumerates every proper coalition when the budget allows, giving exact Shapley values', () => {
    const features = 5
    const game = (keep: ArrayLike<number>): number => {
      const [a, b, c, d, e] = Array.from(keep)
      return 3 * a! + 2 * a! * b! - c! * d! * e! + 0.5 * b! * e! + 1
    }
    const coalitions = kernelShapCoalitions(features, 1000, createRandom(0))
    expect(coalitions.exhaustive).toBe(true)
    expect(coalitions.rows).toBe(30)
    const scores = Float64Array.from({ length: coalitions.rows }, (_, row) =>
      game(coalitions.values.subarray(row * features, (row + 1) * features)),
    )
    const phi = solveKernelShap(coalitions, scores, game([1, 1, 1, 1, 1]), game([0, 0, 0, 0, 0]))
    const exact = exactShapley(features, game)
    phi.forEach((value, index) => expect(value).toBeCloseTo(exact[index]!, 10))
  })

  it('samples paired coalitions by the kernel, the same for the same seed', () => {
    const first = kernelShapCoalitions(12, 200, createRandom(7))
    const again = kernelShapCoalitions(12, 200, createRandom(7))
    const other = kernelShapCoalitions(12, 200, createRandom(8))
    expect(first.exhaustive).toBe(false)
    expect(Array.from(first.values)).toEqual(Array.from(again.values))
    expect(Array.from(first.values)).not.toEqual(Array.from(other.values))
    for (let row = 0; row < first.rows; row += 2) {
      const size = first.values.subarray(row * 12, row * 12 + 12).reduce((s, v) => s + v, 0)
      expect(size).toBeGreaterThan(0)
      expect(size).toBeLessThan(12)
      for (let f = 0; f < 12; f++)
        expect(first.values[row * 12 + f]! + first.values[(row + 1) * 12 + f]!).toBe(1)
    }
  })

  it('recovers an additive game exactly from sampled coalitions', () => {
    const weights = [0.5, -1, 2, 0, 3, -0.25, 1, 1.5, -2, 0.75, 0.1, -0.6]
    const coalitions = kernelShapCoalitions(12, 64, createRandom(3))
    const value = (row: number) =>
      weights.reduce((sum, w, f) => sum + w * coalitions.values[row * 12 + f]!, 0.3)
    const scores = Float64Array.from({ length: coalitions.rows }, (_, row) => value(row))
    const phi = solveKernelShap(coalitions, scores, 0.3 + weights.reduce((a, b) => a + b, 0), 0.3)
    phi.forEach((v, f) => expect(v).toBeCloseTo(weights[f]!, 9))
  })

  it('starts LIME with the input itself and weights by cosine distance', () => {
    const coalitions = limeCoalitions(4, 50, 0.25, createRandom(1))
    expect(Array.from(coalitions.values.subarray(0, 4))).toEqual([1, 1, 1, 1])
    expect(coalitions.weights[0]).toBe(1)
    for (let row = 1; row < 50; row++) {
      const kept = coalitions.values.subarray(row * 4, row * 4 + 4).reduce((s, v) => s + v, 0)
      const distance = kept === 0 ? 1 : 1 - Math.sqrt(kept / 4)
      expect(coalitions.weights[row]).toBeCloseTo(Math.exp(-(distance ** 2) / 0.0625), 12)
    }
  })
})

describe('SLIC superpixels', () => {
  it('never crosses a sharp colour edge, and labels connected regions 0..k-1', () => {
    const height = 24
    const width = 24
    const pixels = new Float32Array(height * width * 3)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const left = x < 10
        pixels.set(left ? [0.9, 0.1, 0.1] : [0.1, 0.2, 0.9], (y * width + x) * 3)
      }
    const { labels, count } = slic(pixels, height, width, 3, { segments: 9 })
    expect(count).toBeGreaterThanOrEqual(4)
    expect(count).toBeLessThanOrEqual(16)
    const side = new Map<number, boolean>()
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const label = labels[y * width + x]!
        expect(label).toBeGreaterThanOrEqual(0)
        expect(label).toBeLessThan(count)
        const left = x < 10
        if (side.has(label)) expect(side.get(label)).toBe(left)
        side.set(label, left)
      }
    expect(side.size).toBe(count)
  })

  it('segments grayscale images', () => {
    const pixels = Float32Array.from({ length: 28 * 28 }, (_, i) => (i % 28 > 14 ? 1 : 0))
    const { labels, count } = slic(pixels, 28, 28, 1, { segments: 16 })
    expect(count).toBeGreaterThan(8)
    expect(new Set(labels).size).toBe(count)
  })
})

/** Exact Shapley values by enumerating every permutation (few features only). */
function exactShapley(features: number, game: (keep: number[]) => number): number[] {
  const phi = new Array<number>(features).fill(0)
  const permutations = (items: number[]): number[][] =>
    items.length <= 1
      ? [items]
      : items.flatMap((item, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
        )
  const all = permutations(Array.from({ length: features }, (_, i) => i))
  for (const order of all) {
    const keep = new Array<number>(features).fill(0)
    let previous = game(keep)
    for (const feature of order) {
      keep[feature] = 1
      const current = game(keep)
      phi[feature]! += (current - previous) / all.length
      previous = current
    }
  }
  return phi
}
