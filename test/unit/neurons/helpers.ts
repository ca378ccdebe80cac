/** Hand-built models whose units have known behaviour. */
import * as tf from '@tensorflow/tfjs'
import { load, type GlasswingModel } from '../../../src'

/**
 * An odd Gabor (an edge detector) for stripes at `orientation` degrees (0 horizontal, 90 vertical, 45
 * rising to the right), `size` x `size`, as a conv kernel [size, size].
 */
export function edgeKernel(size: number, orientation: number, wavelength = 6): number[][] {
  const theta = (orientation * Math.PI) / 180
  const centre = (size - 1) / 2
  const sigma = size / 4
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, column) => {
      const x = column - centre
      const y = centre - row
      const along = -Math.sin(theta) * x + Math.cos(theta) * y
      return Math.sin((2 * Math.PI * along) / wavelength) * Math.exp(-(x * x + y * y) / (2 * sigma * sigma))
    }),
  )
}

/**
 * A grayscale 28x28 model: conv 'edges' with one oriented-edge unit per entry of `orientations` (7x7,
 * ReLU, `bias` added), then global average pooling and a dense 'logits' layer with `classes` outputs.
 */
export async function edgeModel(
  orientations: readonly number[],
  classes = 3,
  bias = 0,
): Promise<GlasswingModel> {
  const input = tf.input({ shape: [28, 28, 1] })
  const conv = tf.layers.conv2d({
    name: 'edges',
    filters: orientations.length,
    kernelSize: 7,
    activation: 'relu',
  })
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' })
  const dense = tf.layers.dense({ name: 'logits', units: classes, activation: 'softmax' })
  const output = dense.apply(pooled.apply(conv.apply(input))) as tf.SymbolicTensor
  const model = tf.model({ inputs: input, outputs: output })
  const kernels = orientations.map((o) => edgeKernel(7, o))
  tf.tidy(() => {
    const kernel = tf.tensor(kernels).transpose([1, 2, 0]).reshape([7, 7, 1, orientations.length])
    conv.setWeights([kernel, tf.fill([orientations.length], bias)])
    const weights = Array.from({ length: orientations.length * classes }, (_, i) => ((i * 7) % 5) - 2)
    dense.setWeights([tf.tensor2d(weights, [orientations.length, classes]), tf.zeros([classes])])
  })
  return load(model)
}

/**
 * An RGB 32x32 model: a 1x1 conv 'colors' whose unit 0 fires on red (R - G - B - 0.5), unit 1 on green,
 * unit 2 on blue; a 2x2 max-pool 'pool' (so maps are upsampled for dissection); dense 'logits' on top.
 */
export async function colorModel(): Promise<GlasswingModel> {
  const input = tf.input({ shape: [32, 32, 3] })
  const conv = tf.layers.conv2d({ name: 'colors', filters: 3, kernelSize: 1, activation: 'relu' })
  const pool = tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 })
  const flat = tf.layers.globalAveragePooling2d({ name: 'gap' })
  const dense = tf.layers.dense({ name: 'logits', units: 4, activation: 'softmax' })
  const output = dense.apply(flat.apply(pool.apply(conv.apply(input)))) as tf.SymbolicTensor
  const model = tf.model({ inputs: input, outputs: output })
  tf.tidy(() => {
    const w = [
      [1, -1, -1],
      [-1, 1, -1],
      [-1, -1, 1],
    ]
    conv.setWeights([tf.tensor2d(w).transpose().reshape([1, 1, 3, 3]), tf.fill([3], -0.5)])
    dense.setWeights([tf.eye(3, 4).mul(40), tf.tensor1d([0, 0, 0, 1])])
  })
  return load(model)
}
