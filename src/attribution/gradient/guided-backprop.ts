/**
 * Guided Backprop (Springenberg et al. 2015) and Deconvnet (Zeiler & Fergus 2014), Captum's
 * `GuidedBackprop` and `Deconvolution`: the gradient with every ReLU's backward pass overridden.
 * Needs a Layers model (its ReLU layers and relu activations are swapped for this call only).
 */
import type { AttributionMethod } from '../types'
import { allRows, deconvRelu, guidedRelu, objectiveGradients } from './gradients'

/**
 * Guided Backprop: only positive gradients flow back, and only where the ReLU's input was positive.
 *
 * @example
 * await gw.explain(model, images, { method: 'guided-backprop' })
 */
export const guidedBackprop: AttributionMethod<Record<never, never>> = {
  name: 'guided-backprop',
  title: 'Guided Backprop',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: () => ({}),
  attribute(context) {
    const rows = allRows(context.inputs.shape[0]!)
    return { values: objectiveGradients(context, context.inputs, rows, { relu: guidedRelu }) }
  },
}

/**
 * Deconvnet: ReLUs pass back the positive part of the gradient, whatever their input was.
 *
 * @example
 * await gw.explain(model, images, { method: 'deconvolution' })
 */
export const deconvolution: AttributionMethod<Record<never, never>> = {
  name: 'deconvolution',
  title: 'Deconvnet',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: () => ({}),
  attribute(context) {
    const rows = allRows(context.inputs.shape[0]!)
    return { values: objectiveGradients(context, context.inputs, rows, { relu: deconvRelu }) }
  },
}
