/**
 * Guided Grad-CAM (Selvaraju et al. 2017; Captum's `GuidedGradCam`): Guided Backprop's gradient, made
 * class-discriminative by multiplying it, element by element, with the Grad-CAM map of a conv layer
 * upsampled to the input (nearest neighbour by default, as Captum's `interpolate_mode='nearest'`).
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { guidedBackprop } from '../gradient/guided-backprop'
import type { AttributionMethod } from '../types'
import { activationsAndGradients, resolveCamOptions, type CamOptions } from './common'

/** Guided Grad-CAM's options. */
export interface GuidedGradCamOptions extends CamOptions {
  /** How the Grad-CAM map is upsampled (default 'nearest', Captum's). */
  interpolation: 'nearest' | 'bilinear'
}

/**
 * Guided Grad-CAM at a named conv layer.
 *
 * @example
 * await gw.explain(model, images, { method: 'guided-grad-cam', layer: 'conv2d_2' })
 */
export const guidedGradCam: AttributionMethod<GuidedGradCamOptions> = {
  name: 'guided-grad-cam',
  title: 'Guided Grad-CAM',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    const interpolation = options.interpolation ?? 'nearest'
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.interpolation',
        expected: "'nearest' or 'bilinear'",
        received: describeValue(interpolation),
      })
    }
    return { ...resolveCamOptions({ ...options, upsample: true }, context), interpolation }
  },
  attribute(context, options) {
    const guided = guidedBackprop.attribute(context, {}).values
    const { activations, gradients } = activationsAndGradients(context, options.layer)
    const weights = tf.mean(gradients, [1, 2], true)
    const map = tf.relu(tf.sum(tf.mul(activations, weights), -1, true)) as tf.Tensor4D
    const [height, width] = context.inputs.shape.slice(1, 3) as [number, number]
    const cam =
      options.interpolation === 'nearest'
        ? tf.image.resizeNearestNeighbor(map, [height, width], false, false)
        : tf.image.resizeBilinear(map, [height, width], false, true)
    return { values: tf.mul(guided, cam) }
  },
}
