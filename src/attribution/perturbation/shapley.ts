/**
 * Shapley values of interpretable features (grid cells, superpixels, columns, groups of one-hot
 * columns), removed features taking the baseline's values (Captum's `ShapleyValues` and
 * `ShapleyValueSampling`):
 *   'shapley-values'    exact: every one of the 2^k coalitions is scored (k <= 12 features), and
 *                       phi_i = sum_S |S|! (k - |S| - 1)! / k! (v(S + i) - v(S))
 *   'shapley-sampling'  permutation sampling: features are added to the baseline one at a time in a
 *                       seeded random order, each gets its marginal gain, averaged over `samples`
 *                       orders; with `antithetic` (default) every order is followed by its reverse,
 *                       which cancels much of the variance of a model close to additive.
 * Both are efficient exactly: each row's values sum to f(x) - f(baseline) (`delta` is that sum minus the
 * change, ~0), for sampling too, since every order's gains telescope.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import { throwIfInterrupted } from '../../session/interrupt'
import type { AttributionMethod } from '../types'
import { contextScorer, scoreCoalitions, scoreEnds } from './evaluate'
import { spreadOverFeatures } from './feature-ablation'
import { baselineTensor, checkCount, resolveSegmentOptions, type SegmentOptions } from './options'
import { featureMask } from './segments'

/** The most features the exact method enumerates (2^12 = 4,096 coalitions per example). */
export const EXACT_SHAPLEY_LIMIT = 12

/** Feature orders drawn and scored together (bounds memory at any number of samples). */
const ORDERS_PER_CHUNK = 256

/** Exact Shapley values' options. */
export interface ShapleyValuesOptions extends SegmentOptions {}

/** Shapley value sampling's options. */
export interface ShapleySamplingOptions extends SegmentOptions {
  /** Feature orders per example (default 25, Captum's); with `antithetic`, pairs of orders count as 2. */
  samples: number
  /** Follow every random order by its reverse (default true). */
  antithetic: boolean
}

/** Exact Shapley values of `count` players from the scores of all 2^count coalitions (bit i = player i). */
export function exactShapley(scores: ArrayLike<number>, count: number): Float64Array {
  const factorial = [1]
  for (let i = 1; i <= count; i++) factorial.push(factorial[i - 1]! * i)
  const weight = (size: number) => (factorial[size]! * factorial[count - size - 1]!) / factorial[count]!
  const phi = new Float64Array(count)
  for (let coalition = 0; coalition < 1 << count; coalition++) {
    let size = 0
    for (let bits = coalition; bits; bits &= bits - 1) size++
    for (let player = 0; player < count; player++) {
      if (coalition & (1 << player)) continue
      phi[player] += weight(size) * (scores[coalition | (1 << player)]! - scores[coalition]!)
    }
  }
  return phi
}

/** A uniform random order of `count` items (Fisher-Yates, drawing `integer(i + 1)` from the end). */
export function randomOrder(count: number, integer: (bound: number) => number): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i)
  for (let i = count - 1; i > 0; i--) {
    const j = integer(i + 1)
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order
}

/**
 * Exact Shapley values by enumeration.
 *
 * @example
 * await gw.explain(model, table, { method: 'shapley-values', segments: { method: 'mask', mask: groups } })
 */
export const shapleyValues: AttributionMethod<ShapleyValuesOptions> = {
  name: 'shapley-values',
  title: 'Shapley values (exact)',
  needsGradients: false,
  stochastic: false,
  signed: () => true,
  resolve: (options, context) => resolveSegmentOptions(options, context),
  attribute(context, options) {
    const scorer = contextScorer(context, options.batchSize)
    const baseline = baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    const deltas: number[] = []
    for (let row = 0; row < context.inputs.shape[0]!; row++) {
      const { mask, count } = featureMask(context.inputs, row, options.segments, context.where, context.span)
      if (count > EXACT_SHAPLEY_LIMIT) {
        throw new GlasswingError({
          where: context.where,
          argument: 'options.segments',
          expected: `at most ${EXACT_SHAPLEY_LIMIT} features (2^${EXACT_SHAPLEY_LIMIT} coalitions per example)`,
          received: `${count} features`,
          hint: "Group features (a coarser grid, a mask of groups), or use method 'shapley-sampling' or 'kernel-shap'.",
        })
      }
      const input = context.inputs.slice([row], [1])
      const total = 1 << count
      const coalitions = new Uint8Array(total * count)
      for (let c = 0; c < total; c++) for (let i = 0; i < count; i++) coalitions[c * count + i] = (c >> i) & 1
      const scores = scoreCoalitions(scorer, input, baseline, mask, coalitions, total, count, row)
      const phi = exactShapley(scores, count)
      deltas.push(phi.reduce((a, b) => a + b, 0) - (scores[total - 1]! - scores[0]!))
      rows.push(spreadOverFeatures(Float32Array.from(phi), mask, input.shape))
      throwIfInterrupted('shapley-values', { done: row + 1, total: context.inputs.shape[0]!, unit: 'rows' })
    }
    return { values: tf.concat(rows), delta: tf.tensor1d(deltas) }
  },
}

/**
 * Shapley value sampling over random feature orders, seeded.
 *
 * @example
 * await gw.explain(model, images, { method: 'shapley-sampling', samples: 50, seed: 1 })
 */
export const shapleySampling: AttributionMethod<ShapleySamplingOptions> = {
  name: 'shapley-sampling',
  title: 'Shapley value sampling',
  needsGradients: false,
  stochastic: true,
  signed: () => true,
  resolve: (options, context) => ({
    ...resolveSegmentOptions(options, context),
    samples: checkCount(options.samples ?? 25, 'samples', context),
    antithetic: checkAntithetic(options.antithetic ?? true, context.where),
  }),
  attribute(context, options) {
    const scorer = contextScorer(context, options.batchSize)
    const baseline = baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    const deltas: number[] = []
    for (let row = 0; row < context.inputs.shape[0]!; row++) {
      const { mask, count } = featureMask(context.inputs, row, options.segments, context.where, context.span)
      const input = context.inputs.slice([row], [1])
      const { inputScore, baselineScore } = scoreEnds(scorer, input, baseline, row)
      // Orders are drawn, scored and added up a chunk at a time: memory stays bounded at any `samples`.
      const phi = new Float64Array(count)
      const steps = count - 1
      let drawn = 0
      let previousOrder: Int32Array | null = null
      while (drawn < options.samples) {
        const orders: Int32Array[] = []
        while (orders.length < ORDERS_PER_CHUNK && drawn < options.samples) {
          // Antithetic: every other order is the reverse of the one before.
          const order: Int32Array =
            options.antithetic && drawn % 2 === 1
              ? previousOrder!.slice().reverse()
              : randomOrder(count, (bound) => context.random.integer(bound))
          orders.push(order)
          previousOrder = order
          drawn++
        }
        // Coalitions along each order: after 1, 2, ..., count - 1 features (the ends are scored once).
        const coalitions = new Uint8Array(orders.length * steps * count)
        orders.forEach((order, o) => {
          for (let step = 0; step < steps; step++) {
            const offset = (o * steps + step) * count
            for (let k = 0; k <= step; k++) coalitions[offset + order[k]!] = 1
          }
        })
        const scores = scoreCoalitions(
          scorer,
          input,
          baseline,
          mask,
          coalitions,
          orders.length * steps,
          count,
          row,
        )
        orders.forEach((order, o) => {
          let previous = baselineScore
          for (let step = 0; step < count; step++) {
            const current = step === count - 1 ? inputScore : scores[o * steps + step]!
            phi[order[step]!] += (current - previous) / options.samples
            previous = current
          }
        })
        throwIfInterrupted('shapley-sampling', { done: drawn, total: options.samples, unit: 'samples' })
      }
      deltas.push(phi.reduce((a, b) => a + b, 0) - (inputScore - baselineScore))
      rows.push(spreadOverFeatures(Float32Array.from(phi), mask, input.shape))
      throwIfInterrupted('shapley-sampling', { done: row + 1, total: context.inputs.shape[0]!, unit: 'rows' })
    }
    return { values: tf.concat(rows), delta: tf.tensor1d(deltas) }
  },
}

function checkAntithetic(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') {
    throw new GlasswingError({
      where,
      argument: 'options.antithetic',
      expected: 'true or false',
      received: String(value),
    })
  }
  return value
}
