/**
 * Canonical correlation analysis between two representations, and the two summaries built on it:
 * SVCCA (Raghu et al. 2017: SVD to a variance threshold, then CCA) and PWCCA (Morcos et al. 2018:
 * canonical correlations weighted by how much of one side's units each canonical variate accounts for).
 * Symmetric in x and y widths: either side may be the wider one.
 */
import { GlasswingError, describeValue } from '../errors'
import type { MatrixLike } from '../representation/matrix'
import {
  centerColumns,
  crossProduct,
  gramLinear,
  inverseSqrt,
  multiply,
  readPair,
  symmetricEigen,
  transpose,
  type Dense,
} from './linalg'

/** Canonical correlations, largest first, and their mean. */
export interface CcaResult {
  /** Mean of the canonical correlations. */
  value: number
  correlations: number[]
  /** Rank kept on each side (directions of non-negligible variance). */
  ranks: [number, number]
  examples: number
}

/** SVCCA result: the mean CCA after reducing each side, with the components kept. */
export interface SvccaResult extends CcaResult {
  components: [number, number]
  threshold: number
}

/** PWCCA result: the weighted mean, the weights and the side they come from. */
export interface PwccaResult extends CcaResult {
  weights: number[]
  side: 'x' | 'y'
}

interface Core {
  correlations: number[]
  /** Canonical variates of the first side as columns, n x count, unit norm. */
  variates: Float64Array
  count: number
  ranks: [number, number]
}

/** CCA of centred a and b: singular values of Caa^{-1/2} Cab Cbb^{-1/2}, and a's canonical variates. */
function ccaCore(a: Dense, b: Dense): Core {
  const p = a.columns
  const q = b.columns
  const caa = crossProduct(a, a)
  const cbb = crossProduct(b, b)
  const cab = crossProduct(a, b)
  const wa = inverseSqrt(caa, p)
  const wb = inverseSqrt(cbb, q)
  const m = multiply(multiply(wa.matrix, cab, p, p, q), wb.matrix, p, q, q) // p x q
  const mmt = multiply(m, transpose(m, p, q), p, q, p) // p x p
  const { values, vectors } = symmetricEigen(mmt, p)
  const count = Math.min(wa.rank, wb.rank)
  const correlations: number[] = []
  for (let k = 0; k < count; k++) correlations.push(Math.min(1, Math.sqrt(Math.max(0, values[k]!))))
  // canonical weights a_k = Wa u_k; variates h_k = A a_k (unit norm since a_kᵀ Caa a_k = 1)
  const n = a.rows
  const variates = new Float64Array(n * count)
  for (let k = 0; k < count; k++) {
    const u = vectors.subarray(k * p, (k + 1) * p)
    const w = multiply(wa.matrix, Float64Array.from(u), p, p, 1)
    let norm = 0
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < p; j++) s += a.values[i * p + j]! * w[j]!
      variates[i * count + k] = s
      norm += s * s
    }
    norm = Math.sqrt(norm) || 1
    for (let i = 0; i < n; i++) variates[i * count + k]! /= norm
  }
  return { correlations, variates, count, ranks: [wa.rank, wb.rank] }
}

function mean(values: number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN
}

function requireRank(core: Core, where: string): void {
  if (core.count === 0)
    throw new GlasswingError({
      where,
      argument: core.ranks[0] === 0 ? 'x' : 'y',
      expected: 'a representation that varies over the examples',
      received: 'every unit constant',
    })
}

/**
 * Canonical correlations between x and y (same examples as rows); `value` is their mean.
 *
 * @example
 * gw.similarity.cca(actsA, actsB).correlations.slice(0, 5)
 */
export function cca(x: MatrixLike, y: MatrixLike): CcaResult {
  const where = 'gw.similarity.cca'
  const [a, b] = readPair(x, y, where)
  const core = ccaCore(centerColumns(a), centerColumns(b))
  requireRank(core, where)
  return {
    value: mean(core.correlations),
    correlations: core.correlations,
    ranks: core.ranks,
    examples: a.rows,
  }
}

/** Options of {@link svcca}. */
export interface SvccaOptions {
  /** Fraction of variance the kept singular directions explain on each side. Default 0.99. */
  threshold?: number
}

/** Projects centred m onto its top singular directions explaining `threshold` of the variance: n x k. */
export function reduceSvd(m: Dense, threshold: number): Dense {
  const { rows: n, columns: d } = m
  if (d <= n) {
    const { values, vectors } = symmetricEigen(crossProduct(m, m), d)
    const k = keep(values, threshold)
    const out = new Float64Array(n * k)
    for (let i = 0; i < n; i++)
      for (let c = 0; c < k; c++) {
        let s = 0
        for (let j = 0; j < d; j++) s += m.values[i * d + j]! * vectors[c * d + j]!
        out[i * k + c] = s
      }
    return { values: out, rows: n, columns: k }
  }
  const { values, vectors } = symmetricEigen(gramLinear(m), n)
  const k = keep(values, threshold)
  const out = new Float64Array(n * k)
  for (let c = 0; c < k; c++) {
    const s = Math.sqrt(Math.max(0, values[c]!))
    for (let i = 0; i < n; i++) out[i * k + c] = vectors[c * n + i]! * s
  }
  return { values: out, rows: n, columns: k }
}

function keep(eigenvalues: Float64Array, threshold: number): number {
  let total = 0
  for (const v of eigenvalues) total += Math.max(0, v)
  let running = 0
  for (let k = 0; k < eigenvalues.length; k++) {
    running += Math.max(0, eigenvalues[k]!)
    if (running >= threshold * total - 1e-12 * total) return k + 1
  }
  return eigenvalues.length
}

/**
 * SVCCA: each side reduced by SVD to the directions explaining `threshold` of its variance, then mean CCA.
 *
 * @example
 * gw.similarity.svcca(actsA, actsB, { threshold: 0.99 }).value
 */
export function svcca(x: MatrixLike, y: MatrixLike, options: SvccaOptions = {}): SvccaResult {
  const where = 'gw.similarity.svcca'
  const threshold = options.threshold ?? 0.99
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    throw new GlasswingError({
      where,
      argument: 'options.threshold',
      expected: 'a fraction of variance in (0, 1]',
      received: describeValue(threshold),
    })
  const [a, b] = readPair(x, y, where)
  const ra = reduceSvd(centerColumns(a), threshold)
  const rb = reduceSvd(centerColumns(b), threshold)
  const core = ccaCore(centerColumns(ra), centerColumns(rb))
  requireRank(core, where)
  return {
    value: mean(core.correlations),
    correlations: core.correlations,
    ranks: core.ranks,
    examples: a.rows,
    components: [ra.columns, rb.columns],
    threshold,
  }
}

/** Options of {@link pwcca}. */
export interface PwccaOptions {
  /** Whose units weight the canonical correlations: 'x' (default, as Morcos et al.'s first argument) or 'y'. */
  side?: 'x' | 'y'
}

/**
 * PWCCA: Σ αᵢ ρᵢ with αᵢ ∝ Σⱼ |⟨hᵢ, zⱼ⟩|, hᵢ the unit canonical variates and zⱼ the centred units of the
 * weighting side. Not symmetric: state the side.
 *
 * @example
 * gw.similarity.pwcca(actsA, actsB, { side: 'x' }).value
 */
export function pwcca(x: MatrixLike, y: MatrixLike, options: PwccaOptions = {}): PwccaResult {
  const where = 'gw.similarity.pwcca'
  const side = options.side ?? 'x'
  if (side !== 'x' && side !== 'y')
    throw new GlasswingError({
      where,
      argument: 'options.side',
      expected: "'x' or 'y'",
      received: describeValue(side),
    })
  const [a, b] = readPair(x, y, where)
  const first = centerColumns(side === 'x' ? a : b)
  const second = centerColumns(side === 'x' ? b : a)
  const core = ccaCore(first, second)
  requireRank(core, where)
  const { rows: n, columns: p } = first
  const weights = new Array<number>(core.count).fill(0)
  for (let k = 0; k < core.count; k++) {
    let s = 0
    for (let j = 0; j < p; j++) {
      let inner = 0
      for (let i = 0; i < n; i++) inner += core.variates[i * core.count + k]! * first.values[i * p + j]!
      s += Math.abs(inner)
    }
    weights[k] = s
  }
  const total = weights.reduce((s, v) => s + v, 0)
  for (let k = 0; k < weights.length; k++) weights[k]! /= total
  const value = weights.reduce((s, w, k) => s + w * core.correlations[k]!, 0)
  return {
    value,
    correlations: core.correlations,
    ranks: side === 'x' ? core.ranks : [core.ranks[1], core.ranks[0]],
    examples: a.rows,
    weights,
    side,
  }
}
