/** Option checks shared by the perturbation methods. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionContext } from '../types'
import type { Segmentation } from './segments'

/** What removed elements become: a number, or a tensor broadcastable to one example. */
export type Baseline = number | tf.Tensor

/** A whole number within bounds, or a GlasswingError naming the option. */
/** The largest finite float32: a number beyond it is Infinity once in a tensor. */
export const FLOAT32_MAX = 3.4028234663852886e38

/** The largest count an option takes (samples, masks, batch size...): beyond it no array fits in memory. */
const MAX_COUNT = 10_000_000

export function checkCount(
  value: number,
  argument: string,
  context: AttributionContext,
  minimum = 1,
): number {
  if (!Number.isSafeInteger(value) || value < minimum || value > MAX_COUNT) {
    throw new GlasswingError({
      where: context.where,
      argument: `options.${argument}`,
      expected: `a whole number from ${minimum} to ${MAX_COUNT.toLocaleString('en')}`,
      received: describeValue(value),
    })
  }
  return value
}

/** A finite positive number, or a GlasswingError naming the option. */
export function checkPositive(value: number, argument: string, context: AttributionContext): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new GlasswingError({
      where: context.where,
      argument: `options.${argument}`,
      expected: 'a positive number',
      received: describeValue(value),
    })
  }
  return value
}

/** A baseline that broadcasts to one example. */
export function checkBaseline(baseline: Baseline | undefined, context: AttributionContext): Baseline {
  if (baseline === undefined) return 0
  if (typeof baseline === 'number' && Math.abs(baseline) <= FLOAT32_MAX) return baseline
  const example = context.inputs.shape.slice(1)
  const usable =
    baseline instanceof tf.Tensor &&
    !baseline.isDisposed &&
    baseline.dtype !== 'string' &&
    baseline.dtype !== 'complex64' &&
    tf.tidy(() => tf.all(tf.isFinite(baseline.toFloat())).dataSync()[0] === 1)
  if (usable) {
    const shape =
      baseline.rank === example.length + 1 && baseline.shape[0] === 1
        ? baseline.shape.slice(1)
        : baseline.shape
    const offset = example.length - shape.length
    if (offset >= 0 && shape.every((size, axis) => size === 1 || size === example[offset + axis]))
      return baseline
  }
  throw new GlasswingError({
    where: context.where,
    argument: 'options.baseline',
    expected: `a finite number or a tensor of finite numbers broadcastable to one example [${example.join(', ')}]`,
    received: describeValue(baseline),
    hint: 'Use 0 (black), the data mean, or a blurred copy of the input.',
  })
}

/** A background set `[B, ...example]`, or null; it replaces the baseline, so both cannot be given. */
export function checkBackground(
  background: tf.Tensor | null | undefined,
  baseline: Baseline | undefined,
  context: AttributionContext,
): tf.Tensor | null {
  if (background === undefined || background === null) return null
  const example = context.inputs.shape.slice(1)
  const fits =
    background instanceof tf.Tensor &&
    !background.isDisposed &&
    background.dtype !== 'string' &&
    background.dtype !== 'complex64' &&
    background.rank === example.length + 1 &&
    background.shape[0]! >= 1 &&
    example.every((size, axis) => background.shape[axis + 1] === size)
  const finite = fits && tf.tidy(() => tf.all(tf.isFinite(background.toFloat())).dataSync()[0] === 1)
  if (!fits || !finite || baseline !== undefined) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.background',
      expected:
        fits && finite
          ? 'a background set or a baseline, not both'
          : `a tensor of finite numbers, rows shaped like the inputs, [B, ${example.join(', ')}]`,
      received: fits && finite ? 'both' : fits ? 'NaN or Infinity in it' : describeValue(background),
      hint: 'A few dozen representative rows (k-means centres, say) keep KernelSHAP fast.',
    })
  }
  return background
}

/** The default grouping: a 4-pixel grid for images, columns for everything else. */
export function defaultSegmentation(inputs: tf.Tensor): Segmentation {
  return inputs.rank === 4 ? { method: 'grid', cellSize: 4 } : { method: 'columns' }
}

/**
 * Names of the interpretable features, one per column (`columns`) or per label (`mask`, for groups
 * of one-hot columns, say); kept with the result so that displays can label the bars.
 */
export function checkFeatureNames(
  names: readonly string[] | null | undefined,
  segments: Segmentation,
  context: AttributionContext,
): readonly string[] | null {
  if (names === undefined || names === null) return null
  const count =
    segments.method === 'columns'
      ? context.inputs.shape[context.inputs.rank - 1]!
      : segments.method === 'mask' && segments.mask instanceof tf.Tensor
        ? tf.tidy(() => segments.mask.max().dataSync()[0]! + 1)
        : null
  if (count === null) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.featureNames',
      expected: "names for 'columns' or 'mask' segments",
      received: `names with '${segments.method}' segments`,
      hint: 'Grid cells and superpixels have no names; leave featureNames out.',
    })
  }
  if (!Array.isArray(names) || names.length !== count || names.some((name) => typeof name !== 'string')) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.featureNames',
      expected: `one name per feature (${count})`,
      received: describeValue(names),
    })
  }
  return names
}

/** The options every segment-based method (feature ablation, KernelSHAP, LIME) shares. */
export interface SegmentOptions {
  /** The groups removed together (default: a 4-pixel grid for images, columns otherwise). */
  segments: Segmentation
  /** What removed elements become (default 0). */
  baseline: Baseline
  /** Perturbed copies per model call (default 64, or the common `batchSize` when smaller); the same option as the common `batchSize`. */
  batchSize: number
  /** Names of a tabular input's columns, kept with the result. */
  featureNames: readonly string[] | null
}

/** The shared options with their defaults filled in, each one checked. */
export function resolveSegmentOptions(
  options: Partial<SegmentOptions>,
  context: AttributionContext,
): SegmentOptions {
  const segments = checkSegmentation(options.segments ?? defaultSegmentation(context.inputs), context)
  return {
    segments,
    baseline: checkBaseline(options.baseline, context),
    batchSize: checkCount(options.batchSize ?? Math.min(64, context.batchSize), 'batchSize', context),
    featureNames: checkFeatureNames(options.featureNames, segments, context),
  }
}

const SEGMENTATIONS = ['grid', 'slic', 'columns', 'mask'] as const

/** A segmentation of a known method, its mask a numeric tensor where one is needed. */
function checkSegmentation(segments: unknown, context: AttributionContext): Segmentation {
  const method = (segments as { method?: unknown } | null)?.method
  const known =
    typeof segments === 'object' &&
    segments !== null &&
    SEGMENTATIONS.includes(method as (typeof SEGMENTATIONS)[number])
  if (!known) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.segments',
      expected: `{ method: ${SEGMENTATIONS.map((m) => `'${m}'`).join(' | ')}, ... }`,
      received: describeValue(segments),
      hint: "For example { method: 'grid', cellSize: 4 } for images, { method: 'columns' } for tables.",
    })
  }
  const mask = (segments as { mask?: unknown }).mask
  if (method === 'mask' && !(mask instanceof tf.Tensor && !mask.isDisposed && mask.dtype !== 'string')) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.segments.mask',
      expected: 'a numeric tensor of labels 0..k-1',
      received: describeValue(mask),
    })
  }
  const cell = (segments as { cellSize?: unknown }).cellSize
  const whole = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1
  if (
    method === 'grid' &&
    cell !== undefined &&
    !(whole(cell) || (Array.isArray(cell) && cell.length === 2 && cell.every(whole)))
  ) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.segments.cellSize',
      expected: 'a whole number of pixels >= 1, or [height, width]',
      received: describeValue(cell),
    })
  }
  return segments as Segmentation
}

/** The baseline as a tensor (a number becomes a scalar, freed by the method body's tidy). */
export function baselineTensor(baseline: Baseline): tf.Tensor {
  return typeof baseline === 'number' ? tf.scalar(baseline) : baseline
}
