/**
 * Feature permutation importance (Breiman 2001; Captum's `FeaturePermutation`): each feature (a
 * column, a group of one-hot columns, a grid cell of an image) is shuffled across the examples
 * explained, all other features kept, and each example's attribution is the drop in the target's
 * score, f(x) - f(x with that feature taken from another example). The mean over the examples is the
 * feature's permutation importance on that data set. Captum's semantics: one random permutation per
 * feature (never the identity) of all the examples passed, so the result needs at least 2 of them; the
 * permutations are drawn once for all the examples, so batching does not change them. `repeats`
 * averages over more permutations (scikit-learn's `n_repeats`); 1 is Captum's.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { throwIfInterrupted } from '../../session/interrupt'
import type { AttributionContext, AttributionMethod } from '../types'
import { spreadOverFeatures } from './feature-ablation'
import { checkCount, resolveSegmentOptions, type SegmentOptions } from './options'
import { featureMask } from './segments'
import { randomOrder } from './shapley'

/** Where the resolved options keep the data set and its permutations (not recorded as parameters). */
const PERMUTED = Symbol('feature-permutation data')

interface Permuted {
  /** Every example explained, `[examples, ...]`: owned by the base, alive while the batches run. */
  examples: tf.Tensor
  /** `repeats x features` permutations of the examples, one after another: entry `(r * features + k) * examples + e` replaces e. */
  orders: Int32Array
  features: number
}

/** The most permutation entries drawn up front (repeats x features x examples: 256 MB of int32). */
const MAX_ENTRIES = 64 * 1024 * 1024

/** Feature permutation's options. */
export interface FeaturePermutationOptions extends Omit<SegmentOptions, 'baseline'> {
  /** Permutations per feature, averaged (default 1, Captum's). */
  repeats: number
  [PERMUTED]?: Permuted
}

/** A uniform random permutation of `count` examples other than the identity (Captum redraws it). */
export function permutationOf(count: number, integer: (bound: number) => number): Int32Array {
  for (;;) {
    const order = randomOrder(count, integer)
    if (order.some((value, index) => value !== index)) return order
  }
}

function refuse(
  context: AttributionContext,
  argument: string,
  expected: string,
  received: unknown,
  hint: string,
) {
  return new GlasswingError({
    where: context.where,
    argument,
    expected,
    received: describeValue(received),
    hint,
  })
}

/**
 * Feature permutation importance, seeded.
 *
 * @example
 * const a = await gw.explain(model, table, { method: 'feature-permutation', segments: { method: 'columns' }, seed: 1 })
 * await gw.explain(model, digits, { method: 'feature-permutation', segments: { method: 'grid', cellSize: 7 } })
 */
export const featurePermutation: AttributionMethod<FeaturePermutationOptions> = {
  name: 'feature-permutation',
  title: 'Feature permutation',
  needsGradients: false,
  stochastic: true,
  signed: () => true,
  resolve(options, context) {
    const { baseline: _baseline, ...shared } = resolveSegmentOptions(
      { ...options, baseline: undefined },
      context,
    )
    if ((options as { baseline?: unknown }).baseline !== undefined) {
      throw refuse(
        context,
        'options.baseline',
        'no baseline (a permuted feature takes another example’s values)',
        (options as { baseline?: unknown }).baseline,
        "Leave it out, or use method 'feature-ablation' to set features to a baseline.",
      )
    }
    const examples = context.inputs.shape[0]!
    if (examples < 2) {
      throw refuse(
        context,
        'inputs',
        'at least 2 examples (each feature is shuffled across them)',
        `${examples} example`,
        'Pass the data set whose importances you want, a few hundred rows or more.',
      )
    }
    const segments = shared.segments
    const perExample =
      segments.method === 'slic' ||
      (segments.method === 'mask' &&
        segments.mask.rank === context.inputs.rank &&
        segments.mask.shape[0] === examples)
    if (perExample) {
      throw refuse(
        context,
        'options.segments',
        "one grouping shared by every example ('grid', 'columns', or a mask of one example's shape)",
        segments.method === 'slic' ? 'slic superpixels (different in every image)' : 'one mask per example',
        'A feature is swapped between examples, so it must be the same elements in each.',
      )
    }
    const repeats = checkCount(options.repeats ?? 1, 'repeats', context)
    // Counted inside a tidy: building a mask makes intermediate tensors.
    const count = tf.tidy(() => featureMask(context.inputs, 0, segments, context.where).count)
    if (repeats * count * examples > MAX_ENTRIES) {
      throw refuse(
        context,
        'options.repeats',
        `at most ${MAX_ENTRIES.toLocaleString('en')} permuted entries (repeats x features x examples)`,
        `${repeats} x ${count} x ${examples}`,
        'Group features (a coarser grid, a mask of groups), use fewer repeats, or pass fewer examples.',
      )
    }
    const orders = new Int32Array(repeats * count * examples)
    for (let index = 0; index < repeats * count; index++) {
      throwIfInterrupted('feature-permutation', { done: index, total: repeats * count, unit: 'permutations' })
      orders.set(
        permutationOf(examples, (bound) => context.random.integer(bound)),
        index * examples,
      )
    }
    // The base's whole batch of examples: alive until every batch of rows has run (run.ts disposes it after).
    return { ...shared, repeats, [PERMUTED]: { examples: context.inputs, orders, features: count } }
  },
  attribute(context, options) {
    const permuted = options[PERMUTED]!
    const { examples, orders, features } = permuted
    const exampleCount = examples.shape[0]!
    const rows = context.inputs.shape[0]!
    const { mask } = featureMask(context.inputs, 0, options.segments, context.where)
    const scores = context.objective(
      context.inputs,
      Int32Array.from({ length: rows }, (_, i) => i),
    )
    const inputScores = scores.dataSync()
    // Copy c: feature `c % features` of row `floor(c / features) % rows`, permutation `floor(c / (features * rows))`.
    const total = options.repeats * features * rows
    const drops = new Float64Array(rows * features)
    const shape = [1, ...mask.shape]
    for (let start = 0; start < total; start += options.batchSize) {
      const count = Math.min(options.batchSize, total - start)
      const featureOf = new Int32Array(count)
      const rowOf = new Int32Array(count)
      const sourceOf = new Int32Array(count)
      for (let i = 0; i < count; i++) {
        const copy = start + i
        const feature = copy % features
        const row = Math.floor(copy / features) % rows
        const repeat = Math.floor(copy / (features * rows))
        featureOf[i] = feature
        rowOf[i] = row
        sourceOf[i] = orders[(repeat * features + feature) * exampleCount + context.exampleOf[row]!]!
      }
      const part = tf.tidy(() => {
        const labels = tf.tensor1d(featureOf, 'int32').reshape([count, ...shape.slice(1).map(() => 1)])
        const swap = tf.equal(mask.reshape(shape), labels)
        const own = tf.gather(context.inputs, rowOf)
        const mixed = tf.where(tf.broadcastTo(swap, own.shape), tf.gather(examples, sourceOf), own)
        return context.objective(mixed, rowOf)
      })
      const values = part.dataSync()
      part.dispose()
      for (let i = 0; i < count; i++)
        drops[rowOf[i]! * features + featureOf[i]!] +=
          (inputScores[rowOf[i]!]! - values[i]!) / options.repeats
      throwIfInterrupted('feature-permutation', { done: start + count, total, unit: 'permuted copies' })
    }
    const values = Array.from({ length: rows }, (_, row) =>
      spreadOverFeatures(
        Float32Array.from(drops.subarray(row * features, (row + 1) * features)),
        mask,
        context.inputs.shape,
      ),
    )
    return { values: tf.concat(values) }
  },
}
