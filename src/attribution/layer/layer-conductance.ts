/**
 * Layer conductance (Dhamdhere et al. 2018; Captum's `LayerConductance`): the flow of the target's
 * change through each unit of a layer along the straight path from the baseline to the input,
 *   sum_k  dF/dy (x(a_k)) * (y(x(a_{k+1})) - y(x(a_k)))   over steps + 1 points a_0 .. a_steps,
 * the whole model run at each point. The units' conductances sum to about f(x) - f(x0), the layer's
 * share of Integrated Gradients' completeness (`delta` is that sum minus the change).
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { makeBaseline } from '../gradient/baselines'
import { allRows } from '../gradient/gradients'
import {
  resolvePathOptions,
  sumPerRow,
  type IntegratedGradientsOptions,
} from '../gradient/integrated-gradients'
import { quadrature } from '../gradient/quadrature'
import { resolveLayer, type LayerOptions } from './layer-gradient-x-activation'
import { alongPath, refuseNeuron, layerActivationAndGradient } from './layer-path'

/** Layer conductance's options: IG's path options (steps, rule, baseline), plus the layer. */
export interface LayerConductanceOptions extends IntegratedGradientsOptions, LayerOptions {}

/**
 * Layer conductance of a layer's units.
 *
 * @example
 * await gw.explain(model, images, { method: 'layer-conductance', layer: 'conv2d_2', steps: 32 })
 */
export const layerConductance: AttributionMethod<LayerConductanceOptions> = {
  name: 'layer-conductance',
  title: 'Layer Conductance',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: (options, context) => {
    refuseNeuron(options, context)
    return { ...resolvePathOptions(options, context), layer: resolveLayer(options, context) }
  },
  attribute(context, options) {
    const { layer } = options
    const baseline = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    // Captum's points: the rule's steps + 1 alphas; the gradient at each but the last times the change to the next.
    const { alphas } = quadrature(options.rule, options.steps + 1)
    const rows = context.inputs.shape[0]!
    const values = alongPath(
      context,
      baseline,
      alphas.slice(0, options.steps),
      options.internalBatchSize,
      'layer-conductance',
      ({ first, count, points, rowOf, at }) => {
        const { activation, gradient } = layerActivationAndGradient(context, layer, points, rowOf)
        const next = context.model.split(layer).head(at(alphas.slice(first + 1, first + count + 1)))
        const flow = tf.mul(gradient, tf.sub(next, activation))
        return tf.sum(flow.reshape([count, rows, ...flow.shape.slice(1)]), 0)
      },
    )
    const all = allRows(rows)
    const change = tf.sub(
      context.score(context.model.run(context.inputs).output, all),
      context.score(context.model.run(baseline).output, all),
    )
    return { values, delta: tf.sub(sumPerRow(values), change) as tf.Tensor1D, layer }
  },
}
