/**
 * Interpretable features for the perturbation methods: which input elements are switched on and
 * off together. Images get a grid or SLIC superpixels; tabular inputs one feature per column;
 * anything can pass its own integer mask.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { slic, type SlicOptions } from './slic'

/** How to group input elements into features. */
export type Segmentation =
  /** Square (or `[height, width]`) cells over an image, all channels together (default 4 pixels). */
  | { method: 'grid'; cellSize?: number | readonly [number, number] }
  /** SLIC superpixels computed on each image (values expected in [0, 1]). */
  | ({ method: 'slic' } & SlicOptions)
  /** One feature per element of the last axis: the columns of a tabular input. */
  | { method: 'columns' }
  /** Your own labels 0..k-1: one example's shape (broadcast over channels) or `[batch, ...]`. */
  | { method: 'mask'; mask: tf.Tensor }

/** Feature labels for one example: int32, the example's rank, broadcastable to it. */
export interface FeatureMask {
  mask: tf.Tensor
  count: number
}

/**
 * The feature mask of example `example` of `inputs` (`[batch, ...]`). Images are `[batch, height,
 * width, channels]`; every other rank is treated as columns along the last axis. The caller owns
 * `mask`.
 *
 * @example
 * const { mask, count } = featureMask(images, 0, { method: 'grid', cellSize: 7 }, 'gw.explain')
 */
export function featureMask(
  inputs: tf.Tensor,
  example: number,
  segmentation: Segmentation,
  where: string,
  span: { first: number; total: number } = { first: 0, total: inputs.shape[0]! },
): FeatureMask {
  const exampleShape = inputs.shape.slice(1)
  const image = inputs.rank === 4
  if ((segmentation.method === 'grid' || segmentation.method === 'slic') && !image) {
    throw new GlasswingError({
      where,
      argument: 'options.segments',
      expected: `images of shape [batch, height, width, channels] for '${segmentation.method}' segments`,
      received: `inputs of shape [${inputs.shape.join(', ')}]`,
      hint: "Use { method: 'columns' } for tabular inputs, or { method: 'mask', mask } for your own groups.",
    })
  }
  switch (segmentation.method) {
    case 'grid': {
      const [height, width] = exampleShape as [number, number, number]
      const cell = segmentation.cellSize ?? 4
      const [cellHeight, cellWidth] = typeof cell === 'number' ? [cell, cell] : cell
      if (!(cellHeight >= 1 && cellWidth >= 1)) {
        throw new GlasswingError({
          where,
          argument: 'options.segments.cellSize',
          expected: 'a cell size of at least 1 pixel',
          received: describeValue(cell),
        })
      }
      const rows = Math.ceil(height / cellHeight)
      const columns = Math.ceil(width / cellWidth)
      const labels = new Int32Array(height * width)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          labels[y * width + x] = Math.floor(y / cellHeight) * columns + Math.floor(x / cellWidth)
      return { mask: tf.tensor3d(labels, [height, width, 1], 'int32'), count: rows * columns }
    }
    case 'slic': {
      const [height, width, channels] = exampleShape as [number, number, number]
      const slice = inputs.slice([example], [1])
      const pixels = slice.dataSync() as Float32Array
      slice.dispose()
      const { labels, count } = slic(pixels, height, width, channels, segmentation)
      return { mask: tf.tensor3d(labels, [height, width, 1], 'int32'), count }
    }
    case 'columns': {
      const columns = exampleShape[exampleShape.length - 1]!
      const shape = exampleShape.map((size, axis) => (axis === exampleShape.length - 1 ? size : 1))
      return { mask: tf.range(0, columns, 1, 'int32').reshape(shape), count: columns }
    }
    case 'mask':
      return customMask(segmentation.mask, inputs, example, where, span)
  }
}

function customMask(
  given: tf.Tensor,
  inputs: tf.Tensor,
  example: number,
  where: string,
  span: { first: number; total: number },
): FeatureMask {
  const exampleShape = inputs.shape.slice(1)
  // One mask per row of all the rows explained; `inputs` may be one batch of them (from span.first).
  const perExample = given.rank === inputs.rank && given.shape[0] === span.total
  const one = perExample ? given.shape.slice(1) : given.shape
  const padded = [...one, ...Array(Math.max(0, exampleShape.length - one.length)).fill(1)] as number[]
  const fits =
    padded.length === exampleShape.length &&
    padded.every((size, axis) => size === exampleShape[axis] || size === 1)
  if (!fits) {
    throw new GlasswingError({
      where,
      argument: 'options.segments.mask',
      expected: `integer labels of shape [${exampleShape.join(', ')}] (or with channels left out)`,
      received: describeValue(given),
      hint: 'Give one label per pixel (or per column); elements with the same label are removed together.',
    })
  }
  return tf.tidy(() => {
    const picked = perExample ? given.slice([span.first + example], [1]).squeeze([0]) : given
    const mask = picked.toInt().reshape(padded)
    const values = mask.dataSync()
    let largest = -1
    for (const value of values) {
      if (value < 0) {
        throw new GlasswingError({
          where,
          argument: 'options.segments.mask',
          expected: 'labels 0, 1, 2, ...',
          received: `a negative label (${value})`,
        })
      }
      largest = Math.max(largest, value)
    }
    return { mask, count: largest + 1 }
  })
}
