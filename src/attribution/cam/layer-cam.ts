/**
 * Layer-CAM (Jiang et al. 2021): every position of a conv layer's feature maps weighted by its own
 * positive gradient, summed over channels, ReLU, upsampled: finer maps than Grad-CAM, usable at
 * early layers. Equals pytorch-grad-cam's `LayerCAM`.
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionMethod } from '../types'
import { activationsAndGradients, resolveCamOptions, weightedMap, type CamOptions } from './common'

/** Layer-CAM's options. */
export type LayerCamOptions = CamOptions

/**
 * Layer-CAM at a named conv layer.
 *
 * @example
 * await gw.explain(model, images, { method: 'layer-cam', layer: 'conv2d_1' })
 */
export const layerCam: AttributionMethod<LayerCamOptions> = {
  name: 'layer-cam',
  title: 'Layer-CAM',
  needsGradients: true,
  stochastic: false,
  sharesForwardPass: true,
  signed: () => false,
  resolve: resolveCamOptions,
  attribute(context, options) {
    const { activations, gradients } = activationsAndGradients(context, options.layer)
    return { values: weightedMap(activations, tf.relu(gradients), context, options), layer: options.layer }
  },
}
