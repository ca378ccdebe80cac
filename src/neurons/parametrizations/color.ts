/**
 * Colour decorrelation (Lucid's): optimize in a space whose axes are the principal directions of natural
 * images' RGB covariance, so that a step changes luminance and colour independently. Grayscale images
 * have one axis and need none.
 */
import * as tf from '@tensorflow/tfjs'

// Lucid's square root of ImageNet's RGB covariance (its SVD), scaled so that its largest column norm is 1.
const COLOR_CORRELATION_SQRT = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
]
const MAX_NORM = Math.max(
  ...[0, 1, 2].map((j) => Math.hypot(...COLOR_CORRELATION_SQRT.map((row) => row[j]!))),
)

/** Maps decorrelated values [..., 3] to RGB; other channel counts pass through. */
export function decorrelateColors(values: tf.Tensor4D): tf.Tensor4D {
  const channels = values.shape[3]
  if (channels !== 3) return values
  const matrix = tf.tensor2d(COLOR_CORRELATION_SQRT.map((row) => row.map((v) => v / MAX_NORM)))
  const [n, h, w] = values.shape
  return values.reshape([-1, 3]).matMul(matrix, false, true).reshape([n, h, w, 3])
}

/** Squashes unbounded values into valid [0, 1] pixel values. */
export function toValidImage(values: tf.Tensor4D, decorrelate: boolean): tf.Tensor4D {
  return tf.sigmoid(decorrelate ? decorrelateColors(values) : values)
}

/** A variable initialised from `initial`, which it takes over (the initial tensor is freed). */
export function seededVariable(initial: tf.Tensor): tf.Variable {
  const variable = tf.variable(initial)
  initial.dispose()
  return variable
}

/**
 * Redraws the rows of `variable` that belong to `images` (its first axis is batch-major, `rowsPerImage`
 * rows per image) from N(0, sd), seeded; the other rows keep their values.
 */
export function redrawImages(
  variable: tf.Variable,
  rowsPerImage: number,
  images: readonly number[],
  sd: number,
  seed: number,
): void {
  tf.tidy(() => {
    const fresh = tf.randomNormal(variable.shape, 0, sd, 'float32', seed)
    replaceImageRows(variable, rowsPerImage, images, fresh)
  })
}

/** Sets the rows of `variable` that belong to `images` to those of `values` (same shape). */
export function replaceImageRows(
  variable: tf.Variable,
  rowsPerImage: number,
  images: readonly number[],
  values: tf.Tensor,
): void {
  tf.tidy(() => {
    const rows = variable.shape[0]!
    const chosen = new Float32Array(rows)
    for (const image of images) chosen.fill(1, image * rowsPerImage, (image + 1) * rowsPerImage)
    const mask = tf.tensor(chosen, [rows, ...variable.shape.slice(1).map(() => 1)]).cast('bool')
    variable.assign(tf.where(mask.broadcastTo(variable.shape), values, variable))
  })
}
