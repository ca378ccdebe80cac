// What the parity scripts that build tfjs models share: tfjs-node, the repository root, seeded
// initializers, non-trivial batch-norm parameters, and tensors as base64.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
export const tf = require('@tensorflow/tfjs-node')
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

export const glorot = (seed) => tf.initializers.glorotUniform({ seed })
export const bias = (seed) => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed })

// Non-trivial batch-norm parameters and statistics (seeded from 100 on), so that inference-mode
// normalization is tested.
export function randomizeBatchNorm(model) {
  let seed = 100
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const [gamma, beta, mean, variance] = layer.getWeights()
    const uniform = (t, lo, hi) => tf.randomUniform(t.shape, lo, hi, 'float32', seed++)
    layer.setWeights([
      uniform(gamma, 0.5, 1.5),
      uniform(beta, -0.2, 0.2),
      uniform(mean, -0.3, 0.3),
      uniform(variance, 0.5, 2),
    ])
  }
  return model
}

export function base64(tensor) {
  const data = tensor.dataSync()
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')
}
