/**
 * The two halves of the t-SNE gradient (without the constant factor 4, as openTSNE): attraction along
 * the sparse affinities, and repulsion, exact (all pairs, small N) here and FFT-interpolated in
 * tsne-fft.ts. Embeddings are 2-D, row-major float64 (`y[2i]`, `y[2i+1]`).
 */
import type { SparseAffinities } from './affinities'

/**
 * Adds exaggeration * sum_j P_ij (y_i - y_j) / (1 + |y_i - y_j|^2) to `gradient`, visiting each pair
 * of the upper-triangular affinities once and moving both ends.
 */
export function addAttraction(
  y: Float64Array,
  affinities: SparseAffinities,
  exaggeration: number,
  gradient: Float64Array,
): void {
  const { rows, offsets, columns, values } = affinities
  for (let i = 0; i < rows; i++) {
    const xi = y[2 * i]!
    const yi = y[2 * i + 1]!
    let gx = 0
    let gy = 0
    for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) {
      const j = columns[e]!
      const dx = xi - y[2 * j]!
      const dy = yi - y[2 * j + 1]!
      const w = (exaggeration * values[e]!) / (1 + dx * dx + dy * dy)
      gx += w * dx
      gy += w * dy
      gradient[2 * j] = gradient[2 * j]! - w * dx
      gradient[2 * j + 1] = gradient[2 * j + 1]! - w * dy
    }
    gradient[2 * i] = gradient[2 * i]! + gx
    gradient[2 * i + 1] = gradient[2 * i + 1]! + gy
  }
}

/**
 * Subtracts the exact repulsion sum_j q_ij w_ij (y_i - y_j) (q_ij = w_ij / Z) from `gradient`;
 * returns Z = sum_{i != j} w_ij. O(N^2): for a few thousand points.
 */
export function subtractExactRepulsion(y: Float64Array, rows: number, gradient: Float64Array): number {
  const repulsion = new Float64Array(2 * rows)
  let z = 0
  for (let i = 0; i < rows; i++) {
    const xi = y[2 * i]!
    const yi = y[2 * i + 1]!
    let rx = 0
    let ry = 0
    for (let j = i + 1; j < rows; j++) {
      const dx = xi - y[2 * j]!
      const dy = yi - y[2 * j + 1]!
      const w = 1 / (1 + dx * dx + dy * dy)
      z += 2 * w
      const w2 = w * w
      rx += w2 * dx
      ry += w2 * dy
      repulsion[2 * j] = repulsion[2 * j]! - w2 * dx
      repulsion[2 * j + 1] = repulsion[2 * j + 1]! - w2 * dy
    }
    repulsion[2 * i] = repulsion[2 * i]! + rx
    repulsion[2 * i + 1] = repulsion[2 * i + 1]! + ry
  }
  for (let e = 0; e < 2 * rows; e++) gradient[e] = gradient[e]! - repulsion[e]! / z
  return z
}
