/**
 * Non-negative matrix factorisation X ≈ W H (Lee and Seung's multiplicative updates for the Frobenius
 * loss, as scikit-learn's solver='mu'), from a deterministic NNDSVD start (Boutsidis and Gallopoulos
 * 2008; 'nndsvda' fills its zeros with the mean of X so that the updates can move them). Signed data
 * (activations before a ReLU) are shifted by their minimum first (`signed: 'shift'`, stated in the
 * result) or refused.
 */
import { GlasswingError, describeValue } from '../errors'
import type { MatrixLike } from '../representation/matrix'
import { throwIfInterrupted } from '../session/interrupt'
import { gramLinear, multiply, readRepresentation, symmetricEigen, transpose } from './linalg'

export interface NmfOptions {
  /** Factors k. Default 6. */
  components?: number
  /** Multiplicative update steps. Default 200. */
  iterations?: number
  /** 'nndsvda' (default) or 'nndsvd' (exact zeros kept). */
  init?: 'nndsvd' | 'nndsvda'
  /** What to do with negative values: 'error' (default) or 'shift' (subtract the minimum). */
  signed?: 'error' | 'shift'
}

export interface NmfResult {
  /** n x k, row-major. */
  w: Float64Array
  /** k x d, row-major. */
  h: Float64Array
  rows: number
  columns: number
  components: number
  /** ||X - WH||_F (of the shifted data when shifted). */
  error: number
  /** The value subtracted before factorising (0 when none). */
  shift: number
  iterations: number
}

const WHERE = 'gw.similarity.nmf'
const EPS = 1.1920928955078125e-7 // float32 machine epsilon, as scikit-learn's EPSILON

/** Top-k singular triplets of X (n x d) from the eigen-decomposition of the smaller Gram matrix. */
function topSvd(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
): { u: Float64Array[]; s: number[]; v: Float64Array[] } {
  const u: Float64Array[] = []
  const v: Float64Array[] = []
  const s: number[] = []
  if (d <= n) {
    const xtx = multiply(transpose(x, n, d), x, d, n, d)
    const { values, vectors } = symmetricEigen(xtx, d)
    for (let c = 0; c < k; c++) {
      const sigma = Math.sqrt(Math.max(0, values[c]!))
      const vc = Float64Array.from(vectors.subarray(c * d, (c + 1) * d))
      const uc = multiply(x, vc, n, d, 1).map((t) => (sigma > 0 ? t / sigma : 0))
      u.push(uc)
      v.push(vc)
      s.push(sigma)
    }
  } else {
    const { values, vectors } = symmetricEigen(gramLinear({ values: x, rows: n, columns: d }), n)
    for (let c = 0; c < k; c++) {
      const sigma = Math.sqrt(Math.max(0, values[c]!))
      const uc = Float64Array.from(vectors.subarray(c * n, (c + 1) * n))
      const vc = multiply(uc, x, 1, n, d).map((t) => (sigma > 0 ? t / sigma : 0))
      u.push(uc)
      v.push(vc)
      s.push(sigma)
    }
  }
  return { u, s, v }
}

function norm(a: Float64Array): number {
  let s = 0
  for (const t of a) s += t * t
  return Math.sqrt(s)
}

/** scikit-learn's _initialize_nmf for 'nndsvd' / 'nndsvda'. */
function nndsvd(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  fill: boolean,
): [Float64Array, Float64Array] {
  const { u, s, v } = topSvd(x, n, d, k)
  const w = new Float64Array(n * k)
  const h = new Float64Array(k * d)
  for (let i = 0; i < n; i++) w[i * k] = Math.sqrt(s[0]!) * Math.abs(u[0]![i]!)
  for (let j = 0; j < d; j++) h[j] = Math.sqrt(s[0]!) * Math.abs(v[0]![j]!)
  for (let c = 1; c < k; c++) {
    const xp = u[c]!.map((t) => Math.max(t, 0))
    const yp = v[c]!.map((t) => Math.max(t, 0))
    const xn = u[c]!.map((t) => Math.max(-t, 0))
    const yn = v[c]!.map((t) => Math.max(-t, 0))
    const nxp = norm(xp)
    const nyp = norm(yp)
    const nxn = norm(xn)
    const nyn = norm(yn)
    const mp = nxp * nyp
    const mn = nxn * nyn
    let a: Float64Array, b: Float64Array, sigma: number
    if (mp > mn) {
      a = xp.map((t) => t / nxp)
      b = yp.map((t) => t / nyp)
      sigma = mp
    } else {
      a = xn.map((t) => t / nxn)
      b = yn.map((t) => t / nyn)
      sigma = mn
    }
    const lbd = Math.sqrt(s[c]! * sigma)
    for (let i = 0; i < n; i++) w[i * k + c] = lbd * a[i]!
    for (let j = 0; j < d; j++) h[c * d + j] = lbd * b[j]!
  }
  for (let i = 0; i < w.length; i++) if (w[i]! < 1e-6) w[i] = 0
  for (let i = 0; i < h.length; i++) if (h[i]! < 1e-6) h[i] = 0
  if (fill) {
    let mean = 0
    for (const t of x) mean += t
    mean /= x.length
    for (let i = 0; i < w.length; i++) if (w[i] === 0) w[i] = mean
    for (let i = 0; i < h.length; i++) if (h[i] === 0) h[i] = mean
  }
  return [w, h]
}

/**
 * NMF of a non-negative matrix (rows = examples or spatial positions, columns = units).
 *
 * @example
 * const { w, h, error } = gw.similarity.nmf(acts, { components: 6 })
 */
export function nmf(x: MatrixLike, options: NmfOptions = {}): NmfResult {
  const k = options.components ?? 6
  const iterations = options.iterations ?? 200
  const init = options.init ?? 'nndsvda'
  const signed = options.signed ?? 'error'
  const m = readRepresentation(x, WHERE, 'x', 2)
  const { rows: n, columns: d } = m
  if (!Number.isSafeInteger(k) || k < 1 || k > Math.min(n, d))
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.components',
      expected: `a whole number from 1 to ${Math.min(n, d)} (the smaller side of x)`,
      received: describeValue(k),
    })
  if (!Number.isSafeInteger(iterations) || iterations < 1)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.iterations',
      expected: 'a whole number >= 1',
      received: describeValue(iterations),
    })
  if (init !== 'nndsvd' && init !== 'nndsvda')
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.init',
      expected: "'nndsvd' or 'nndsvda'",
      received: describeValue(init),
    })
  const data = m.values
  let min = Infinity
  for (const t of data) min = Math.min(min, t)
  let shift = 0
  if (min < 0) {
    if (signed !== 'shift')
      throw new GlasswingError({
        where: WHERE,
        argument: 'x',
        expected: 'non-negative values (NMF factorises a non-negative matrix)',
        received: `a minimum of ${min.toPrecision(4)}`,
        hint: "Take activations after a ReLU, or pass signed: 'shift' to subtract the minimum first.",
      })
    shift = min
    for (let i = 0; i < data.length; i++) data[i]! -= min
  }
  throwIfInterrupted(WHERE)
  const [w, h] = nndsvd(data, n, d, k, init === 'nndsvda')
  throwIfInterrupted(WHERE)
  for (let it = 0; it < iterations; it++) {
    throwIfInterrupted(WHERE, { done: it, total: iterations, unit: 'iterations' })
    // W <- W * (X Hᵀ) / (W H Hᵀ)
    const ht = transpose(h, k, d)
    const numW = multiply(data, ht, n, d, k)
    const denW = multiply(w, multiply(h, ht, k, d, k), n, k, k)
    for (let i = 0; i < w.length; i++) w[i]! *= numW[i]! / (denW[i] === 0 ? EPS : denW[i]!)
    throwIfInterrupted(WHERE, { done: it, total: iterations, unit: 'iterations' })
    // H <- H * (Wᵀ X) / (Wᵀ W H)
    const wt = transpose(w, n, k)
    const numH = multiply(wt, data, k, n, d)
    const denH = multiply(multiply(wt, w, k, n, k), h, k, k, d)
    for (let i = 0; i < h.length; i++) h[i]! *= numH[i]! / (denH[i] === 0 ? EPS : denH[i]!)
  }
  const wh = multiply(w, h, n, k, d)
  let err = 0
  for (let i = 0; i < data.length; i++) err += (data[i]! - wh[i]!) ** 2
  return { w, h, rows: n, columns: d, components: k, error: Math.sqrt(err), shift, iterations }
}
