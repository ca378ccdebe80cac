/** Gradient saliency (Simonyan et al. 2014; Captum's `Saliency`): the gradient of the target. */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { allRows, objectiveGradients } from './gradients'

/** Saliency's options. */
export interface SaliencyOptions {
  /** Absolute values of the gradient (default true, as in Captum). */
  absolute: boolean
}

/**
 * Gradient saliency.
 *
 * @example
 * await gw.explain(model, images, { method: 'saliency', absolute: false })
 */
export const saliency: AttributionMethod<SaliencyOptions> = {
  name: 'saliency',
  title: 'Saliency',
  needsGradients: true,
  stochastic: false,
  sharesForwardPass: true,
  signed: (options) => !options.absolute,
  resolve: (options) => ({ absolute: options.absolute ?? true }),
  attribute(context, { absolute }) {
    const gradients = objectiveGradients(context, context.inputs, allRows(context.inputs.shape[0]!))
    return { values: absolute ? tf.abs(gradients) : gradients }
  },
}
