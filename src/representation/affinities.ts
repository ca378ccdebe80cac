/**
 * t-SNE's input similarities: Gaussian conditional probabilities over each point's nearest neighbours,
 * their bandwidth found by binary search so that each row's perplexity is the one asked for (as
 * openTSNE and scikit-learn do), then symmetrized: P = (P + P^T) / sum.
 */
import type { Neighbors } from './neighbors'

/**
 * A sparse symmetric matrix stored by its upper triangle in compressed rows: row i holds the pairs
 * (i, j) with j > i, each once; P_ji is the same value.
 */
export interface SparseAffinities {
  rows: number
  /** Row i's entries are `columns[offsets[i]] .. columns[offsets[i + 1] - 1]`. */
  offsets: Int32Array
  columns: Int32Array
  values: Float64Array
}

/**
 * Conditional probabilities p(j|i) over the neighbours, rows summing to 1, with each row's
 * entropy equal to log(perplexity).
 *
 * @example
 * const conditional = conditionalProbabilities(nearestNeighbors(matrix, 90), 30)
 */
export function conditionalProbabilities(neighbors: Neighbors, perplexity: number): Float64Array {
  const { k, distances } = neighbors
  const rows = distances.length / k
  const target = Math.log(perplexity)
  const result = new Float64Array(rows * k)
  const squared = new Float64Array(k)
  for (let i = 0; i < rows; i++) {
    // Shifting by the nearest distance changes nothing after normalization and avoids underflow.
    const nearest = distances[i * k]! ** 2
    for (let r = 0; r < k; r++) squared[r] = distances[i * k + r]! ** 2 - nearest
    // Start from the scale of this row's distances: far fewer bisection steps than from beta = 1.
    let spread = 0
    for (let r = 0; r < k; r++) spread += squared[r]!
    let beta = spread > 0 ? k / spread : 1
    let low = -Infinity
    let high = Infinity
    for (let step = 0; step < 100; step++) {
      let sum = 0
      let weighted = 0
      for (let r = 0; r < k; r++) {
        const p = Math.exp(-squared[r]! * beta)
        sum += p
        weighted += squared[r]! * p
      }
      const entropy = Math.log(sum) + (beta * weighted) / sum
      if (Math.abs(entropy - target) < 1e-5) break
      if (entropy > target) {
        low = beta
        beta = high === Infinity ? beta * 2 : (beta + high) / 2
      } else {
        high = beta
        beta = low === -Infinity ? beta / 2 : (beta + low) / 2
      }
    }
    let sum = 0
    for (let r = 0; r < k; r++) sum += result[i * k + r] = Math.exp(-squared[r]! * beta)
    for (let r = 0; r < k; r++) result[i * k + r] = result[i * k + r]! / sum
  }
  return result
}

/**
 * The symmetric joint probabilities P = (P_cond + P_cond^T) / (2N), each unordered pair once (i < j),
 * as compressed rows over the smaller index: the gradient visits each pair once and moves both ends.
 *
 * @example
 * const P = jointProbabilities(neighbors, conditionalProbabilities(neighbors, 30))
 */
export function jointProbabilities(neighbors: Neighbors, conditional: Float64Array): SparseAffinities {
  const { k, indices } = neighbors
  const rows = indices.length / k
  const counts = new Int32Array(rows + 1)
  for (let i = 0; i < rows; i++) {
    for (let r = 0; r < k; r++) counts[Math.min(i, indices[i * k + r]!) + 1]!++
  }
  const offsets = new Int32Array(rows + 1)
  for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i]! + counts[i + 1]!
  const cursor = offsets.slice(0, rows)
  const columns = new Int32Array(offsets[rows]!)
  const values = new Float64Array(offsets[rows]!)
  const scale = 1 / (2 * rows)
  for (let i = 0; i < rows; i++) {
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r]!
      const low = Math.min(i, j)
      columns[cursor[low]!] = Math.max(i, j)
      values[cursor[low]!++] = conditional[i * k + r]! * scale
    }
  }
  // Merge the two directions of a pair (i lists j and j lists i) into one entry.
  const mergedOffsets = new Int32Array(rows + 1)
  let write = 0
  const seen = new Map<number, number>()
  for (let i = 0; i < rows; i++) {
    seen.clear()
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const j = columns[e]!
      const at = seen.get(j)
      if (at === undefined) {
        seen.set(j, write)
        columns[write] = j
        values[write++] = values[e]!
      } else values[at] = values[at]! + values[e]!
    }
    mergedOffsets[i + 1] = write
  }
  return { rows, offsets: mergedOffsets, columns: columns.slice(0, write), values: values.slice(0, write) }
}
