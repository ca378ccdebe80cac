/**
 * Orthogonal Procrustes distance (Ding, Denain and Steinhardt 2021): both representations centred and
 * scaled to unit Frobenius norm, d = 2 - 2 ||Xᵀ Y||_* (0 for representations equal up to rotation, at most 2).
 */
import type { MatrixLike } from '../representation/matrix'
import { GlasswingError } from '../errors'
import {
  centerColumns,
  crossProduct,
  gramLinear,
  multiply,
  readPair,
  symmetricEigen,
  transpose,
  type Dense,
} from './linalg'

export interface ProcrustesResult {
  value: number
  /** ||XᵀY||_* of the normalised representations (1 - value / 2). */
  nuclearNorm: number
  examples: number
}

function normalise(m: Dense, argument: string): Dense {
  const c = centerColumns(m)
  let s = 0
  for (const v of c.values) s += v * v
  if (!(s > 0))
    throw new GlasswingError({
      where: 'gw.similarity.procrustes',
      argument,
      expected: 'a representation that varies over the examples',
      received: 'every unit constant',
    })
  const f = 1 / Math.sqrt(s)
  for (let i = 0; i < c.values.length; i++) c.values[i]! *= f
  return c
}

/**
 * @example
 * gw.similarity.procrustes(actsA, actsB).value
 */
export function procrustes(x: MatrixLike, y: MatrixLike): ProcrustesResult {
  const [a0, b0] = readPair(x, y, 'gw.similarity.procrustes')
  const a = normalise(a0, 'x')
  const b = normalise(b0, 'y')
  const n = a.rows
  let eig: Float64Array
  if (Math.min(a.columns, b.columns) <= n) {
    // singular values of the p x q cross product, from its smaller Gram
    const small = a.columns <= b.columns
    const [u, v] = small ? [a, b] : [b, a]
    const m = crossProduct(u, v) // p x q, p <= q
    const p = u.columns
    const q = v.columns
    eig = symmetricEigen(multiply(m, transpose(m, p, q), p, q, p), p).values
  } else {
    // same nonzero singular values: eig of Kx^{1/2} Ky Kx^{1/2} (n x n)
    const kx = gramLinear(a)
    const ky = gramLinear(b)
    const { values, vectors } = symmetricEigen(kx, n)
    const root = new Float64Array(n * n)
    for (let k = 0; k < n; k++) {
      const s = Math.sqrt(Math.max(0, values[k]!))
      if (s === 0) continue
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) root[i * n + j]! += s * vectors[k * n + i]! * vectors[k * n + j]!
    }
    eig = symmetricEigen(multiply(multiply(root, ky, n, n, n), root, n, n, n), n).values
  }
  let nuclear = 0
  for (const e of eig) nuclear += Math.sqrt(Math.max(0, e))
  return { value: Math.max(0, 2 - 2 * nuclear), nuclearNorm: nuclear, examples: n }
}
