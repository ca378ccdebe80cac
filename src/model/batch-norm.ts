/**
 * BatchNormalization without `center` (no beta) or without `scale` (no gamma), in inference mode.
 *
 * tfjs-layers passes the missing parameter to `tf.batchNorm` as undefined, and tfjs's gradient tape
 * then crashes on it ("Cannot read properties of undefined (reading 'id')"). Passing zeros for beta
 * and ones for gamma gives the same values (x + 0 and x * 1 are exact) and a gradient that works.
 */
import * as tf from '@tensorflow/tfjs'

interface BatchNormInternals {
  axis: number
  epsilon: number
  movingMean: { read(): tf.Tensor }
  movingVariance: { read(): tf.Tensor }
  beta: { read(): tf.Tensor } | null
  gamma: { read(): tf.Tensor } | null
}

/**
 * The layer's inference output when it lacks beta or gamma (and the input has rank 2 to 4, as
 * tfjs-layers' own path requires); null where the layer's own call is fine.
 *
 * @example
 * const output = batchNormWithoutMissing(layer, input) ?? layer.apply(input, { training: false })
 */
export function batchNormWithoutMissing(layer: tf.layers.Layer, input: tf.Tensor): tf.Tensor | null {
  if (layer.getClassName() !== 'BatchNormalization') return null
  const norm = layer as unknown as BatchNormInternals
  if ((norm.beta && norm.gamma) || input.rank < 2 || input.rank > 4) return null
  const axis = norm.axis >= 0 ? norm.axis : norm.axis + input.rank
  const mean = norm.movingMean.read()
  const variance = norm.movingVariance.read()
  const beta = norm.beta ? norm.beta.read() : tf.zerosLike(mean)
  const gamma = norm.gamma ? norm.gamma.read() : tf.onesLike(mean)
  if (axis === input.rank - 1) return tf.batchNorm(input, mean, variance, beta, gamma, norm.epsilon)
  // Not the last axis: the parameters broadcast along `axis`, as tfjs-layers reshapes them.
  const shape = Array.from({ length: input.rank }, (_, i) => (i === axis ? input.shape[axis]! : 1))
  const along = (t: tf.Tensor) => t.reshape(shape)
  return tf.batchNorm(input, along(mean), along(variance), along(beta), along(gamma), norm.epsilon)
}
