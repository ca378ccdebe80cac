/**
 * RISE (Petsiuk et al. 2018): the expected score under random smooth masks, per pixel. Each mask is a
 * coarse random binary grid, upsampled bilinearly and shifted by a random sub-cell offset; the map is
 * `sum_i score_i * mask_i / (N * p)`.
 *
 * That map sits on an offset, the mean masked score, which is the same for every pixel: the paper's
 * pictures stretch it from its minimum to its maximum. Here it is centred by default (the mean score
 * `sum_i score_i / N` subtracted), so that it is signed like the other methods: positive where keeping
 * the pixel raises the score above the average masked copy. `center: false` gives the paper's values.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { throwIfInterrupted } from '../../session/interrupt'
import type { RandomSource } from '../random'
import type { AttributionMethod } from '../types'
import { contextScorer, scoreMasks } from './evaluate'
import { baselineTensor, checkBaseline, checkCount, checkPositive, type Baseline } from './options'

/** RISE's options. */
export interface RiseOptions {
  /** Random masks per example (default 1000). */
  masks: number
  /** Cells of the coarse grid along each side (default 8). */
  gridSize: number
  /** Probability that a cell is kept (default 0.5). */
  keepProbability: number
  /** What masked pixels become (default 0). */
  baseline: Baseline
  /** Masked copies per model call (default 64, or the common `batchSize` when smaller); the same option as the common `batchSize`. */
  batchSize: number
  /** Subtract the mean masked score, so that the map is signed (default true); see above. */
  center: boolean
}

/**
 * RISE over images `[n, h, w, c]` (the same map in every channel); seeded.
 *
 * @example
 * await gw.explain(model, images, { method: 'rise', masks: 2000, gridSize: 7, seed: 3 })
 */
export const rise: AttributionMethod<RiseOptions> = {
  name: 'rise',
  title: 'RISE',
  needsGradients: false,
  stochastic: true,
  signed: (options) => options.center,
  resolve(options, context) {
    if (context.inputs.rank !== 4) {
      throw new GlasswingError({
        where: context.where,
        argument: 'inputs',
        expected: 'images of shape [batch, height, width, channels]',
        received: describeValue(context.inputs),
        hint: "For tabular inputs use 'kernel-shap', 'lime' or 'feature-ablation'.",
      })
    }
    const keepProbability = checkPositive(options.keepProbability ?? 0.5, 'keepProbability', context)
    if (keepProbability > 1) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.keepProbability',
        expected: 'a probability in (0, 1]',
        received: describeValue(keepProbability),
      })
    }
    return {
      masks: checkCount(options.masks ?? 1000, 'masks', context),
      gridSize: checkCount(options.gridSize ?? 8, 'gridSize', context),
      keepProbability,
      baseline: checkBaseline(options.baseline, context),
      batchSize: checkCount(options.batchSize ?? Math.min(64, context.batchSize), 'batchSize', context),
      center: options.center ?? true,
    }
  },
  attribute(context, options) {
    const { inputs, random } = context
    const { masks, gridSize, keepProbability } = options
    const [height, width] = inputs.shape.slice(1, 3) as [number, number]
    const scorer = contextScorer(context, options.batchSize)
    const baseline = baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    for (let row = 0; row < inputs.shape[0]!; row++) {
      const input = inputs.slice([row], [1])
      // Drawn for the whole row first (small: grids and offsets), so the masks do not depend on batchSize.
      const draws = riseDraws(random, masks, gridSize, keepProbability, height, width)
      const make = (start: number, count: number): tf.Tensor =>
        riseMasks(draws, start, count, gridSize, height, width)
      const { scores, weightedSum } = scoreMasks(scorer, input, baseline, masks, make, row)
      const offset = options.center ? scores.reduce((sum, score) => sum + score, 0) / masks : 0
      rows.push(
        tf.tidy(() =>
          tf.broadcastTo(
            weightedSum
              .div(masks * keepProbability)
              .sub(offset)
              .expandDims(0),
            input.shape,
          ),
        ),
      )
      weightedSum.dispose()
    }
    return { values: tf.concat(rows) }
  },
}

/** The random part of a row's RISE masks: a binary grid and a crop offset per mask. */
export interface RiseDraws {
  /** `masks * gridSize * gridSize` cells, 0 or 1. */
  grids: Float32Array
  /** `[top, left]` per mask. */
  offsets: Int32Array
}

/** Masks are drawn in groups of this many (each group's grids, then its offsets). */
const DRAW_GROUP = 64

/**
 * Draws a row's `masks` RISE grids and offsets in groups of 64 masks (each group's grids, then its
 * offsets: the order the masks were drawn in when they were made 64 per model call).
 *
 * @example
 * const draws = riseDraws(createRandom(3), 1000, 8, 0.5, 28, 28)
 */
export function riseDraws(
  random: RandomSource,
  masks: number,
  gridSize: number,
  keepProbability: number,
  height: number,
  width: number,
): RiseDraws {
  const cellHeight = Math.ceil(height / gridSize)
  const cellWidth = Math.ceil(width / gridSize)
  const cells = gridSize * gridSize
  const grids = new Float32Array(masks * cells)
  const offsets = new Int32Array(masks * 2)
  for (let first = 0; first < masks; first += DRAW_GROUP) {
    throwIfInterrupted('RISE masks', { done: first, total: masks, unit: 'masks drawn' })
    const count = Math.min(DRAW_GROUP, masks - first)
    for (let index = first * cells; index < (first + count) * cells; index++)
      grids[index] = random.next() < keepProbability ? 1 : 0
    for (let mask = first; mask < first + count; mask++) {
      offsets[2 * mask] = random.integer(cellHeight)
      offsets[2 * mask + 1] = random.integer(cellWidth)
    }
  }
  return { grids, offsets }
}

/**
 * Masks `start .. start+count-1` `[count, height, width, 1]` of a row's draws: binary `gridSize` x
 * `gridSize` grids upsampled to `(gridSize + 1)` cells (half-pixel bilinear, as skimage's `resize`)
 * and cropped at their offsets.
 */
export function riseMasks(
  draws: RiseDraws,
  start: number,
  count: number,
  gridSize: number,
  height: number,
  width: number,
): tf.Tensor {
  const cellHeight = Math.ceil(height / gridSize)
  const cellWidth = Math.ceil(width / gridSize)
  const cells = gridSize * gridSize
  const grids = draws.grids.subarray(start * cells, (start + count) * cells)
  return tf.tidy(() => {
    const upsampled = tf.image.resizeBilinear(
      tf.tensor4d(grids, [count, gridSize, gridSize, 1]),
      [(gridSize + 1) * cellHeight, (gridSize + 1) * cellWidth],
      false,
      true,
    )
    return tf.concat(
      Array.from({ length: count }, (_, index) =>
        upsampled.slice(
          [index, draws.offsets[2 * (start + index)]!, draws.offsets[2 * (start + index) + 1]!, 0],
          [1, height, width, 1],
        ),
      ),
    )
  })
}
