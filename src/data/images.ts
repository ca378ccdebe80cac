/**
 * What the MNIST-style loaders share: their options, their result, and the step from IDX bytes to
 * tensors (images float32 in [0, 1], NHWC [n, 28, 28, 1]; labels int32).
 */
import * as tf from '@tensorflow/tfjs'
import { describeValue, GlasswingError } from '../errors'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { describeImages, imageGridBundle } from './display'
import type { IdxArray } from './idx'

/** Which part of a data set to read. */
export interface SplitOptions {
  /** The published training or test split. Default 'test'. */
  split?: 'train' | 'test'
  /** At most this many examples. Default: all of them. */
  limit?: number
  /** Skip this many examples first. Default 0. */
  offset?: number
}

/** Options of the MNIST-style image loaders. */
export interface ImageDatasetOptions extends SplitOptions {
  /**
   * Stamp each image with its label's watermark (see `gw.datasets.addWatermark`): the data the
   * shortcut model was trained on. Default false.
   */
  watermark?: boolean
}

/** Labelled images; the caller owns the tensors (`dispose()` frees both). Shows a thumbnail grid. */
export interface ImageDataset extends Displayable {
  /** The data set's name, for example 'mnist'. */
  name: string
  split: 'train' | 'test'
  /** float32 in [0, 1], shape [n, 28, 28, 1]. */
  images: tf.Tensor4D
  /** int32 class indices, shape [n]. */
  labels: tf.Tensor1D
  /** The name of each class index, for example '0'..'9' or 'T-shirt/top'. */
  classNames: string[]
  /** Frees `images` and `labels`. */
  dispose(): void
  /** A one-line summary. */
  toString(): string
}

/** The `split` option of data sets that also offer 'all' (default), checked. */
/** Throws a GlasswingError naming `options` unless it is an object of options. */
export function checkOptionsObject(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new GlasswingError({
      where,
      argument: 'options',
      expected: "an object of options, such as { split: 'test', limit: 1000 }",
      received: describeValue(options),
    })
  }
}

export function checkSplitOrAll(where: string, split: unknown = 'all'): 'train' | 'test' | 'all' {
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new GlasswingError({
      where,
      argument: 'options.split',
      expected: "'train', 'test' or 'all'",
      received: describeValue(split),
    })
  }
  return split
}

/** The split, start and count that options select from `available` examples, checked. */
export function selectRange(
  where: string,
  options: SplitOptions,
  available: (split: 'train' | 'test') => number,
): { split: 'train' | 'test'; start: number; count: number } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new GlasswingError({
      where,
      argument: 'options',
      expected: "an object of options, such as { split: 'test', limit: 1000 }",
      received: describeValue(options),
    })
  }
  const split = options.split ?? 'test'
  if (split !== 'train' && split !== 'test') {
    throw new GlasswingError({
      where,
      argument: 'options.split',
      expected: "'train' or 'test'",
      received: describeValue(split),
    })
  }
  const total = available(split)
  const start = options.offset ?? 0
  checkCount(where, 'options.offset', start, total - 1, total)
  const limit = options.limit ?? total - start
  checkCount(where, 'options.limit', limit, total - start, total)
  return { split, start, count: Math.min(limit, total - start) }
}

function checkCount(where: string, argument: string, value: unknown, max: number, total: number): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= Math.max(max, 0)) return
  throw new GlasswingError({
    where,
    argument,
    expected: `a whole number from 0 to ${Math.max(max, 0)}`,
    received: describeValue(value),
    hint: `The split has ${total} examples; offset + limit must stay within them.`,
  })
}

/** Tensors for examples [start, start + count) of IDX image and label arrays. */
export function idxToTensors(
  images: IdxArray,
  labels: IdxArray,
  start: number,
  count: number,
): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const [, height = 0, width = 0] = images.shape
  const pixels = height * width
  const bytes = images.values.subarray(start * pixels, (start + count) * pixels)
  const scaled = new Float32Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) scaled[i] = bytes[i]! / 255
  const classes = Int32Array.from(labels.values.subarray(start, start + count))
  return {
    images: tf.tensor4d(scaled, [count, height, width, 1], 'float32'),
    labels: tf.tensor1d(classes, 'int32'),
  }
}

/** An {@link ImageDataset} around tensors that the caller will own. */
export function makeImageDataset(
  name: string,
  split: 'train' | 'test',
  tensors: { images: tf.Tensor4D; labels: tf.Tensor1D },
  classNames: string[],
): ImageDataset {
  const text = () => describeImages(name, split, tensors.images, classNames)
  return {
    name,
    split,
    ...tensors,
    classNames,
    dispose() {
      tensors.images.dispose()
      tensors.labels.dispose()
    },
    toString: text,
    [JUPYTER_DISPLAY]: (): MimeBundle => imageGridBundle(text(), tensors.images, tensors.labels, classNames),
  }
}
