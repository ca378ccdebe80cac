/**
 * How faithful an embedding is to its input: trustworthiness (Venna & Kaski 2001, exactly as
 * sklearn.manifold.trustworthiness computes it) and k-nearest-neighbour preservation (the share of each
 * point's k input-space neighbours that stay among its k embedding-space neighbours).
 * Both rank every point against all others; above `sampleAbove` points, a seeded sample of queries is
 * ranked (against all points) and the figures are estimates.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { shuffledIndices } from '../data/random'
import type { Matrix } from './matrix'

/** Quality figures of an embedding. */
export interface EmbeddingQuality {
  k: number
  /** In [0, 1]; 1 when no embedding-space neighbour is a stranger in the input space. */
  trustworthiness: number
  /** Mean share of input-space k-NN kept in the embedding's k-NN, in [0, 1]. */
  knnPreservation: number
  /** Number of query points ranked (N unless sampled). */
  queries: number
}

/** Options of {@link embeddingQuality}. */
export interface QualityOptions {
  /** Neighbours compared. Default 10 (as the issue and scikit-learn’s examples), fewer below 22 points (k < N/2). */
  k?: number
  /** Points above which queries are sampled. Default 10,000. */
  sampleAbove?: number
  /** Queries ranked when sampling. Default 5,000. */
  sampleSize?: number
  /** Seed of the sample. Default 0. */
  seed?: number
}

/**
 * Trustworthiness and kNN preservation of `embedded` (rows matching `original`).
 *
 * @example
 * const { trustworthiness, knnPreservation } = embeddingQuality(input, coordinates, { k: 10 })
 */
export function embeddingQuality(
  original: Matrix,
  embedded: Matrix,
  options: QualityOptions = {},
): EmbeddingQuality {
  const n = original.rows
  // Default 10 neighbours, fewer for a handful of points (k must stay below N/2).
  const k = options.k ?? Math.max(1, Math.min(10, Math.ceil(n / 2) - 1))
  if (embedded.rows !== n) {
    throw new GlasswingError({
      where: 'gw.quality',
      argument: 'embedded',
      expected: `${n} rows, one per input point`,
      received: `${embedded.rows}`,
    })
  }
  if (!(Number.isInteger(k) && k >= 1 && k < n / 2)) {
    throw new GlasswingError({
      where: 'gw.quality',
      argument: 'options.k',
      expected: `an integer from 1 to below N/2 = ${n / 2}`,
      received: String(k),
    })
  }
  const sampled = n > (options.sampleAbove ?? 10_000)
  const queries = sampled ? shuffledIndices(n, options.seed ?? 0).slice(0, options.sampleSize ?? 5000) : null
  const count = queries ? queries.length : n
  let penalty = 0
  let kept = 0
  const inputNearest = new Int32Array(k)
  const embeddedNearest = new Int32Array(k)
  const embeddedRow = new Float64Array(n)
  forEachDistanceRow(original, queries, (i, inputRow) => {
    inputRow[i] = Infinity
    const e = embedded.columns
    for (let j = 0; j < n; j++) {
      let sum = 0
      for (let c = 0; c < e; c++) {
        const d = embedded.values[i * e + c]! - embedded.values[j * e + c]!
        sum += d * d
      }
      embeddedRow[j] = sum
    }
    embeddedRow[i] = Infinity
    smallest(inputRow, k, inputNearest)
    smallest(embeddedRow, k, embeddedNearest)
    const inInput = new Set(inputNearest)
    for (let r = 0; r < k; r++) {
      const j = embeddedNearest[r]!
      if (inInput.has(j)) {
        kept++
        continue
      }
      // Rank of j among i's input-space neighbours (1-based): one more than the points closer.
      const threshold = inputRow[j]!
      let closer = 0
      for (let l = 0; l < n; l++) if (inputRow[l]! < threshold) closer++
      penalty += closer + 1 - k
    }
  })
  return {
    k,
    trustworthiness: 1 - (2 / (count * k * (2 * n - 3 * k - 1))) * penalty,
    knnPreservation: kept / (count * k),
    queries: count,
  }
}

/** Calls `visit(i, squaredDistancesFromI)` for each query row, computing rows in blocks with tfjs. */
function forEachDistanceRow(
  matrix: Matrix,
  queries: Int32Array | null,
  visit: (i: number, row: Float32Array) => void,
): void {
  const { rows, columns, values } = matrix
  const order = queries ?? Int32Array.from({ length: rows }, (_, i) => i)
  const block = Math.max(16, Math.floor(2 ** 24 / rows))
  tf.tidy(() => {
    const points = tf.tensor2d(values, [rows, columns])
    const norms = points.square().sum(1)
    for (let start = 0; start < order.length; start += block) {
      const ids = order.subarray(start, Math.min(order.length, start + block))
      let distances = new Float32Array(0)
      // Assigned, not returned: tf.tidy would walk a returned typed array element by element.
      tf.tidy(() => {
        const q = tf.gather(points, tf.tensor1d(ids, 'int32'))
        const qNorms = tf.gather(norms, tf.tensor1d(ids, 'int32')).reshape([-1, 1])
        const rows = qNorms.add(norms.reshape([1, -1])).sub(q.matMul(points, false, true).mul(2))
        distances = rows.dataSync() as Float32Array
      })
      ids.forEach((i, r) => {
        // Each query ranks all n points: a block of them takes seconds on tens of thousands of points.
        throwIfInterrupted('embedding quality', { done: start + r, total: order.length, unit: 'points' })
        visit(i, distances.subarray(r * rows, (r + 1) * rows))
      })
    }
  })
}

/** Indices of the k smallest values (ties: lower index first), in no particular order. */
function smallest(row: ArrayLike<number>, k: number, out: Int32Array): void {
  const best = new Float64Array(k).fill(Infinity)
  out.fill(-1)
  let worst = 0
  for (let j = 0; j < row.length; j++) {
    const v = row[j]!
    if (v < best[worst]!) {
      best[worst] = v
      out[worst] = j
      worst = 0
      for (let r = 1; r < k; r++) if (best[r]! > best[worst]!) worst = r
    }
  }
}
