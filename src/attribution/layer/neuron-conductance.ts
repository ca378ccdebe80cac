/**
 * Neuron conductance (Dhamdhere et al. 2018; Captum's `NeuronConductance`): how much of the target's
 * change flows from each input element through one hidden unit y,
 *   (x - x0) * sum_k w_k  dF/dy (x(a_k)) * dy/dx (x(a_k)),
 * along the straight path from the baseline (Captum's default rule: the trapezoid). Summed over the
 * input it is that unit's layer conductance; summed over every unit of a layer that all paths cross,
 * it is Integrated Gradients.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { resolveNeuron } from '../context'
import { makeBaseline } from '../gradient/baselines'
import { resolvePathOptions, type IntegratedGradientsOptions } from '../gradient/integrated-gradients'
import { quadrature } from '../gradient/quadrature'
import type { AttributionMethod, CommonOptions, NeuronSelector } from '../types'
import { alongPath, weightedStepSum } from './layer-path'

/** Neuron conductance's options: IG's path options, plus the unit the flow goes through. */
export interface NeuronConductanceOptions extends IntegratedGradientsOptions {
  /** The hidden unit: a layer name and the unit's index in its output, batch excluded (NHWC). */
  through: NeuronSelector
}

/**
 * Neuron conductance: the input's contributions to the target through one hidden unit.
 *
 * @example
 * await gw.explain(model, images, { method: 'neuron-conductance', through: { layer: 'conv2d_2', index: [5, 5, 3] }, target: 7 })
 */
export const neuronConductance: AttributionMethod<NeuronConductanceOptions> = {
  name: 'neuron-conductance',
  title: 'Neuron Conductance',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    const common = options as CommonOptions
    if (common.neuron !== undefined) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.neuron',
        expected: 'no neuron: the unit the flow goes through is `through`, the output explained is `target`',
        received: describeValue(common.neuron),
        hint: `Write through: { layer: '${String(common.neuron?.layer)}', index: [...] } instead.`,
      })
    }
    const through = options.through
    if (typeof through !== 'object' || through === null || typeof through.layer !== 'string') {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.through',
        expected: "the hidden unit, { layer: 'a layer name', index: [...] } (batch excluded)",
        received: describeValue(through),
        hint: "For example through: { layer: 'conv2d_2', index: [5, 5, 3] }.",
      })
    }
    resolveNeuron(context.model, through, context.where, 'options.through')
    return {
      ...resolvePathOptions({ ...options, rule: options.rule ?? 'riemann-trapezoid' }, context),
      through: { layer: through.layer, index: [...through.index] },
    }
  },
  attribute(context, options) {
    const { layer } = options.through
    const { flatIndex } = resolveNeuron(context.model, options.through, context.where, 'options.through')
    const { head, tail } = context.model.split(layer)
    const baseline = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    const { alphas, weights } = quadrature(options.rule, options.steps)
    const rows = context.inputs.shape[0]!
    const unit = (activation: tf.Tensor) =>
      activation.reshape([activation.shape[0]!, -1]).gather([flatIndex], 1).reshape([-1])
    const total = alongPath(
      context,
      baseline,
      alphas,
      options.internalBatchSize,
      'neuron-conductance',
      ({ first, count, points, rowOf }) => {
        // dy/dx at each point, and dF/dy there (the rest of the model run from the layer's output).
        const inputGradient = tf.grad((x: tf.Tensor) => tf.sum(unit(head(x))))(points)
        const layerGradient = tf.grad((a: tf.Tensor) => tf.sum(context.score(tail(a, points), rowOf)))(
          head(points),
        )
        const scale = unit(layerGradient).reshape([count * rows, ...points.shape.slice(1).map(() => 1)])
        return weightedStepSum(tf.mul(inputGradient, scale), weights.slice(first, first + count), rows)
      },
    )
    return { values: tf.mul(total, tf.sub(context.inputs, baseline)) }
  },
}
