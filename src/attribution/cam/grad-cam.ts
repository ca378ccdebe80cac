/**
 * Grad-CAM (Selvaraju et al. 2017): a conv layer's feature maps weighted by the spatial mean of the
 * target's gradient, summed, passed through a ReLU and upsampled to the input. Equals Captum's
 * `LayerGradCam(relu_attributions=True)` followed by `LayerAttribution.interpolate(..., 'bilinear')`.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { activationsAndGradients, resolveCamOptions, weightedMap, type CamOptions } from './common'

/** Grad-CAM's options. */
export type GradCamOptions = CamOptions

/**
 * Grad-CAM at a named conv layer.
 *
 * @example
 * await gw.explain(model, images, { method: 'grad-cam', layer: 'conv2d_2' })
 */
export const gradCam: AttributionMethod<GradCamOptions> = {
  name: 'grad-cam',
  title: 'Grad-CAM',
  needsGradients: true,
  stochastic: false,
  sharesForwardPass: true,
  signed: () => false,
  resolve: resolveCamOptions,
  attribute(context, options) {
    const { activations, gradients } = activationsAndGradients(context, options.layer)
    const weights = tf.mean(gradients, [1, 2], true)
    return { values: weightedMap(activations, weights, context, options), layer: options.layer }
  },
}
