/**
 * Representational similarity analysis (Kriegeskorte et al. 2008): a representational dissimilarity matrix
 * (RDM) between the examples of each representation, then a comparison of the two RDMs' upper triangles.
 * The default distance is the correlation distance 1 - r most papers use (rsatoolbox's default is
 * euclidean). Constant rows policy: a row with no variance (correlation) or zero norm (cosine) has no
 * defined distance; by default that is an error naming the rows; `constantRows: 'maximal'` sets its
 * distance to every other row to 1 (uncorrelated / orthogonal) and 0 to itself.
 */
import { GlasswingError, describeValue } from '../errors'
import type { MatrixLike } from '../representation/matrix'
import { readPair, readRepresentation, type Dense } from './linalg'

export type RdmDistance = 'correlation' | 'euclidean' | 'cosine'
export type RdmComparison = 'spearman' | 'kendall-tau-a' | 'pearson' | 'cosine'

export interface RdmOptions {
  /** 'correlation' (default, 1 - Pearson r), 'euclidean' or 'cosine' (1 - cosine similarity). */
  distance?: RdmDistance
  /** 'error' (default) or 'maximal' for rows without a defined correlation/cosine distance. */
  constantRows?: 'error' | 'maximal'
}

export interface RsaOptions extends RdmOptions {
  /** How the RDMs are compared: 'spearman' (default), 'kendall-tau-a', 'pearson' or 'cosine'. */
  compare?: RdmComparison
}

/** An n x n RDM, symmetric with a zero diagonal. */
export interface Rdm {
  values: Float64Array
  size: number
  distance: RdmDistance
  /** Rows handled by the constant-rows policy. */
  constantRows: number[]
}

export interface RsaResult {
  value: number
  compare: RdmComparison
  distance: RdmDistance
  rdmX: Rdm
  rdmY: Rdm
  examples: number
}

function checkRdmOptions(options: RdmOptions, where: string): Required<RdmOptions> {
  if (typeof options !== 'object' || options === null)
    throw new GlasswingError({
      where,
      argument: 'options',
      expected: 'an object',
      received: describeValue(options),
    })
  const distance = options.distance ?? 'correlation'
  if (!['correlation', 'euclidean', 'cosine'].includes(distance))
    throw new GlasswingError({
      where,
      argument: 'options.distance',
      expected: "'correlation', 'euclidean' or 'cosine'",
      received: describeValue(distance),
    })
  const constantRows = options.constantRows ?? 'error'
  if (constantRows !== 'error' && constantRows !== 'maximal')
    throw new GlasswingError({
      where,
      argument: 'options.constantRows',
      expected: "'error' or 'maximal'",
      received: describeValue(constantRows),
    })
  return { distance, constantRows }
}

function rdmOf(m: Dense, options: Required<RdmOptions>, where: string, argument: string): Rdm {
  const { rows: n, columns: d, values } = m
  const { distance } = options
  const out = new Float64Array(n * n)
  let rows: Float64Array = values
  const bad: number[] = []
  if (distance !== 'euclidean') {
    rows = Float64Array.from(values)
    for (let i = 0; i < n; i++) {
      let mean = 0
      if (distance === 'correlation') {
        for (let j = 0; j < d; j++) mean += rows[i * d + j]!
        mean /= d
      }
      let norm = 0
      for (let j = 0; j < d; j++) {
        const v = rows[i * d + j]! - mean
        rows[i * d + j] = v
        norm += v * v
      }
      norm = Math.sqrt(norm)
      if (!(norm > 1e-12 * Math.max(1, Math.abs(mean)))) {
        bad.push(i)
        norm = 0
      }
      for (let j = 0; j < d; j++) rows[i * d + j] = norm === 0 ? 0 : rows[i * d + j]! / norm
    }
    if (bad.length && options.constantRows === 'error')
      throw new GlasswingError({
        where,
        argument,
        expected: `examples whose activations vary across units (the ${distance} distance of a ${distance === 'correlation' ? 'constant' : 'zero'} row is undefined)`,
        received: `${distance === 'correlation' ? 'constant' : 'all-zero'} row${bad.length > 1 ? 's' : ''} ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}`,
        hint: "Drop those examples, use distance: 'euclidean', or pass constantRows: 'maximal' to give them distance 1 to every other example.",
      })
  }
  const isBad = new Uint8Array(n)
  for (const i of bad) isBad[i] = 1
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let v: number
      if (distance === 'euclidean') {
        let s = 0
        for (let k = 0; k < d; k++) s += (rows[i * d + k]! - rows[j * d + k]!) ** 2
        v = Math.sqrt(s)
      } else if (isBad[i] || isBad[j]) v = 1
      else {
        let s = 0
        for (let k = 0; k < d; k++) s += rows[i * d + k]! * rows[j * d + k]!
        v = 1 - s
      }
      out[i * n + j] = v
      out[j * n + i] = v
    }
  return { values: out, size: n, distance, constantRows: bad }
}

/**
 * The RDM of one representation (examples as rows).
 *
 * @example
 * gw.similarity.rdm(acts, { distance: 'correlation' }).values
 */
export function rdm(x: MatrixLike, options: RdmOptions = {}): Rdm {
  const where = 'gw.similarity.rdm'
  const opts = checkRdmOptions(options, where)
  return rdmOf(readRepresentation(x, where, 'x', 3), opts, where, 'x')
}

function upper(r: Rdm): Float64Array {
  const n = r.size
  const out = new Float64Array((n * (n - 1)) / 2)
  let k = 0
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = r.values[i * n + j]!
  return out
}

/** Average ranks (ties share their mean rank), 1-based. */
export function ranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!)
  const out = new Float64Array(values.length)
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++
    const r = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) out[order[k]!] = r
    i = j + 1
  }
  return out
}

export function pearson(a: Float64Array, b: Float64Array): number {
  const m = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < m; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= m
  mb /= m
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < m; i++) {
    const u = a[i]! - ma
    const v = b[i]! - mb
    sab += u * v
    saa += u * u
    sbb += v * v
  }
  return sab / Math.sqrt(saa * sbb)
}

function cosine(a: Float64Array, b: Float64Array): number {
  let s = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!
    na += a[i]! ** 2
    nb += b[i]! ** 2
  }
  return s / Math.sqrt(na * nb)
}

/** Kendall's tau-a: (concordant - discordant) / (m(m - 1) / 2), ties counted as neither. O(m²). */
function tauA(a: Float64Array, b: Float64Array): number {
  const m = a.length
  let s = 0
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) s += Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!)
  return s / ((m * (m - 1)) / 2)
}

/** Largest number of RDM entries Kendall's tau-a compares (it is quadratic in them). */
const MAX_TAU_ENTRIES = 20_000

/** Compares two RDMs of the same examples by their upper triangles. */
export function compareRdms(x: Rdm, y: Rdm, method: RdmComparison = 'spearman'): number {
  const where = 'gw.similarity.compareRdms'
  if (x.size !== y.size)
    throw new GlasswingError({
      where,
      argument: 'y',
      expected: `an RDM of ${x.size} examples like x`,
      received: `${y.size}`,
    })
  const a = upper(x)
  const b = upper(y)
  switch (method) {
    case 'spearman':
      return pearson(ranks(a), ranks(b))
    case 'pearson':
      return pearson(a, b)
    case 'cosine':
      return cosine(a, b)
    case 'kendall-tau-a':
      if (a.length > MAX_TAU_ENTRIES)
        throw new GlasswingError({
          where,
          argument: 'compare',
          expected: `at most ${MAX_TAU_ENTRIES.toLocaleString('en')} RDM entries for Kendall's tau-a (it is quadratic)`,
          received: `${a.length.toLocaleString('en')} entries (${x.size} examples)`,
          hint: "Use compare: 'spearman', or fewer examples.",
        })
      return tauA(a, b)
    default:
      throw new GlasswingError({
        where,
        argument: 'compare',
        expected: "'spearman', 'kendall-tau-a', 'pearson' or 'cosine'",
        received: describeValue(method),
      })
  }
}

/**
 * RSA between two representations of the same examples: compare(RDM(x), RDM(y)). Invariant to
 * permuting the units of either side.
 *
 * @example
 * gw.similarity.rsa(actsA, actsB, { distance: 'correlation', compare: 'spearman' }).value
 */
export function rsa(x: MatrixLike, y: MatrixLike, options: RsaOptions = {}): RsaResult {
  const where = 'gw.similarity.rsa'
  const opts = checkRdmOptions(options, where)
  const compare = options.compare ?? 'spearman'
  if (!['spearman', 'kendall-tau-a', 'pearson', 'cosine'].includes(compare))
    throw new GlasswingError({
      where,
      argument: 'options.compare',
      expected: "'spearman', 'kendall-tau-a', 'pearson' or 'cosine'",
      received: describeValue(compare),
    })
  const [a, b] = readPair(x, y, where, 3)
  const rdmX = rdmOf(a, opts, where, 'x')
  const rdmY = rdmOf(b, opts, where, 'y')
  return {
    value: compareRdms(rdmX, rdmY, compare),
    compare,
    distance: opts.distance,
    rdmX,
    rdmY,
    examples: a.rows,
  }
}
