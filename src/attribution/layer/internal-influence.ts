/**
 * Internal influence (Leino et al. 2018; Captum's `InternalInfluence`): the target's gradient with
 * respect to a layer's units, integrated along the straight path from the baseline to the input, the
 * whole model run at each point. Unlike layer conductance it is not multiplied by the units' change,
 * so it promises no completeness: it says how sensitive the target is to each unit on the way.
 */
import type { AttributionMethod } from '../types'
import { makeBaseline } from '../gradient/baselines'
import { resolvePathOptions, type IntegratedGradientsOptions } from '../gradient/integrated-gradients'
import { quadrature } from '../gradient/quadrature'
import { resolveLayer, type LayerOptions } from './layer-gradient-x-activation'
import { alongPath, refuseNeuron, layerActivationAndGradient, weightedStepSum } from './layer-path'

/** Internal influence's options: IG's path options (steps, rule, baseline), plus the layer. */
export interface InternalInfluenceOptions extends IntegratedGradientsOptions, LayerOptions {}

/**
 * Internal influence of a layer's units.
 *
 * @example
 * await gw.explain(model, images, { method: 'internal-influence', layer: 'conv2d_2', steps: 32 })
 */
export const internalInfluence: AttributionMethod<InternalInfluenceOptions> = {
  name: 'internal-influence',
  title: 'Internal Influence',
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
    const { alphas, weights } = quadrature(options.rule, options.steps)
    const rows = context.inputs.shape[0]!
    const values = alongPath(
      context,
      baseline,
      alphas,
      options.internalBatchSize,
      'internal-influence',
      ({ first, count, points, rowOf }) => {
        const { gradient } = layerActivationAndGradient(context, layer, points, rowOf)
        return weightedStepSum(gradient, weights.slice(first, first + count), rows)
      },
    )
    return { values, layer }
  },
}
