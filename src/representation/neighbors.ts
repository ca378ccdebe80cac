/**
 * k nearest neighbours of every point, for t-SNE's affinities, UMAP's graph and the quality measures.
 * Exact: blocks of a single augmented matmul (-|x_j|^2 + 2 x_i.x_j ranks like -|x_i - x_j|^2) and
 * tf.topk. Approximate (large N): an inverted-file search, as FAISS's IVF: k-means cells, and each cell's
 * points are compared with the points of the cells their members fall nearest to.
 */
import * as tf from '@tensorflow/tfjs'
import { seededRandom } from '../data/random'
import { throwIfInterrupted } from '../session/interrupt'
import type { Matrix } from './matrix'

/** The k nearest other points of each point, nearest first. */
export interface Neighbors {
  k: number
  /** `indices[i * k + r]`: the r-th nearest neighbour of point i. */
  indices: Int32Array
  /** Euclidean distances, same layout. */
  distances: Float32Array
}

/** How neighbours are found: exactly, approximately (large N), or 'auto' (approximate above 20,000). */
export type NeighborMethod = 'auto' | 'exact' | 'approximate'

/** Points above which 'auto' searches approximately. */
export const APPROXIMATE_ABOVE = 20_000

/**
 * The k nearest neighbours of every row of a matrix (itself excluded).
 *
 * @example
 * const { indices, distances } = nearestNeighbors(matrix, 10)
 */
export function nearestNeighbors(
  matrix: Matrix,
  k: number,
  method: NeighborMethod = 'auto',
  seed = 0,
): Neighbors {
  const approximate = method === 'approximate' || (method === 'auto' && matrix.rows > APPROXIMATE_ABOVE)
  return approximate ? approximateNeighbors(matrix, k, seed) : exactNeighbors(matrix, k)
}

/** Exact neighbours by blocks of queries against all points. */
export function exactNeighbors(matrix: Matrix, k: number): Neighbors {
  const { rows } = matrix
  const all = new Int32Array(rows)
  for (let i = 0; i < rows; i++) all[i] = i
  const result = emptyNeighbors(rows, k)
  tf.tidy(() => {
    const { points, augmented } = augment(matrix)
    const block = Math.max(64, Math.floor(2 ** 25 / Math.max(rows, 1)))
    for (let start = 0; start < rows; start += block) {
      throwIfInterrupted('nearest neighbours', { done: start, total: rows, unit: 'points' })
      const size = Math.min(block, rows - start)
      tf.tidy(() => {
        const queries = points.slice([start, 0], [size, -1])
        searchBlock(queries, augmented, all, all.subarray(start, start + size), k, result)
      })
    }
  })
  return result
}

/** Approximate neighbours: k-means cells, each cell searched against the cells its points are near. */
export function approximateNeighbors(matrix: Matrix, k: number, seed = 0): Neighbors {
  const { rows, columns, values } = matrix
  const cells = Math.max(2, Math.round(Math.sqrt(rows)))
  const result = emptyNeighbors(rows, k)
  tf.tidy(() => {
    const { points, augmented } = augment(matrix)
    const random = seededRandom(seed)
    let centroids = new Float32Array(cells * columns)
    for (let c = 0; c < cells; c++) {
      const row = Math.floor(random() * rows)
      centroids.set(values.subarray(row * columns, (row + 1) * columns), c * columns)
    }
    let nearest = new Int32Array(0)
    const probes = 4
    for (let iteration = 0; iteration < 6; iteration++) {
      // Typed arrays are assigned, not returned: tidy would walk a returned array element by element.
      tf.tidy(() => {
        const scores = points.matMul(augmentCentroids(centroids, columns), false, true)
        nearest = tf.topk(scores, probes).indices.dataSync() as Int32Array
      })
      if (iteration < 5) centroids = updateCentroids(matrix, nearest, probes, centroids, cells)
    }
    // Members of each cell, and the cells each cell should be compared with (by how often its
    // members name them among their `probes` nearest centroids).
    const members: number[][] = Array.from({ length: cells }, () => [])
    const votes: Map<number, number>[] = Array.from({ length: cells }, () => new Map())
    for (let i = 0; i < rows; i++) {
      const home = nearest[i * probes]!
      members[home]!.push(i)
      for (let p = 0; p < probes; p++) {
        const cell = nearest[i * probes + p]!
        votes[home]!.set(cell, (votes[home]!.get(cell) ?? 0) + 1)
      }
    }
    const maximumCandidates = Math.max(8 * k, Math.round((rows / cells) * 16))
    for (let c = 0; c < cells; c++) {
      throwIfInterrupted('nearest neighbours', { done: c, total: cells, unit: 'cells' })
      const queries = members[c]!
      if (queries.length === 0) continue
      const ranked = [...votes[c]!.entries()].sort((a, b) => b[1] - a[1]).map(([cell]) => cell)
      const candidates: number[] = []
      for (const cell of ranked) {
        if (candidates.length >= maximumCandidates && cell !== c) continue
        candidates.push(...members[cell]!)
      }
      // Too few candidates in a sparse region: add the nearest cells by centroid until there are enough.
      const candidateIndices = Int32Array.from(candidates)
      if (candidateIndices.length <= k) {
        const everything = new Int32Array(rows).map((_, i) => i)
        runCell(points, augmented, everything, Int32Array.from(queries), k, result)
      } else {
        runCell(points, augmented, candidateIndices, Int32Array.from(queries), k, result)
      }
    }
  })
  return result
}

function runCell(
  points: tf.Tensor2D,
  augmented: tf.Tensor2D,
  candidates: Int32Array,
  queries: Int32Array,
  k: number,
  result: Neighbors,
): void {
  tf.tidy(() => {
    const q = tf.gather(points, tf.tensor1d(queries, 'int32'))
    const c = tf.gather(augmented, tf.tensor1d(candidates, 'int32'))
    searchBlock(q, c, candidates, queries, k, result)
  })
}

/** Points with a trailing 1, and [2x, -|x|^2]: their product ranks candidates by nearness. */
function augment(matrix: Matrix): { points: tf.Tensor2D; augmented: tf.Tensor2D } {
  const x = tf.tensor2d(matrix.values, [matrix.rows, matrix.columns])
  const squared = x.square().sum(1, true)
  return {
    points: tf.concat([x, tf.onesLike(squared)], 1) as tf.Tensor2D,
    augmented: tf.concat([x.mul(2), squared.neg()], 1) as tf.Tensor2D,
  }
}

function augmentCentroids(centroids: Float32Array, columns: number): tf.Tensor2D {
  const count = centroids.length / columns
  const c = tf.tensor2d(centroids, [count, columns])
  return tf.concat([c.mul(2), c.square().sum(1, true).neg()], 1) as tf.Tensor2D
}

function updateCentroids(
  { values, rows, columns }: Matrix,
  nearest: Int32Array,
  stride: number,
  previous: Float32Array,
  cells: number,
): Float32Array {
  const sums = new Float64Array(cells * columns)
  const counts = new Int32Array(cells)
  for (let i = 0; i < rows; i++) {
    const cell = nearest[i * stride]!
    counts[cell]!++
    const offset = cell * columns
    for (let j = 0; j < columns; j++) sums[offset + j] += values[i * columns + j]!
  }
  const next = new Float32Array(cells * columns)
  for (let c = 0; c < cells; c++) {
    for (let j = 0; j < columns; j++) {
      next[c * columns + j] =
        counts[c]! > 0 ? sums[c * columns + j]! / counts[c]! : previous[c * columns + j]!
    }
  }
  return next
}

/**
 * Scores queries against candidates, keeps the k+1 best, drops the query itself, and writes Euclidean
 * distances (recomputed from the squared norms) into `result`.
 */
function searchBlock(
  queries: tf.Tensor2D,
  candidates: tf.Tensor2D,
  candidateIds: Int32Array,
  queryIds: Int32Array,
  k: number,
  result: Neighbors,
): void {
  const take = Math.min(k + 1, candidates.shape[0])
  const scores = queries.matMul(candidates, false, true)
  const { values, indices } = tf.topk(scores, take)
  // Adding |x_i|^2 back turns scores into squared distances: |x_i|^2 - 2 x_i.x_j + |x_j|^2.
  const columns = queries.shape[1] - 1
  const queryNorms = queries.slice([0, 0], [-1, columns]).square().sum(1).dataSync()
  const best = values.dataSync()
  const where = indices.dataSync()
  for (let row = 0; row < queryIds.length; row++) {
    const self = queryIds[row]!
    let written = 0
    for (let r = 0; r < take && written < k; r++) {
      const id = candidateIds[where[row * take + r]!]!
      if (id === self) continue
      const offset = self * k + written
      result.indices[offset] = id
      result.distances[offset] = Math.sqrt(Math.max(0, queryNorms[row]! - best[row * take + r]!))
      written++
    }
  }
}

function emptyNeighbors(rows: number, k: number): Neighbors {
  return { k, indices: new Int32Array(rows * k), distances: new Float32Array(rows * k) }
}
