/**
 * Layer Integrated Gradients (Captum's `LayerIntegratedGradients`): IG in a layer's activation space,
 * from the baseline's activation to the input's, with the rest of the model run on each point.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { makeBaseline } from '../gradient/baselines'
import { allRows } from '../gradient/gradients'
import { integrateGradients } from '../gradient/integrate'
import {
  resolvePathOptions,
  sumPerRow,
  type IntegratedGradientsOptions,
} from '../gradient/integrated-gradients'
import { quadrature } from '../gradient/quadrature'
import { layerGradients, resolveLayer, type LayerOptions } from './layer-gradient-x-activation'

/** Layer IG's options: IG's, plus the layer. */
export interface LayerIntegratedGradientsOptions extends IntegratedGradientsOptions, LayerOptions {}

/**
 * Layer Integrated Gradients.
 *
 * @example
 * await gw.explain(model, images, { method: 'layer-integrated-gradients', layer: 'conv2d_2', steps: 32 })
 */
export const layerIntegratedGradients: AttributionMethod<LayerIntegratedGradientsOptions> = {
  name: 'layer-integrated-gradients',
  title: 'Layer Integrated Gradients',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: (options, context) => ({
    ...resolvePathOptions(options, context),
    layer: resolveLayer(options, context),
  }),
  attribute(context, options) {
    const { layer } = options
    const { head, tail } = context.model.split(layer)
    const baseline = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    const [inputActivation, baselineActivation] = [head(context.inputs), head(baseline)]
    const difference = tf.sub(inputActivation, baselineActivation)
    const { alphas, weights } = quadrature(options.rule, options.steps)
    const total = integrateGradients({
      start: baselineActivation,
      difference,
      alphas,
      weights,
      batchSize: options.internalBatchSize,
      gradientsAt: (points, rows) => layerGradients(context, layer, points, rows),
    })
    const values = tf.mul(total, difference)
    const rows = allRows(context.inputs.shape[0]!)
    const change = tf.sub(
      context.score(tail(inputActivation, context.inputs), rows),
      context.score(tail(baselineActivation, context.inputs), rows),
    )
    return { values, delta: tf.sub(sumPerRow(values), change) as tf.Tensor1D, layer }
  },
}
