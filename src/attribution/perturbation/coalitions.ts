/**
 * Coalitions of interpretable features (segments or tabular columns) for KernelSHAP and LIME, their
 * weights, and KernelSHAP's constrained solve. A coalition is a 0/1 row: 1 keeps the feature's
 * value from the input, 0 replaces it by the baseline.
 */
import { throwIfInterrupted } from '../../session/interrupt'
import { solveWeightedLeastSquares } from './least-squares'
import type { RandomSource } from '../random'

/** Coalitions as 0/1 rows (row-major, `rows` x `features`) with one weight per row. */
export interface Coalitions {
  rows: number
  features: number
  values: Uint8Array
  weights: Float64Array
  /** True when every coalition but the empty and the full one was enumerated. */
  exhaustive: boolean
}

/** The number of subsets of size `size` of `total` items, in float64. */
export function binomial(total: number, size: number): number {
  let result = 1
  for (let k = 1; k <= size; k++) result = (result * (total - size + k)) / k
  return result
}

/**
 * The Shapley kernel weight of one coalition of `size` features out of `total`:
 * `(M - 1) / (C(M, |z|) |z| (M - |z|))`; infinite for the empty and the full coalition, which
 * KernelSHAP therefore enforces as constraints instead of weighting.
 *
 * @example
 * shapleyKernelWeight(4, 1)   // 3 / (4 * 1 * 3) = 0.25
 */
export function shapleyKernelWeight(total: number, size: number): number {
  if (size <= 0 || size >= total) return Infinity
  return (total - 1) / (binomial(total, size) * size * (total - size))
}

/**
 * KernelSHAP's coalitions. With `2^M - 2 <= samples` every proper coalition is enumerated with its
 * exact kernel weight, and the solve gives exact Shapley values. Otherwise coalition sizes are drawn
 * in proportion to the kernel's total mass per size, subsets of that size uniformly, each with its
 * complement (paired sampling), and every row has weight 1: the sampling itself follows the kernel.
 */
export function kernelShapCoalitions(features: number, samples: number, random: RandomSource): Coalitions {
  const proper = features < 31 ? 2 ** features - 2 : Infinity
  if (proper <= samples) {
    const values = new Uint8Array(proper * features)
    const weights = new Float64Array(proper)
    for (let code = 1; code <= proper; code++) {
      let size = 0
      for (let feature = 0; feature < features; feature++) {
        const bit = (code >>> feature) & 1
        values[(code - 1) * features + feature] = bit
        size += bit
      }
      weights[code - 1] = shapleyKernelWeight(features, size)
    }
    return { rows: proper, features, values, weights, exhaustive: true }
  }
  const sizeMass: number[] = []
  let totalMass = 0
  for (let size = 1; size < features; size++) {
    totalMass += (features - 1) / (size * (features - size))
    sizeMass.push(totalMass)
  }
  const rows = Math.max(2, samples - (samples % 2))
  const values = new Uint8Array(rows * features)
  for (let pair = 0; pair < rows / 2; pair++) {
    if (pair % 4096 === 0) throwIfInterrupted('coalitions', { done: 2 * pair, total: rows, unit: 'samples' })
    const draw = random.next() * totalMass
    let size = 1
    while (size < features - 1 && sizeMass[size - 1]! <= draw) size++
    const chosen = sampleWithoutReplacement(random, features, size)
    const first = 2 * pair * features
    const second = first + features
    values.fill(1, second, second + features)
    for (const feature of chosen) {
      values[first + feature] = 1
      values[second + feature] = 0
    }
  }
  return { rows, features, values, weights: new Float64Array(rows).fill(1), exhaustive: false }
}

/**
 * LIME's coalitions: the full coalition first (the input itself), then each feature kept with
 * probability 1/2 (Captum's default sampler). Weights are an exponential kernel of the cosine
 * distance to the full coalition, `exp(-d^2 / width^2)`.
 */
export function limeCoalitions(
  features: number,
  samples: number,
  kernelWidth: number,
  random: RandomSource,
): Coalitions {
  const rows = Math.max(1, samples)
  const values = new Uint8Array(rows * features)
  values.fill(1, 0, features)
  for (let row = 1; row < rows; row++) {
    if (row % 4096 === 0) throwIfInterrupted('coalitions', { done: row, total: rows, unit: 'samples' })
    for (let feature = 0; feature < features; feature++)
      values[row * features + feature] = random.next() < 0.5 ? 1 : 0
  }
  const weights = new Float64Array(rows)
  for (let row = 0; row < rows; row++) {
    let kept = 0
    for (let feature = 0; feature < features; feature++) kept += values[row * features + feature]!
    const distance = kept === 0 ? 1 : 1 - Math.sqrt(kept / features)
    weights[row] = Math.exp(-(distance * distance) / (kernelWidth * kernelWidth))
  }
  return { rows, features, values, weights, exhaustive: false }
}

/**
 * KernelSHAP's weighted regression with its two constraints met exactly: `phi_0 = f(baseline)` and
 * `sum(phi) = f(input) - f(baseline)` (efficiency). The last feature is eliminated through the sum
 * constraint, as the reference SHAP implementation does.
 */
export function solveKernelShap(
  coalitions: Coalitions,
  scores: Float64Array,
  inputScore: number,
  baselineScore: number,
): Float64Array {
  const { rows, features, values, weights } = coalitions
  const total = inputScore - baselineScore
  if (features === 1) return Float64Array.of(total)
  const columns = features - 1
  const design = new Float64Array(rows * columns)
  const targets = new Float64Array(rows)
  for (let row = 0; row < rows; row++) {
    const last = values[row * features + columns]!
    for (let column = 0; column < columns; column++)
      design[row * columns + column] = values[row * features + column]! - last
    targets[row] = scores[row]! - baselineScore - last * total
  }
  const fit = solveWeightedLeastSquares({
    design,
    rows,
    columns,
    targets,
    weights,
    intercept: false,
    ridge: 0,
  })
  const phi = new Float64Array(features)
  phi.set(fit.coefficients)
  phi[columns] = total - fit.coefficients.reduce((sum, value) => sum + value, 0)
  return phi
}

/** `count` distinct integers from [0, bound), by a partial Fisher-Yates shuffle. */
function sampleWithoutReplacement(random: RandomSource, bound: number, count: number): number[] {
  const pool = Array.from({ length: bound }, (_, index) => index)
  for (let index = 0; index < count; index++) {
    const pick = index + random.integer(bound - index)
    const swap = pool[index]!
    pool[index] = pool[pick]!
    pool[pick] = swap
  }
  return pool.slice(0, count)
}
