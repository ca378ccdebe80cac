/** Small models shared by the attribution tests. */
import * as tf from '@tensorflow/tfjs'

/** A dense MNIST-shaped model (28x28x1 -> 10): gradients need no conv kernels, so it runs on wasm too. */
export function mnistShaped(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ name: 'flatten', inputShape: [28, 28, 1] }),
      tf.layers.dense({
        name: 'hidden',
        units: 16,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        name: 'logits',
        units: 10,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  })
}
