/**
 * Centered kernel alignment (Kornblith et al. 2019): linear CKA in its feature-space form (when both
 * representations have fewer features than examples) or its Gram form, RBF CKA with a stated bandwidth
 * rule, biased or debiased HSIC, and minibatch CKA (Nguyen, Raghu and Kornblith 2021) that only ever holds
 * one batch's Gram matrices.
 */
import { GlasswingError, describeValue } from '../errors'
import type { MatrixLike } from '../representation/matrix'
import {
  centerColumns,
  crossProduct,
  dot,
  gramLinear,
  median,
  readPair,
  squaredDistances,
  type Dense,
} from './linalg'

/** How the RBF bandwidth σ is chosen. */
export type BandwidthRule = 'median-squared' | 'median-distance'

/** Options of {@link cka}. */
export interface CkaOptions {
  /** 'linear' (default) or 'rbf'. */
  kernel?: 'linear' | 'rbf'
  /** Debiased HSIC (Song et al. 2012) instead of the biased estimator. Default false. */
  debiased?: boolean
  /**
   * RBF bandwidth rule. 'median-squared' (default, Kornblith's): σ² = threshold² x the median of all n x n
   * squared distances (diagonal zeros included, as numpy.median of the matrix). 'median-distance':
   * σ = threshold x the median Euclidean distance over pairs i < j.
   */
  bandwidth?: BandwidthRule
  /** Multiplier of the bandwidth rule. Default 1. */
  threshold?: number
  /** Linear CKA only: 'auto' (default: feature form when both widths are below n), 'feature' or 'gram'. */
  form?: 'auto' | 'feature' | 'gram'
}

/** A CKA value with how it was computed. */
export interface CkaResult {
  value: number
  kernel: 'linear' | 'rbf'
  debiased: boolean
  form: 'feature' | 'gram'
  /** RBF only: σ used for x and for y. */
  sigma?: [number, number]
  examples: number
  warnings: string[]
}

const WHERE = 'gw.similarity.cka'

/**
 * CKA between two representations of the same n examples (rows): 1 for identical ones, invariant to
 * orthogonal transforms and isotropic scaling.
 *
 * @example
 * gw.similarity.cka(actsA, actsB).value                      // linear, biased
 * gw.similarity.cka(actsA, actsB, { kernel: 'rbf', threshold: 0.5 })
 */
export function cka(x: MatrixLike, y: MatrixLike, options: CkaOptions = {}): CkaResult {
  const opts = checkOptions(options, WHERE)
  const [a, b] = readPair(x, y, WHERE)
  const n = a.rows
  const warnings: string[] = []
  const xc = centerColumns(a)
  const yc = centerColumns(b)
  requireVariation(xc, 'x')
  requireVariation(yc, 'y')
  if (opts.kernel === 'linear') {
    const form = opts.form === 'auto' ? (a.columns < n && b.columns < n ? 'feature' : 'gram') : opts.form
    const value =
      form === 'feature'
        ? featureLinearCka(xc, yc, opts.debiased, warnings)
        : gramCka(gramLinear(xc), gramLinear(yc), n, opts.debiased, warnings)
    return { value, kernel: 'linear', debiased: opts.debiased, form, examples: n, warnings: emit(warnings) }
  }
  const [kx, sx] = gramRbf(xc, opts.bandwidth, opts.threshold, 'x')
  const [ky, sy] = gramRbf(yc, opts.bandwidth, opts.threshold, 'y')
  const value = gramCka(kx, ky, n, opts.debiased, warnings)
  return {
    value,
    kernel: 'rbf',
    debiased: opts.debiased,
    form: 'gram',
    sigma: [sx, sy],
    examples: n,
    warnings: emit(warnings),
  }
}

function emit(warnings: string[]): string[] {
  for (const w of warnings) console.warn(`${WHERE}: ${w}`)
  return warnings
}

function requireVariation(m: Dense, argument: string): void {
  for (let i = 0; i < m.values.length; i++) if (m.values[i] !== 0) return
  throw new GlasswingError({
    where: WHERE,
    argument,
    expected: 'a representation that varies over the examples',
    received: 'every unit constant',
    hint: 'CKA of a constant representation is 0/0; check that the layer is alive on these inputs.',
  })
}

interface Checked {
  kernel: 'linear' | 'rbf'
  debiased: boolean
  bandwidth: BandwidthRule
  threshold: number
  form: 'auto' | 'feature' | 'gram'
}

export function checkOptions(options: CkaOptions, where: string): Checked {
  if (typeof options !== 'object' || options === null)
    throw new GlasswingError({
      where,
      argument: 'options',
      expected: 'an object',
      received: describeValue(options),
    })
  const kernel = options.kernel ?? 'linear'
  if (kernel !== 'linear' && kernel !== 'rbf')
    throw new GlasswingError({
      where,
      argument: 'options.kernel',
      expected: "'linear' or 'rbf'",
      received: describeValue(kernel),
    })
  const bandwidth = options.bandwidth ?? 'median-squared'
  if (bandwidth !== 'median-squared' && bandwidth !== 'median-distance')
    throw new GlasswingError({
      where,
      argument: 'options.bandwidth',
      expected: "'median-squared' or 'median-distance'",
      received: describeValue(bandwidth),
    })
  const threshold = options.threshold ?? 1
  if (typeof threshold !== 'number' || !(threshold > 0) || !Number.isFinite(threshold))
    throw new GlasswingError({
      where,
      argument: 'options.threshold',
      expected: 'a positive number',
      received: describeValue(threshold),
    })
  const form = options.form ?? 'auto'
  if (form !== 'auto' && form !== 'feature' && form !== 'gram')
    throw new GlasswingError({
      where,
      argument: 'options.form',
      expected: "'auto', 'feature' or 'gram'",
      received: describeValue(form),
    })
  const debiased = options.debiased ?? false
  if (typeof debiased !== 'boolean')
    throw new GlasswingError({
      where,
      argument: 'options.debiased',
      expected: 'true or false',
      received: describeValue(debiased),
    })
  return { kernel, debiased, bandwidth, threshold, form }
}

/** Kornblith's _debiased_dot_product_similarity_helper. */
function debiasedHelper(
  xty: number,
  rowsX: Float64Array,
  rowsY: Float64Array,
  normX: number,
  normY: number,
  n: number,
): number {
  return xty - (n / (n - 2)) * dot(rowsX, rowsY) + (normX * normY) / ((n - 1) * (n - 2))
}

function rowSquares(m: Dense): Float64Array {
  const out = new Float64Array(m.rows)
  for (let i = 0; i < m.rows; i++) {
    let s = 0
    for (let j = 0; j < m.columns; j++) s += m.values[i * m.columns + j]! ** 2
    out[i] = s
  }
  return out
}

function featureLinearCka(xc: Dense, yc: Dense, debiased: boolean, warnings: string[]): number {
  const xty = crossProduct(xc, yc)
  const xtx = crossProduct(xc, xc)
  const yty = crossProduct(yc, yc)
  let similarity = dot(xty, xty)
  let nx = Math.sqrt(dot(xtx, xtx))
  let ny = Math.sqrt(dot(yty, yty))
  if (debiased) {
    const n = xc.rows
    const rx = rowSquares(xc)
    const ry = rowSquares(yc)
    const sx = rx.reduce((s, v) => s + v, 0)
    const sy = ry.reduce((s, v) => s + v, 0)
    similarity = debiasedHelper(similarity, rx, ry, sx, sy, n)
    const hx = debiasedHelper(nx * nx, rx, rx, sx, sx, n)
    const hy = debiasedHelper(ny * ny, ry, ry, sy, sy, n)
    if (hx <= 0 || hy <= 0) {
      warnings.push(negativeWarning(hx, hy))
      return NaN
    }
    nx = Math.sqrt(hx)
    ny = Math.sqrt(hy)
  }
  return similarity / (nx * ny)
}

function negativeWarning(hx: number, hy: number): string {
  return `the debiased HSIC of ${hx <= 0 ? 'x' : 'y'} with itself is ${(hx <= 0 ? hx : hy).toPrecision(3)} (not positive), so the debiased CKA is undefined (NaN); use more examples or the biased estimator`
}

/** Kornblith's center_gram: biased (double centring) or unbiased (U-statistic centring, zero diagonal). */
export function centerGram(gram: Float64Array, n: number, unbiased: boolean): Float64Array {
  const g = Float64Array.from(gram)
  const means = new Float64Array(n)
  if (unbiased) {
    for (let i = 0; i < n; i++) g[i * n + i] = 0
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let i = 0; i < n; i++) s += g[i * n + j]!
      means[j] = s / (n - 2)
    }
    const total = means.reduce((s, v) => s + v, 0) / (2 * (n - 1))
    for (let j = 0; j < n; j++) means[j]! -= total
  } else {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let i = 0; i < n; i++) s += g[i * n + j]!
      means[j] = s / n
    }
    const total = means.reduce((s, v) => s + v, 0) / n / 2
    for (let j = 0; j < n; j++) means[j]! -= total
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j]! -= means[i]! + means[j]!
  if (unbiased) for (let i = 0; i < n; i++) g[i * n + i] = 0
  return g
}

function gramCka(
  kx: Float64Array,
  ky: Float64Array,
  n: number,
  debiased: boolean,
  warnings: string[],
): number {
  const cx = centerGram(kx, n, debiased)
  const cy = centerGram(ky, n, debiased)
  const hxx = dot(cx, cx)
  const hyy = dot(cy, cy)
  if (debiased && (hxx <= 0 || hyy <= 0)) {
    warnings.push(negativeWarning(hxx, hyy))
    return NaN
  }
  return dot(cx, cy) / Math.sqrt(hxx * hyy)
}

/** The RBF Gram matrix and σ under the stated bandwidth rule. */
export function gramRbf(
  m: Dense,
  rule: BandwidthRule,
  threshold: number,
  argument: string,
): [Float64Array, number] {
  const n = m.rows
  const d2 = squaredDistances(m)
  let sigma2: number
  if (rule === 'median-squared') sigma2 = threshold * threshold * median(d2)
  else {
    const pairs = new Float64Array((n * (n - 1)) / 2)
    let k = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[k++] = Math.sqrt(d2[i * n + j]!)
    sigma2 = (threshold * median(pairs)) ** 2
  }
  if (!(sigma2 > 0))
    throw new GlasswingError({
      where: WHERE,
      argument,
      expected: 'examples whose median pairwise distance is above zero (the RBF bandwidth rule)',
      received: 'a median distance of 0 (most examples identical)',
      hint: "Use kernel: 'linear', or pass more varied examples.",
    })
  const k = new Float64Array(n * n)
  for (let i = 0; i < n * n; i++) k[i] = Math.exp(-d2[i]! / (2 * sigma2))
  return [k, Math.sqrt(sigma2)]
}

/**
 * The unbiased HSIC estimator of Song et al. (2012) on two m x m Gram matrices, HSIC₁ in Nguyen et al.
 * (2021): defined for m >= 4 only (it divides by m(m - 3)).
 */
export function hsicUnbiased(k: Float64Array, l: Float64Array, m: number): number {
  let trace = 0
  let sumK = 0
  let sumL = 0
  let cross = 0
  for (let i = 0; i < m; i++) {
    let rk = 0
    let rl = 0
    for (let j = 0; j < m; j++) {
      if (i === j) continue
      const kv = k[i * m + j]!
      const lv = l[i * m + j]!
      trace += kv * lv
      rk += kv
      rl += lv
    }
    sumK += rk
    sumL += rl
    cross += rk * rl
  }
  return (trace + (sumK * sumL) / ((m - 1) * (m - 2)) - (2 / (m - 2)) * cross) / (m * (m - 3))
}

/** The biased estimator tr(KHLH) / (m - 1)². */
export function hsicBiased(k: Float64Array, l: Float64Array, m: number): number {
  return dot(centerGram(k, m, false), l) / ((m - 1) * (m - 1))
}

/** Options of {@link minibatchCka}. */
export interface MinibatchCkaOptions {
  /** Examples per minibatch (>= 4). Default 256. A trailing batch of fewer than 4 is merged into the one before. */
  batchSize?: number
  /** Unbiased HSIC per batch (default true, as Nguyen et al.); false for the biased estimator. */
  debiased?: boolean
}

/** Splits n examples into batches of `size`, merging a trailing batch shorter than 4 into the previous one. */
export function batchBounds(n: number, size: number): Array<[number, number]> {
  const bounds: Array<[number, number]> = []
  for (let s = 0; s < n; s += size) bounds.push([s, Math.min(n, s + size)])
  const last = bounds[bounds.length - 1]
  if (bounds.length > 1 && last && last[1] - last[0] < 4) {
    bounds.pop()
    bounds[bounds.length - 1]![1] = n
  }
  return bounds
}

/**
 * Accumulates minibatch CKA over streamed batches for any number of representations at once: add one
 * batch's linear Gram matrices (m x m each), read CKA for every pair. Holds only k x k running sums.
 */
export class CkaAccumulator {
  readonly sums: Float64Array
  batches = 0
  examples = 0
  readonly warnings: string[] = []

  constructor(
    readonly count: number,
    readonly debiased = true,
  ) {
    this.sums = new Float64Array(count * count)
  }

  add(grams: Float64Array[], m: number): void {
    if (m < 4)
      throw new GlasswingError({
        where: 'gw.similarity.minibatchCka',
        argument: 'batch',
        expected: 'a batch of at least 4 examples (the unbiased HSIC divides by m(m - 3))',
        received: `${m}`,
        hint: 'Use a larger batchSize.',
      })
    const hsic = this.debiased ? hsicUnbiased : hsicBiased
    for (let i = 0; i < this.count; i++)
      for (let j = i; j < this.count; j++) {
        const h = hsic(grams[i]!, grams[j]!, m)
        this.sums[i * this.count + j]! += h
        if (j !== i) this.sums[j * this.count + i]! += h
      }
    this.batches++
    this.examples += m
  }

  /** CKA between representations i and j; NaN (with a warning) where a self-HSIC sum is not positive. */
  value(i: number, j: number): number {
    const hxx = this.sums[i * this.count + i]!
    const hyy = this.sums[j * this.count + j]!
    if (!(hxx > 0) || !(hyy > 0)) {
      const w = `summed HSIC of representation ${hxx > 0 ? j : i} with itself is ${(hxx > 0 ? hyy : hxx).toPrecision(3)} (not positive); its CKA is NaN`
      if (!this.warnings.includes(w)) {
        this.warnings.push(w)
        console.warn(`gw.similarity.minibatchCka: ${w}`)
      }
      return NaN
    }
    return this.sums[i * this.count + j]! / Math.sqrt(hxx * hyy)
  }
}

/**
 * Minibatch linear CKA: Σ HSIC(K_b, L_b) / sqrt(Σ HSIC(K_b, K_b) Σ HSIC(L_b, L_b)) over consecutive
 * batches of the rows, never forming an n x n matrix.
 *
 * @example
 * gw.similarity.minibatchCka(actsA, actsB, { batchSize: 128 }).value
 */
export function minibatchCka(x: MatrixLike, y: MatrixLike, options: MinibatchCkaOptions = {}): CkaResult {
  const where = 'gw.similarity.minibatchCka'
  const batchSize = options.batchSize ?? 256
  if (!Number.isSafeInteger(batchSize) || batchSize < 4)
    throw new GlasswingError({
      where,
      argument: 'options.batchSize',
      expected: 'a whole number >= 4 (the unbiased HSIC divides by m(m - 3))',
      received: describeValue(batchSize),
      hint: 'torch_cka returns NaN below 4; use 4 or more.',
    })
  const debiased = options.debiased ?? true
  const [a, b] = readPair(x, y, where)
  const acc = new CkaAccumulator(2, debiased)
  for (const [s, e] of batchBounds(a.rows, batchSize)) {
    const m = e - s
    const xa = { values: a.values.subarray(s * a.columns, e * a.columns), rows: m, columns: a.columns }
    const yb = { values: b.values.subarray(s * b.columns, e * b.columns), rows: m, columns: b.columns }
    acc.add([gramLinear(xa), gramLinear(yb)], m)
  }
  const value = acc.value(0, 1)
  return { value, kernel: 'linear', debiased, form: 'gram', examples: a.rows, warnings: acc.warnings }
}
