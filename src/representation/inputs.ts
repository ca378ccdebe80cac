/**
 * Normalizing gw.embed's other inputs at the boundary: telling a model from points, class labels
 * (ints or one-hot rows), and thumbnails of image inputs for the view's hover.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import type { Thumbnails } from './embedding'

/** Whether a value is a loaded GlasswingModel (not points). */
export function isModel(value: unknown): value is GlasswingModel {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof tf.Tensor) &&
    typeof (value as GlasswingModel).run === 'function' &&
    Array.isArray((value as GlasswingModel).layerNames)
  )
}

/** Class indices from int labels, one-hot rows, or an array. */
export function toClasses(value: tf.Tensor | ArrayLike<number>, argument: string, rows: number): Int32Array {
  let classes: Int32Array
  if (
    value instanceof tf.Tensor &&
    (value.isDisposed || value.dtype === 'string' || value.shape[0] !== rows)
  ) {
    throw new GlasswingError({
      where: 'gw.embed',
      argument,
      expected: `one class per point (${rows}): int labels or one-hot rows`,
      received: value.isDisposed ? 'a disposed tensor' : describeValue(value),
    })
  }
  if (value instanceof tf.Tensor) {
    const codes = tf.tidy(() =>
      value.rank > 1 ? value.reshape([value.shape[0]!, -1]).argMax(1) : value.cast('int32'),
    )
    classes = Int32Array.from(codes.dataSync())
    codes.dispose()
  } else {
    const list = typeof value === 'object' && value !== null ? Array.from(value as ArrayLike<unknown>) : null
    if (!list || !list.every((item) => Number.isSafeInteger(item) && (item as number) >= 0)) {
      throw new GlasswingError({
        where: 'gw.embed',
        argument,
        expected: `one class per point (${rows}): whole numbers >= 0`,
        received: describeValue(value),
      })
    }
    classes = Int32Array.from(list as number[])
  }
  if (classes.length !== rows) {
    throw new GlasswingError({
      where: 'gw.embed',
      argument,
      expected: `one class per point (${rows})`,
      received: `${classes.length}`,
    })
  }
  return classes
}

/**
 * How many bytes of thumbnails an embedding sends by default: 1 MiB, a picture for each of 1,337 MNIST
 * digits, so that a lasso over a lab's 1,000 digits shows every one in the gallery.
 */
export const THUMBNAIL_BYTES = 1 << 20

/** The default number of thumbnails for these inputs: as many as fit in {@link THUMBNAIL_BYTES}. */
export function defaultThumbnails(inputs: tf.Tensor): number {
  const perImage = inputs.shape.slice(1).reduce((a, b) => a * b, 1)
  return Math.max(1, Math.floor(THUMBNAIL_BYTES / Math.max(1, perImage)))
}

/** uint8 thumbnails of image inputs ([n, h, w, 1 or 3], h and w <= 64), the first `count` of them. */
export function thumbnailsOf(
  inputs: tf.Tensor,
  count: number = defaultThumbnails(inputs),
): Thumbnails | null {
  if (inputs.rank !== 4 || count <= 0) return null
  const [n, height, width, channels] = inputs.shape as [number, number, number, number]
  if (height > 64 || width > 64 || (channels !== 1 && channels !== 3)) return null
  const m = Math.min(n, count)
  let pixels = new Uint8Array(0)
  tf.tidy(() => {
    const images = inputs.slice(0, m).toFloat()
    const low = images.min()
    const high = images.max()
    const scaled = images.sub(low).div(high.sub(low).maximum(1e-12)).mul(255).round()
    pixels = Uint8Array.from(scaled.dataSync())
  })
  return { pixels, count: m, height, width, channels }
}
