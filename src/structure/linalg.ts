/**
 * Float64 helpers shared by the similarity measures: reading two representations of the same examples,
 * centring columns, Gram matrices, products, and the symmetric eigen-decomposition from src/representation.
 */
import { GlasswingError, describeValue } from '../errors'
import { toMatrix, type MatrixLike } from '../representation/matrix'
import { symmetricEigen } from '../representation/eigen'

/** n examples x d features in float64, row-major. */
export interface Dense {
  values: Float64Array
  rows: number
  columns: number
}

/** Reads one representation, refusing NaN/Infinity and fewer than `minimum` examples. */
export function readRepresentation(input: MatrixLike, where: string, argument: string, minimum = 4): Dense {
  if (input === null || input === undefined)
    throw new GlasswingError({
      where,
      argument,
      expected: 'activations of shape [examples, features]',
      received: describeValue(input),
    })
  const m = toMatrix(input, where, argument)
  if (m.rows < minimum)
    throw new GlasswingError({
      where,
      argument,
      expected: `at least ${minimum} examples (rows)`,
      received: `${m.rows}`,
      hint: 'Similarity estimates over fewer examples are undefined (the debiased estimator divides by n - 3); pass more inputs.',
    })
  if (m.columns < 1)
    throw new GlasswingError({ where, argument, expected: 'at least one feature per example', received: '0' })
  const values = new Float64Array(m.values.length)
  for (let i = 0; i < values.length; i++) {
    const v = m.values[i]!
    if (!Number.isFinite(v))
      throw new GlasswingError({
        where,
        argument,
        expected: 'finite numbers',
        received: `${v} at example ${Math.floor(i / m.columns)}, feature ${i % m.columns}`,
        hint: 'Drop or repair those examples first (NaN activations usually mean a diverged model or bad input).',
      })
    values[i] = v
  }
  return { values, rows: m.rows, columns: m.columns }
}

/** Reads x and y and checks they hold the same examples (same number of rows). */
export function readPair(x: MatrixLike, y: MatrixLike, where: string, minimum = 4): [Dense, Dense] {
  const a = readRepresentation(x, where, 'x', minimum)
  const b = readRepresentation(y, where, 'y', minimum)
  if (a.rows !== b.rows)
    throw new GlasswingError({
      where,
      argument: 'y',
      expected: `the same examples as x (${a.rows} rows)`,
      received: `${b.rows} rows`,
      hint: 'Both representations must come from the same inputs, in the same order.',
    })
  return [a, b]
}

/** Subtracts each column's mean (a copy). */
export function centerColumns({ values, rows, columns }: Dense): Dense {
  const out = Float64Array.from(values)
  for (let j = 0; j < columns; j++) {
    let s = 0
    for (let i = 0; i < rows; i++) s += out[i * columns + j]!
    const mean = s / rows
    for (let i = 0; i < rows; i++) out[i * columns + j]! -= mean
  }
  return { values: out, rows, columns }
}

/** Aᵀ B for A (n x p), B (n x q): p x q. */
export function crossProduct(a: Dense, b: Dense): Float64Array {
  const { rows: n, columns: p } = a
  const q = b.columns
  const out = new Float64Array(p * q)
  for (let k = 0; k < n; k++) {
    const ar = k * p
    const br = k * q
    for (let i = 0; i < p; i++) {
      const av = a.values[ar + i]!
      if (av === 0) continue
      const o = i * q
      for (let j = 0; j < q; j++) out[o + j]! += av * b.values[br + j]!
    }
  }
  return out
}

/** X Xᵀ: n x n. */
export function gramLinear({ values, rows: n, columns: d }: Dense): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0
      for (let k = 0; k < d; k++) s += values[i * d + k]! * values[j * d + k]!
      out[i * n + j] = s
      out[j * n + i] = s
    }
  }
  return out
}

/** Squared Euclidean distances between rows: n x n. */
export function squaredDistances(x: Dense): Float64Array {
  const n = x.rows
  const g = gramLinear(x)
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      out[i * n + j] = Math.max(0, g[i * n + i]! + g[j * n + j]! - 2 * g[i * n + j]!)
  for (let i = 0; i < n; i++) out[i * n + i] = 0
  return out
}

/** Median of an array (mean of the two middle values for even lengths), as numpy.median. */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort()
  const m = sorted.length
  if (m === 0) return NaN
  return m % 2 ? sorted[(m - 1) / 2]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2
}

/** Frobenius inner product of two same-size arrays. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/**
 * Inverse square root of a symmetric positive semi-definite p x p matrix, keeping only the eigen
 * directions whose eigenvalue exceeds `relTol` times the largest (a rank-deficient covariance is
 * inverted on its range). Returns the matrix and the rank kept.
 */
export function inverseSqrt(
  c: Float64Array,
  p: number,
  relTol = 1e-10,
): { matrix: Float64Array; rank: number } {
  const { values, vectors } = symmetricEigen(c, p)
  const top = Math.max(values[0] ?? 0, 0)
  const out = new Float64Array(p * p)
  let rank = 0
  for (let k = 0; k < p; k++) {
    const lambda = values[k]!
    if (!(lambda > relTol * top) || lambda <= 0) continue
    rank++
    const s = 1 / Math.sqrt(lambda)
    for (let i = 0; i < p; i++) {
      const vi = vectors[k * p + i]! * s
      if (vi === 0) continue
      for (let j = 0; j < p; j++) out[i * p + j]! += vi * vectors[k * p + j]!
    }
  }
  return { matrix: out, rank }
}

/** Row-major product of A (r x s) and B (s x t). */
export function multiply(a: Float64Array, b: Float64Array, r: number, s: number, t: number): Float64Array {
  const out = new Float64Array(r * t)
  for (let i = 0; i < r; i++)
    for (let k = 0; k < s; k++) {
      const av = a[i * s + k]!
      if (av === 0) continue
      for (let j = 0; j < t; j++) out[i * t + j]! += av * b[k * t + j]!
    }
  return out
}

/** Transpose of an r x s matrix. */
export function transpose(a: Float64Array, r: number, s: number): Float64Array {
  const out = new Float64Array(r * s)
  for (let i = 0; i < r; i++) for (let j = 0; j < s; j++) out[j * r + i] = a[i * s + j]!
  return out
}

export { symmetricEigen }
