/**
 * Grad-CAM++ (Chattopadhay et al. 2018): like Grad-CAM, but each channel's weight sums the positive
 * gradients scaled by the closed-form coefficients of the paper's equation 19, so that several
 * instances of a class all show. Equals pytorch-grad-cam's `GradCAMPlusPlus`.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { activationsAndGradients, resolveCamOptions, weightedMap, type CamOptions } from './common'

/** Grad-CAM++'s options. */
export type GradCamPlusPlusOptions = CamOptions

/**
 * Grad-CAM++ at a named conv layer.
 *
 * @example
 * await gw.explain(model, images, { method: 'grad-cam++', layer: 'conv2d_2' })
 */
export const gradCamPlusPlus: AttributionMethod<GradCamPlusPlusOptions> = {
  name: 'grad-cam++',
  title: 'Grad-CAM++',
  needsGradients: true,
  stochastic: false,
  sharesForwardPass: true,
  signed: () => false,
  resolve: resolveCamOptions,
  attribute(context, options) {
    const { activations, gradients } = activationsAndGradients(context, options.layer)
    const squared = tf.square(gradients)
    const cubed = tf.mul(squared, gradients)
    const activationSums = tf.sum(activations, [1, 2], true)
    const alpha = tf.div(squared, tf.add(tf.add(tf.mul(squared, 2), tf.mul(activationSums, cubed)), 1e-6))
    const alphaWhereGradient = tf.where(tf.notEqual(gradients, 0), alpha, tf.zerosLike(alpha))
    const weights = tf.sum(tf.mul(tf.relu(gradients), alphaWhereGradient), [1, 2], true)
    return { values: weightedMap(activations, weights, context, options), layer: options.layer }
  },
}
