/**
 * The one input shape every representation method sees: a dense row-major matrix of float32 values.
 * Tensors, nested arrays and flat arrays are normalized here, once, at the boundary.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'

/** N points of D features, row-major (`values[i * columns + j]`). */
export interface Matrix {
  values: Float32Array
  rows: number
  columns: number
}

/** What a representation method accepts as its points. */
export type MatrixLike = tf.Tensor | Matrix | number[][] | Float32Array[]

/** Features above which a dense layer is too wide to embed without reducing it first. */
export const MAX_FEATURES = 1_000_000

/**
 * Reads points into a {@link Matrix}; rank-3+ tensors are flattened per row.
 *
 * @example
 * toMatrix([[0, 1], [2, 3]], 'gw.pca')   // { rows: 2, columns: 2, values: Float32Array [0, 1, 2, 3] }
 */
export function toMatrix(input: MatrixLike, where: string, argument = 'data'): Matrix {
  if (input instanceof tf.Tensor) {
    if (input.isDisposed || input.dtype === 'string' || input.dtype === 'complex64') {
      throw new GlasswingError({
        where,
        argument,
        expected: 'a numeric tensor of shape [points, features]',
        received: input.isDisposed ? 'a disposed tensor' : describeValue(input),
      })
    }
    if (input.rank < 2) {
      throw new GlasswingError({
        where,
        argument,
        expected: 'a tensor of shape [points, features] (or [points, ...] to flatten)',
        received: describeValue(input),
        hint: 'Stack the points into rows, for example `tf.stack(points)`.',
      })
    }
    const rows = input.shape[0]!
    const columns = input.size / Math.max(rows, 1)
    const values =
      input.dtype === 'float32' ? (input.dataSync() as Float32Array) : Float32Array.from(input.dataSync())
    return { values: Float32Array.from(values), rows, columns }
  }
  if (isMatrix(input)) {
    if (input.values.length !== input.rows * input.columns) {
      throw new GlasswingError({
        where,
        argument,
        expected: `${input.rows * input.columns} values for ${input.rows}x${input.columns}`,
        received: `${input.values.length}`,
      })
    }
    return input
  }
  if (Array.isArray(input)) {
    const rows = input.length
    const columns = rows > 0 ? input[0]!.length : 0
    const values = new Float32Array(rows * columns)
    for (let i = 0; i < rows; i++) {
      const row = input[i]!
      if (row.length !== columns) {
        throw new GlasswingError({
          where,
          argument: `${argument}[${i}]`,
          expected: `a row of ${columns} numbers like the first`,
          received: `${row.length} numbers`,
          hint: 'Every point needs the same number of features.',
        })
      }
      values.set(row, i * columns)
    }
    return { values, rows, columns }
  }
  throw new GlasswingError({
    where,
    argument,
    expected: 'a tensor, an array of rows, or { values, rows, columns }',
    received: describeValue(input),
  })
}

function isMatrix(value: unknown): value is Matrix {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Matrix).values instanceof Float32Array &&
    typeof (value as Matrix).rows === 'number'
  )
}

/**
 * Rejects what no embedding can handle: too few points, non-finite values, absurdly wide rows.
 * Returns the number of points that duplicate an earlier one (callers warn about them).
 */
export function validatePoints(matrix: Matrix, where: string, minimumPoints = 4): { duplicates: number } {
  const { values, rows, columns } = matrix
  if (rows < minimumPoints) {
    throw new GlasswingError({
      where,
      argument: 'data',
      expected: `at least ${minimumPoints} points`,
      received: `${rows}`,
      hint: 'An embedding of so few points says nothing; pass more inputs.',
    })
  }
  if (columns > MAX_FEATURES) {
    throw new GlasswingError({
      where,
      argument: 'data',
      expected: `at most ${MAX_FEATURES.toLocaleString('en')} features per point`,
      received: `${columns.toLocaleString('en')}`,
      hint: "Reduce it first: `gw.pca(data, { components: 50 })`, or pool the layer (`pool: 'average'`).",
    })
  }
  const bad: number[] = []
  for (let i = 0; i < rows && bad.length < 5; i++) {
    for (let j = i * columns, end = j + columns; j < end; j++) {
      if (!Number.isFinite(values[j]!)) {
        bad.push(i)
        break
      }
    }
  }
  if (bad.length > 0) {
    throw new GlasswingError({
      where,
      argument: 'data',
      expected: 'finite numbers in every row',
      received: `NaN or Infinity in row${bad.length > 1 ? 's' : ''} ${bad.join(', ')}${bad.length === 5 ? ', ...' : ''}`,
      hint: 'Drop or repair those rows first (a NaN activation usually means a diverged model or bad input).',
    })
  }
  return { duplicates: countDuplicateRows(matrix) }
}

/** Rows equal to an earlier row, found by hashing each row's bytes. */
export function countDuplicateRows({ values, rows, columns }: Matrix): number {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
  const seen = new Set<string>()
  let duplicates = 0
  const rowBytes = columns * 4
  for (let i = 0; i < rows; i++) {
    const key = Buffer.from(bytes.subarray(i * rowBytes, (i + 1) * rowBytes)).toString('base64')
    if (seen.has(key)) duplicates++
    else seen.add(key)
  }
  return duplicates
}
