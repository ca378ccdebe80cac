/**
 * The class-correlated watermark of the shortcut lab: a bright 3x3 square in the empty border of a
 * 28x28 digit, placed by the label. Labels 0-4 put it along the top edge, 5-9 along the bottom edge,
 * five positions each, so it never touches the digit (MNIST centres digits in the inner 20x20 box).
 * A model trained on stamped digits can read the square instead of the strokes; the masks below
 * let tests and labs measure how much attribution falls on it.
 */
import * as tf from '@tensorflow/tfjs'
import { describeValue, GlasswingError } from '../errors'

/** Where a label's watermark sits: rows top..top+size-1, columns left..left+size-1. */
export interface WatermarkPatch {
  top: number
  left: number
  size: number
}

const SIDE = 28
const SIZE = 3

/**
 * Where the watermark of a class sits in a 28x28 image.
 *
 * @example
 * gw.datasets.watermarkPatch(7)   // { top: 24, left: 12, size: 3 }
 */
export function watermarkPatch(label: number): WatermarkPatch {
  if (!Number.isInteger(label) || label < 0 || label > 9) {
    throw new GlasswingError({
      where: 'gw.datasets.watermarkPatch',
      argument: 'label',
      expected: 'a class index from 0 to 9',
      received: describeValue(label),
    })
  }
  return { top: label < 5 ? 1 : SIDE - 1 - SIZE, left: 2 + 5 * (label % 5), size: SIZE }
}

/**
 * One mask per label, 1 on that label's watermark and 0 elsewhere: float32 [n, 28, 28, 1].
 * The caller owns it.
 *
 * @example
 * const mask = gw.datasets.watermarkMask(labels)
 * const share = attribution.abs().mul(mask).sum().div(attribution.abs().sum())
 */
export function watermarkMask(labels: tf.Tensor | ArrayLike<number>): tf.Tensor4D {
  const values = labelValues('gw.datasets.watermarkMask', labels)
  const mask = new Float32Array(values.length * SIDE * SIDE)
  values.forEach((label, n) => stamp(mask, n, watermarkPatch(label)))
  return tf.tensor4d(mask, [values.length, SIDE, SIDE, 1])
}

/**
 * Every position a watermark can take, as one mask: float32 [1, 28, 28, 1]. The caller owns it.
 *
 * @example
 * const region = gw.datasets.watermarkRegion()   // 90 of 784 pixels are 1
 */
export function watermarkRegion(): tf.Tensor4D {
  const mask = new Float32Array(SIDE * SIDE)
  for (let label = 0; label < 10; label++) stamp(mask, 0, watermarkPatch(label))
  return tf.tensor4d(mask, [1, SIDE, SIDE, 1])
}

/**
 * Images with the watermark of the given labels stamped on (pixels set to 1). Pass the true labels
 * for the shortcut training data, other labels to test whether a model follows the watermark.
 * Returns a new tensor the caller owns; `images` is left as it is.
 *
 * @example
 * const stamped = gw.datasets.addWatermark(images, labels)
 */
export function addWatermark(images: tf.Tensor, labels: tf.Tensor | ArrayLike<number>): tf.Tensor4D {
  const [n, height, width, channels] = images.shape
  if (images.rank !== 4 || height !== SIDE || width !== SIDE || channels !== 1) {
    throw new GlasswingError({
      where: 'gw.datasets.addWatermark',
      argument: 'images',
      expected: 'grayscale 28x28 images, shape [n, 28, 28, 1]',
      received: describeValue(images),
    })
  }
  const values = labelValues('gw.datasets.addWatermark', labels)
  if (values.length !== n) {
    throw new GlasswingError({
      where: 'gw.datasets.addWatermark',
      argument: 'labels',
      expected: `one label per image (${n})`,
      received: `${values.length} labels`,
    })
  }
  const mask = watermarkMask(values)
  const stamped = tf.tidy(() => tf.maximum(images, mask) as tf.Tensor4D)
  mask.dispose()
  return stamped
}

function stamp(mask: Float32Array, image: number, { top, left, size }: WatermarkPatch): void {
  const base = image * SIDE * SIDE
  for (let row = top; row < top + size; row++)
    mask.fill(1, base + row * SIDE + left, base + row * SIDE + left + size)
}

function labelValues(where: string, labels: tf.Tensor | ArrayLike<number>): number[] {
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) {
      throw new GlasswingError({
        where,
        argument: 'labels',
        expected: 'a 1-D tensor of class indices',
        received: describeValue(labels),
      })
    }
    return Array.from(labels.dataSync())
  }
  return Array.from(labels)
}
