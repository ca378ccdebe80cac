/**
 * Weighted least squares in float64 for the surrogate methods (KernelSHAP, LIME). The systems are
 * small (one column per segment or feature), so a dense solve on the CPU is exact and fast; tfjs
 * would compute in float32, which loses the digits that parity with Captum needs.
 */
import { throwIfInterrupted } from '../../session/interrupt'

/** A weighted regression problem: `rows` samples of `columns` features, row-major. */
export interface WeightedProblem {
  design: Float64Array
  rows: number
  columns: number
  targets: Float64Array
  weights: Float64Array
  /** Fit an unpenalised intercept (scikit-learn's `fit_intercept`). */
  intercept: boolean
  /** L2 penalty on the coefficients, not the intercept (scikit-learn's Ridge `alpha`); 0 for none. */
  ridge: number
}

/** Coefficients and intercept (0 when none was fitted). */
export interface WeightedFit {
  coefficients: Float64Array
  intercept: number
}

/**
 * Solves `min sum_i w_i (y_i - b - x_i . c)^2 + ridge |c|^2`, as scikit-learn's LinearRegression and
 * Ridge do with `sample_weight`. A singular system gets the minimum-norm solution, as `lstsq` does.
 *
 * @example
 * const fit = solveWeightedLeastSquares({ design: Float64Array.of(0, 1, 2), rows: 3, columns: 1,
 *   targets: Float64Array.of(1, 3, 5), weights: Float64Array.of(1, 1, 1), intercept: true, ridge: 0 })
 * // fit.coefficients[0] === 2, fit.intercept === 1
 */
export function solveWeightedLeastSquares(problem: WeightedProblem): WeightedFit {
  const { design, rows, columns, targets, weights, intercept, ridge } = problem
  const meanX = new Float64Array(columns)
  let meanY = 0
  if (intercept) {
    let total = 0
    for (let row = 0; row < rows; row++) {
      const weight = weights[row]!
      total += weight
      meanY += weight * targets[row]!
      for (let column = 0; column < columns; column++)
        meanX[column]! += weight * design[row * columns + column]!
    }
    meanY /= total
    for (let column = 0; column < columns; column++) meanX[column]! /= total
  }
  const normal = new Float64Array(columns * columns)
  const moment = new Float64Array(columns)
  const centered = new Float64Array(columns)
  for (let row = 0; row < rows; row++) {
    if (row % 4096 === 0) throwIfInterrupted('least squares', { done: row, total: rows, unit: 'samples' })
    const weight = weights[row]!
    if (weight === 0) continue
    for (let column = 0; column < columns; column++)
      centered[column] = design[row * columns + column]! - meanX[column]!
    const target = targets[row]! - meanY
    for (let i = 0; i < columns; i++) {
      const wi = weight * centered[i]!
      if (wi === 0) continue
      moment[i]! += wi * target
      for (let j = i; j < columns; j++) normal[i * columns + j]! += wi * centered[j]!
    }
  }
  for (let i = 0; i < columns; i++) {
    normal[i * columns + i]! += ridge
    for (let j = 0; j < i; j++) normal[i * columns + j] = normal[j * columns + i]!
  }
  const coefficients = solveSymmetric(normal, moment, columns)
  let offset = meanY
  for (let column = 0; column < columns; column++) offset -= meanX[column]! * coefficients[column]!
  return { coefficients, intercept: intercept ? offset : 0 }
}

/**
 * Solves `A x = b` for symmetric positive semi-definite `A` (n x n, row-major): Cholesky when `A` is
 * well conditioned, otherwise the pseudo-inverse through a Jacobi eigendecomposition.
 */
export function solveSymmetric(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array {
  return choleskySolve(matrix, rhs, size) ?? pseudoInverseSolve(matrix, rhs, size)
}

function choleskySolve(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array | null {
  const lower = new Float64Array(size * size)
  let largest = 0
  for (let i = 0; i < size; i++) largest = Math.max(largest, Math.abs(matrix[i * size + i]!))
  const floor = largest * 1e-10
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * size + j]!
      for (let k = 0; k < j; k++) sum -= lower[i * size + k]! * lower[j * size + k]!
      if (i === j) {
        if (!(sum > floor)) return null
        lower[i * size + i] = Math.sqrt(sum)
      } else {
        lower[i * size + j] = sum / lower[j * size + j]!
      }
    }
  }
  const forward = new Float64Array(size)
  for (let i = 0; i < size; i++) {
    let sum = rhs[i]!
    for (let k = 0; k < i; k++) sum -= lower[i * size + k]! * forward[k]!
    forward[i] = sum / lower[i * size + i]!
  }
  const solution = new Float64Array(size)
  for (let i = size - 1; i >= 0; i--) {
    let sum = forward[i]!
    for (let k = i + 1; k < size; k++) sum -= lower[k * size + i]! * solution[k]!
    solution[i] = sum / lower[i * size + i]!
  }
  return solution
}

function pseudoInverseSolve(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, size)
  const largest = values.reduce((max, value) => Math.max(max, Math.abs(value)), 0)
  const cutoff = largest * size * 1e-13
  const solution = new Float64Array(size)
  for (let k = 0; k < size; k++) {
    if (Math.abs(values[k]!) <= cutoff) continue
    let projection = 0
    for (let i = 0; i < size; i++) projection += vectors[i * size + k]! * rhs[i]!
    projection /= values[k]!
    for (let i = 0; i < size; i++) solution[i]! += projection * vectors[i * size + k]!
  }
  return solution
}

/** Cyclic Jacobi eigendecomposition: eigenvalues and eigenvectors (columns of `vectors`). */
export function symmetricEigen(
  matrix: Float64Array,
  size: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix)
  const vectors = new Float64Array(size * size)
  for (let i = 0; i < size; i++) vectors[i * size + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) offDiagonal += a[p * size + q]! ** 2
    if (offDiagonal < 1e-30) break
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!
        if (Math.abs(apq) < 1e-300) continue
        const theta = (a[q * size + q]! - a[p * size + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!
          const akq = a[k * size + q]!
          a[k * size + p] = c * akp - s * akq
          a[k * size + q] = s * akp + c * akq
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!
          const aqk = a[q * size + k]!
          a[p * size + k] = c * apk - s * aqk
          a[q * size + k] = s * apk + c * aqk
        }
        for (let k = 0; k < size; k++) {
          const vkp = vectors[k * size + p]!
          const vkq = vectors[k * size + q]!
          vectors[k * size + p] = c * vkp - s * vkq
          vectors[k * size + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values = new Float64Array(size)
  for (let i = 0; i < size; i++) values[i] = a[i * size + i]!
  return { values, vectors }
}
