/** The path integral shared by Integrated Gradients and Layer IG, in bounded batches. */
import * as tf from '@tensorflow/tfjs'

/** One path integral: rows from `start` to `start + difference`, evaluated at `alphas`. */
export interface PathIntegral {
  /** The path's start, full shape [rows, ...]. */
  start: tf.Tensor
  /** End minus start, same shape. */
  difference: tf.Tensor
  alphas: readonly number[]
  weights: readonly number[]
  /** At most this many points (rows x steps) per forward and backward pass. */
  batchSize: number
  /** Gradients at a batch of points whose row i lies on row `rows[i]`'s path. */
  gradientsAt(points: tf.Tensor, rows: Int32Array): tf.Tensor
}

/**
 * Sum over steps of weight x gradient, per row, shape [rows, ...]. Memory stays bounded by
 * `batchSize` whatever the number of steps: each pass's tensors are freed before the next.
 *
 * @example
 * const total = integrateGradients({ start, difference, alphas, weights, batchSize: 512, gradientsAt })
 */
export function integrateGradients(path: PathIntegral): tf.Tensor {
  const rows = path.start.shape[0]!
  const rowBlock = Math.max(1, Math.min(rows, path.batchSize))
  // Passes of equal size (50 steps in 2 passes of 25, not 32 + 18): TensorFlow then prepares its
  // kernels for one batch shape instead of two, which shortens the first call on a model.
  const widest = Math.max(1, Math.floor(path.batchSize / rowBlock))
  const stepBlock = Math.ceil(path.alphas.length / Math.ceil(path.alphas.length / widest))
  const blocks: tf.Tensor[] = []
  for (let first = 0; first < rows; first += rowBlock) {
    const count = Math.min(rowBlock, rows - first)
    const [start, difference] = [path.start, path.difference].map((t) => t.slice(first, count))
    const rowsOfBlock = Int32Array.from({ length: count }, (_, i) => first + i)
    let total: tf.Tensor = tf.zerosLike(start!)
    for (let step = 0; step < path.alphas.length; step += stepBlock) {
      const steps = Math.min(stepBlock, path.alphas.length - step)
      const part = tf.tidy(() => {
        const ones = new Array<number>(start!.rank - 1).fill(1)
        const alphas = tf.tensor(path.alphas.slice(step, step + steps), [steps, 1, ...ones])
        const points = tf.add(start!.expandDims(0), tf.mul(alphas, difference!.expandDims(0)))
        const rowsOfPoints = Int32Array.from({ length: steps * count }, (_, i) => rowsOfBlock[i % count]!)
        const gradients = path.gradientsAt(
          points.reshape([steps * count, ...start!.shape.slice(1)]),
          rowsOfPoints,
        )
        const weights = tf.tensor(path.weights.slice(step, step + steps), [steps, 1, ...ones])
        return tf.sum(tf.mul(gradients.reshape([steps, ...start!.shape]), weights), 0)
      })
      const next = tf.add(total, part)
      tf.dispose([total, part])
      total = next
    }
    blocks.push(total)
    tf.dispose([start!, difference!])
  }
  if (blocks.length === 1) return blocks[0]!
  const joined = tf.concat(blocks, 0)
  tf.dispose(blocks)
  return joined
}
