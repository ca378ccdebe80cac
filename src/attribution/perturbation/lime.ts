/**
 * LIME (Ribeiro et al. 2016): a weighted linear surrogate fitted to the model's scores on random
 * coalitions of interpretable features, weighted by closeness to the input (an exponential kernel of
 * the cosine distance). The surrogate's coefficients are the attributions.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { limeCoalitions } from './coalitions'
import { contextScorer, scoreCoalitions } from './evaluate'
import { spreadOverFeatures } from './feature-ablation'
import { solveWeightedLeastSquares } from './least-squares'
import {
  baselineTensor,
  checkCount,
  checkPositive,
  resolveSegmentOptions,
  type SegmentOptions,
} from './options'
import { featureMask } from './segments'

/** LIME's options. */
export interface LimeOptions extends SegmentOptions {
  /** Coalitions per explained row, the input itself included (default 512). */
  samples: number
  /** Width of the exponential kernel on cosine distance (default 0.25, as the lime package). */
  kernelWidth: number
  /** L2 penalty of the surrogate, scikit-learn's Ridge `alpha` (default 1; 0: least squares). */
  ridge: number
}

/**
 * LIME over grid cells, superpixels, tabular columns or your own mask; seeded.
 *
 * @example
 * await gw.explain(model, images, { method: 'lime', segments: { method: 'slic', segments: 30 }, seed: 7 })
 */
export const lime: AttributionMethod<LimeOptions> = {
  name: 'lime',
  title: 'LIME',
  needsGradients: false,
  stochastic: true,
  signed: () => true,
  resolve: (options, context) => {
    return {
      ...resolveSegmentOptions(options, context),
      samples: checkCount(options.samples ?? 512, 'samples', context, 2),
      kernelWidth: checkPositive(options.kernelWidth ?? 0.25, 'kernelWidth', context),
      ridge: options.ridge === 0 ? 0 : checkPositive(options.ridge ?? 1, 'ridge', context),
    }
  },
  attribute(context, options) {
    const scorer = contextScorer(context, options.batchSize)
    const baseline = baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    for (let row = 0; row < context.inputs.shape[0]!; row++) {
      const { mask, count } = featureMask(context.inputs, row, options.segments, context.where, context.span)
      const input = context.inputs.slice([row], [1])
      const coalitions = limeCoalitions(count, options.samples, options.kernelWidth, context.random)
      const { values, rows: samples, features, weights } = coalitions
      const scores = scoreCoalitions(scorer, input, baseline, mask, values, samples, features, row)
      const fit = solveWeightedLeastSquares({
        design: Float64Array.from(values),
        rows: samples,
        columns: features,
        targets: scores,
        weights,
        intercept: true,
        ridge: options.ridge,
      })
      rows.push(spreadOverFeatures(Float32Array.from(fit.coefficients), mask, input.shape))
    }
    return { values: tf.concat(rows) }
  },
}
