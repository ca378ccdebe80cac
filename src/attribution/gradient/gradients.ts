/** Gradients of the context's objective, the building block of every gradient method. */
import * as tf from '@tensorflow/tfjs'
import type { ForwardOptions } from '../../model'
import type { AttributionContext } from '../types'

/** Row indices 0..rows-1, the identity mapping of a batch onto the context's rows. */
export function allRows(rows: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, i) => i)
}

/**
 * d(objective)/d(batch) for a batch whose row i was made from context row `rows[i]`.
 * Rows are independent (the model runs in inference mode), so the gradient of the summed objective
 * is every row's own gradient.
 *
 * @example
 * const grads = tf.tidy(() => objectiveGradients(context, context.inputs, allRows(n)))
 */
export function objectiveGradients(
  context: AttributionContext,
  batch: tf.Tensor,
  rows: ArrayLike<number>,
  forward?: ForwardOptions,
): tf.Tensor {
  return tf.grad((x: tf.Tensor) => tf.sum(context.objective(x, rows, forward)))(batch)
}

/** A ReLU whose gradient passes only positive gradients where the input was positive (Guided Backprop). */
export const guidedRelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc]
  save([x])
  return {
    value: tf.relu(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(tf.step(saved[0]!), tf.step(dy))),
  }
}) as (x: tf.Tensor) => tf.Tensor

/** A ReLU whose gradient is the ReLU of the incoming gradient, ignoring the input (Deconvnet). */
export const deconvRelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.relu(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.relu(dy),
})) as (x: tf.Tensor) => tf.Tensor

/** A 0/1 matrix [rows, batch] whose entry (r, i) is 1 when batch row i belongs to row r: sums copies per row. */
export function membershipMatrix(rowOf: ArrayLike<number>, rows: number): tf.Tensor2D {
  const values = new Float32Array(rows * rowOf.length)
  for (let i = 0; i < rowOf.length; i++) values[rowOf[i]! * rowOf.length + i] = 1
  return tf.tensor2d(values, [rows, rowOf.length])
}
