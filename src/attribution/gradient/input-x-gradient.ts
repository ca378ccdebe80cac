/** Gradient x input (Shrikumar et al. 2016; Captum's `InputXGradient`). */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { allRows, objectiveGradients } from './gradients'

/**
 * Gradient x input: the gradient of the target times the input, element by element.
 *
 * @example
 * await gw.explain(model, images, { method: 'input-x-gradient' })
 */
export const inputXGradient: AttributionMethod<Record<never, never>> = {
  name: 'input-x-gradient',
  title: 'Gradient x Input',
  needsGradients: true,
  stochastic: false,
  sharesForwardPass: true,
  signed: () => true,
  resolve: () => ({}),
  attribute(context) {
    const gradients = objectiveGradients(context, context.inputs, allRows(context.inputs.shape[0]!))
    return { values: tf.mul(gradients, context.inputs) }
  },
}
