/**
 * KernelSHAP (Lundberg & Lee 2017): Shapley values of interpretable features (segments or columns)
 * from a weighted linear regression over coalitions, with the Shapley kernel's weights and its two
 * constraints (`phi_0 = f(baseline)`, `sum(phi) = f(x) - f(baseline)`) met exactly. With few enough
 * features every coalition is enumerated and the result is the exact Shapley value.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { kernelShapCoalitions, solveKernelShap } from './coalitions'
import { contextScorer, scoreCoalitions, scoreEnds } from './evaluate'
import { spreadOverFeatures } from './feature-ablation'
import {
  baselineTensor,
  checkBackground,
  checkCount,
  resolveSegmentOptions,
  type SegmentOptions,
} from './options'
import { featureMask } from './segments'

/** KernelSHAP's options. */
export interface KernelShapOptions extends SegmentOptions {
  /**
   * A background set `[B, ...]` instead of one baseline: removed features take each row's values in
   * turn and the scores are averaged, as SHAP's KernelExplainer does with its data argument.
   */
  background: tf.Tensor | null
  /** Coalitions per explained row (default 512); all of them when `2^features - 2` fits. */
  samples: number
}

/**
 * KernelSHAP over grid cells, superpixels, tabular columns or your own mask; seeded.
 *
 * @example
 * await gw.explain(model, table, { method: 'kernel-shap', samples: 256, seed: 1, featureNames })
 */
export const kernelShap: AttributionMethod<KernelShapOptions> = {
  name: 'kernel-shap',
  title: 'KernelSHAP',
  needsGradients: false,
  stochastic: true,
  signed: () => true,
  resolve: (options, context) => {
    return {
      ...resolveSegmentOptions(options, context),
      background: checkBackground(options.background, options.baseline, context),
      samples: checkCount(options.samples ?? 512, 'samples', context, 2),
    }
  },
  attribute(context, options) {
    const scorer = contextScorer(context, options.batchSize)
    const background = options.background !== null
    const baseline = options.background ?? baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    for (let row = 0; row < context.inputs.shape[0]!; row++) {
      const { mask, count } = featureMask(context.inputs, row, options.segments, context.where, context.span)
      const input = context.inputs.slice([row], [1])
      const { inputScore, baselineScore } = scoreEnds(scorer, input, baseline, row, background)
      const coalitions = kernelShapCoalitions(count, options.samples, context.random)
      const { values, rows: samples, features } = coalitions
      const scores = scoreCoalitions(
        scorer,
        input,
        baseline,
        mask,
        values,
        samples,
        features,
        row,
        background,
      )
      const phi = solveKernelShap(coalitions, scores, inputScore, baselineScore)
      rows.push(spreadOverFeatures(Float32Array.from(phi), mask, input.shape))
    }
    return { values: tf.concat(rows) }
  },
}
