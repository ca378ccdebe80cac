/**
 * XRAI (Kapishnikov et al. 2019): Integrated Gradients from a black and a white baseline (the image's
 * own minimum and maximum), aggregated over channels by max, then regions grown greedily by attribution
 * density (see `xrai-regions.ts`). The result ranks regions rather than pixels: every pixel holds the
 * density of the region that claimed it.
 *
 * PAIR's default regions are Felzenszwalb segments at six scales of a 224x224 resize, dilated by 5
 * pixels; Glasswing's default uses its own SLIC superpixels at several scales, dilated in proportion to
 * the image size. Pass `regions: { method: 'masks', masks }` to use any segmentation (PAIR's included).
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { objectiveGradients } from '../gradient/gradients'
import { checkCount } from '../perturbation/options'
import { slic } from '../perturbation/slic'
import type { AttributionContext, AttributionMethod } from '../types'
import { dilate, growRegions, regionsOfLabels, type Regions } from './xrai-regions'

/** Where XRAI's candidate regions come from. */
export type XraiRegions =
  /** SLIC superpixels at each count in `scales` (default [4, 8, 16, 32, 64]), dilated by `dilation` px. */
  | { method: 'slic'; scales?: readonly number[]; dilation?: number }
  /** Your own 0/1 masks: `[k, height, width]` for every example, or `[batch, k, height, width]`. */
  | { method: 'masks'; masks: tf.Tensor }

/** XRAI's options. */
export interface XraiOptions {
  /** Integrated-gradients steps per baseline, at alphas linspace(0, 1, steps) as PAIR's (default 100). */
  steps: number
  /** Candidate regions (default SLIC at several scales). */
  regions: XraiRegions
  /** Stop once this fraction of the image is covered (default 1: rank everything). */
  areaThreshold: number
  /** Skip regions adding fewer new pixels (default: 50 at 224x224, scaled by the image's area). */
  minPixelDiff: number
  /** Gradient evaluations per model call (default 64, or the common `batchSize` when smaller); the same option as the common `batchSize`. */
  batchSize: number
}

/**
 * XRAI region attributions, shaped like the input (the same map in every channel).
 *
 * @example
 * await gw.explain(model, images, { method: 'xrai', steps: 50 })
 */
export const xrai: AttributionMethod<XraiOptions> = {
  name: 'xrai',
  title: 'XRAI',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    if (context.inputs.rank !== 4) {
      throw new GlasswingError({
        where: context.where,
        argument: 'inputs',
        expected: 'images [batch, height, width, channels]',
        received: describeValue(context.inputs),
        hint: 'XRAI ranks image regions; for tabular inputs use kernel-shap or integrated-gradients.',
      })
    }
    const [height, width] = context.inputs.shape.slice(1, 3) as [number, number]
    const areaThreshold = options.areaThreshold ?? 1
    if (!(areaThreshold > 0 && areaThreshold <= 1)) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.areaThreshold',
        expected: 'a fraction in (0, 1]',
        received: describeValue(areaThreshold),
      })
    }
    return {
      steps: checkCount(options.steps ?? 100, 'steps', context, 2),
      regions: options.regions ?? { method: 'slic' },
      areaThreshold,
      minPixelDiff: checkCount(
        options.minPixelDiff ?? Math.max(1, Math.round((50 * height * width) / (224 * 224))),
        'minPixelDiff',
        context,
      ),
      batchSize: checkCount(options.batchSize ?? Math.min(64, context.batchSize), 'batchSize', context),
    }
  },
  attribute(context, options) {
    const { inputs } = context
    const [rows, height, width, channels] = inputs.shape as [number, number, number, number]
    const maps: Float32Array[] = []
    for (let row = 0; row < rows; row++) {
      const attribution = channelMax(blackWhiteIntegratedGradients(context, row, options), channels)
      const regions = candidateRegions(context, row, options.regions, height, width)
      maps.push(Float32Array.from(growRegions(attribution, regions, options)))
    }
    const flat = new Float32Array(rows * height * width)
    maps.forEach((map, row) => flat.set(map, row * height * width))
    return { values: tf.tile(tf.tensor4d(flat, [rows, height, width, 1]), [1, 1, 1, channels]) }
  },
}

/** Mean of IG from baselines min(x) and max(x), PAIR's rule: grads at linspace(0, 1, steps), times (x - b) / steps. */
function blackWhiteIntegratedGradients(
  context: AttributionContext,
  row: number,
  options: XraiOptions,
): Float64Array {
  const input = context.inputs.slice([row], [1])
  const values = input.dataSync()
  // A loop, not Math.min(...values): a 224 x 224 x 3 image is more arguments than the stack holds.
  let low = Infinity
  let high = -Infinity
  for (const v of values) {
    if (v < low) low = v
    if (v > high) high = v
  }
  const baselines = [low, high]
  const total = new Float64Array(values.length)
  for (const baseline of baselines) {
    const sums = new Float64Array(values.length)
    for (let start = 0; start < options.steps; start += options.batchSize) {
      const count = Math.min(options.batchSize, options.steps - start)
      const gradients = tf.tidy(() => {
        const alphas = tf.tensor1d(Array.from({ length: count }, (_, i) => (start + i) / (options.steps - 1)))
        const shaped = alphas.reshape([count, 1, 1, 1])
        const batch = tf.add(baseline, tf.mul(shaped, tf.sub(input, baseline)))
        return tf.sum(objectiveGradients(context, batch, new Int32Array(count).fill(row)), 0).dataSync()
      })
      gradients.forEach((value, i) => (sums[i]! += value))
    }
    values.forEach(
      (value, i) => (total[i]! += (sums[i]! * (value - baseline)) / options.steps / baselines.length),
    )
  }
  return total
}

function channelMax(values: Float64Array, channels: number): Float64Array {
  const result = new Float64Array(values.length / channels)
  for (let pixel = 0; pixel < result.length; pixel++) {
    let max = -Infinity
    for (let c = 0; c < channels; c++) max = Math.max(max, values[pixel * channels + c]!)
    result[pixel] = max
  }
  return result
}

function candidateRegions(
  context: AttributionContext,
  row: number,
  spec: XraiRegions,
  height: number,
  width: number,
): Regions {
  if (spec.method === 'masks') {
    const { masks } = spec
    const perExample = masks.rank === 4
    const fits = (perExample ? masks.shape.slice(2) : masks.shape.slice(1)).join() === [height, width].join()
    if (
      !fits ||
      (masks.rank !== 3 && masks.rank !== 4) ||
      (perExample && masks.shape[0] !== context.span.total)
    ) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.regions.masks',
        expected: `0/1 masks [k, ${height}, ${width}] or [batch, k, ${height}, ${width}]`,
        received: describeValue(masks),
      })
    }
    const picked = tf.tidy(() =>
      (perExample ? masks.slice([context.span.first + row], [1]).squeeze([0]) : masks)
        .reshape([-1, height * width])
        .arraySync(),
    )
    return (picked as number[][]).map((mask) =>
      Int32Array.from(mask.flatMap((value, pixel) => (value ? [pixel] : []))),
    )
  }
  const slice = context.inputs.slice([row], [1])
  const pixels = slice.dataSync() as Float32Array
  const channels = context.inputs.shape[3]!
  let low = Infinity
  let high = -Infinity
  pixels.forEach((value) => ((low = Math.min(low, value)), (high = Math.max(high, value))))
  const scaled = pixels.map((value) => (high > low ? (value - low) / (high - low) : 0))
  const radius = spec.dilation ?? Math.max(1, Math.round((5 * Math.min(height, width)) / 224))
  return (spec.scales ?? [4, 8, 16, 32, 64]).flatMap((segments) =>
    regionsOfLabels(slic(scaled, height, width, channels, { segments }).labels).map((region) =>
      dilate(region, height, width, radius),
    ),
  )
}
