/**
 * Feature ablation (Captum's `FeatureAblation`): remove one group of elements at a time (a grid cell,
 * a superpixel, a column) by setting it to the baseline, and give every element of the group the drop
 * in the target's score.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { contextScorer, scoreCoalitions, scoreEnds } from './evaluate'
import { baselineTensor, resolveSegmentOptions, type SegmentOptions } from './options'
import { featureMask } from './segments'

/** Feature ablation's options. */
export interface FeatureAblationOptions extends SegmentOptions {}

/**
 * Feature ablation over grid cells, superpixels, columns or your own mask.
 *
 * @example
 * await gw.explain(model, images, { method: 'feature-ablation', segments: { method: 'slic', segments: 20 } })
 */
export const featureAblation: AttributionMethod<FeatureAblationOptions> = {
  name: 'feature-ablation',
  title: 'Feature ablation',
  needsGradients: false,
  stochastic: false,
  signed: () => true,
  resolve: (options, context) => {
    return {
      ...resolveSegmentOptions(options, context),
    }
  },
  attribute(context, options) {
    const scorer = contextScorer(context, options.batchSize)
    const baseline = baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    for (let row = 0; row < context.inputs.shape[0]!; row++) {
      const { mask, count } = featureMask(context.inputs, row, options.segments, context.where, context.span)
      const input = context.inputs.slice([row], [1])
      const { inputScore } = scoreEnds(scorer, input, baseline, row)
      const coalitions = new Uint8Array(count * count).fill(1)
      for (let feature = 0; feature < count; feature++) coalitions[feature * count + feature] = 0
      const scores = scoreCoalitions(scorer, input, baseline, mask, coalitions, count, count, row)
      rows.push(
        spreadOverFeatures(
          Float32Array.from(scores, (score) => inputScore - score),
          mask,
          input.shape,
        ),
      )
    }
    return { values: tf.concat(rows) }
  },
}

/** One value per feature, given to every element of that feature; shaped like one example `[1, ...]`. */
export function spreadOverFeatures(
  values: Float32Array,
  mask: tf.Tensor,
  exampleShape: readonly number[],
): tf.Tensor {
  return tf.tidy(() =>
    tf.broadcastTo(tf.gather(tf.tensor1d(values), mask.flatten()).reshape([1, ...mask.shape]), [
      1,
      ...exampleShape.slice(1),
    ]),
  )
}
