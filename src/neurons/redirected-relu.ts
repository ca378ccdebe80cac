/**
 * Lucid's redirected ReLU gradient, for the first steps of feature visualization: where a unit is dead
 * on the starting image (a grey image is far from MNIST's black backgrounds), the true ReLU gradient is
 * zero and the optimization never starts. The redirected gradient lets it through where it would push
 * the pre-activation up, and only for images whose true gradient is all zero.
 */
import * as tf from '@tensorflow/tfjs'

/** ReLU whose gradient is redirected as in Lucid's `redirected_relu_grad`. */
export function redirectedRelu(preActivation: tf.Tensor): tf.Tensor {
  const relu = tf.customGrad((...inputs) => {
    const input = inputs[0] as tf.Tensor
    const save = inputs[1] as tf.GradSaveFunc
    save([input])
    return {
      value: tf.relu(input),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const x = saved[0]!
        const negative = x.less(0)
        const reluGrad = tf.where(negative, tf.zerosLike(dy), dy)
        // The loss is minimized: a positive gradient would push an already negative input lower.
        const pushingLower = negative.logicalAnd(dy.greater(0))
        const redirected = tf.where(pushingLower, tf.zerosLike(dy), dy)
        const batch = x.shape[0]!
        const magnitude = reluGrad.reshape([batch, -1]).norm('euclidean', 1)
        const passes = magnitude.greater(0).reshape([batch, ...x.shape.slice(1).map(() => 1)])
        return tf.where(passes.broadcastTo(x.shape), reluGrad, redirected)
      },
    }
  })
  return relu(preActivation)
}
