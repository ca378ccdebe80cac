/**
 * Neuron DeepLIFT (Captum's `NeuronDeepLift`): DeepLIFT's multipliers flow back from one unit of a
 * hidden layer instead of the target, so that the attributions `(x - x0) * m` sum to the change of
 * that unit's activation from the reference (`delta` is that sum minus the change, ~0).
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { resolveNeuron } from '../context'
import { makeBaseline } from '../gradient/baselines'
import { lrpPlan } from '../lrp/plan'
import type { AttributionMethod, CommonOptions, NeuronSelector } from '../types'
import { attributeDeepLift, layerOutputId, resolveDeepLift, type DeepLiftOptions } from './deeplift'

/** Neuron DeepLIFT's options: DeepLIFT's; the unit is the common `neuron` option (required). */
export interface NeuronDeepLiftOptions extends DeepLiftOptions {
  /** The unit explained (the common option, recorded with the result). */
  neuron: NeuronSelector
}

/**
 * Neuron DeepLIFT: which input elements move a hidden unit away from its value on the reference.
 *
 * @example
 * await gw.explain(model, images, { method: 'neuron-deeplift', neuron: { layer: 'conv2d_2', index: [5, 5, 3] } })
 */
export const neuronDeepLift: AttributionMethod<NeuronDeepLiftOptions> = {
  name: 'neuron-deeplift',
  title: 'Neuron DeepLIFT',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    const neuron = (options as CommonOptions).neuron
    if (neuron === undefined) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.neuron',
        expected: "the unit to explain, { layer: 'a layer name', index: [...] } (batch excluded)",
        received: describeValue(neuron),
        hint: "For example neuron: { layer: 'conv2d_2', index: [5, 5, 3] }; method 'deeplift' explains a class.",
      })
    }
    const resolved = resolveDeepLift(options, context, true)
    resolveNeuron(context.model, neuron, context.where)
    const id = layerOutputId(context.model, neuron.layer)
    const walked = tf.tidy(() => lrpPlan(context.model, context.where).steps.some((s) => s.output === id))
    if (!walked) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.neuron.layer',
        expected: 'a layer whose output DeepLIFT walks through',
        received: `'${neuron.layer}' (a batch-norm folded into its layer, or the input)`,
        hint: 'Pick the activation after it.',
      })
    }
    return { ...resolved, neuron: { layer: neuron.layer, index: [...neuron.index] } }
  },
  attribute(context, options) {
    const { flatIndex } = resolveNeuron(context.model, options.neuron, context.where)
    const references = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    const rows = Int32Array.from({ length: context.inputs.shape[0]! }, (_, row) => row)
    return attributeDeepLift(context, context.inputs, references, rows, options.rule, null, {
      id: layerOutputId(context.model, options.neuron.layer),
      score: (activation) =>
        activation.reshape([activation.shape[0]!, -1]).gather([flatIndex], 1).reshape([-1]),
    })
  },
}
