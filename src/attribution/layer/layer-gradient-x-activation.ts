/**
 * Layer gradient x activation (Captum's `LayerGradientXActivation`): how much each unit of a layer
 * contributes to the target, as its activation times the target's gradient with respect to it.
 */
import * as tf from '@tensorflow/tfjs'
import { checkLayerName } from '../../model'
import type { AttributionContext, AttributionMethod } from '../types'
import { allRows } from '../gradient/gradients'

/** Options of layer methods. */
export interface LayerOptions {
  /** The layer to attribute to (a name from `model.layerNames`). */
  layer: string
}

/** Layer gradient x activation's options. */
export interface LayerGradientXActivationOptions extends LayerOptions {
  /** Multiply by the activation (default true); false gives the plain layer gradient. */
  multiplyByActivation: boolean
}

/** Checks `layer` (required) for a layer method. */
export function resolveLayer(options: Partial<LayerOptions>, context: AttributionContext): string {
  checkLayerName(options.layer, context.model.layerNames, context.where, 'options.layer')
  return options.layer
}

/** Gradients of the target with respect to a layer's output at `activation`, for context rows `rows`. */
export function layerGradients(
  context: AttributionContext,
  layer: string,
  activation: tf.Tensor,
  rows: Int32Array,
): tf.Tensor {
  const { tail } = context.model.split(layer)
  const inputs = tf.gather(context.inputs, rows)
  return tf.grad((a: tf.Tensor) => tf.sum(context.score(tail(a, inputs), rows)))(activation)
}

/**
 * Layer gradient x activation.
 *
 * @example
 * await gw.explain(model, images, { method: 'layer-gradient-x-activation', layer: 'conv2d_1' })
 */
export const layerGradientXActivation: AttributionMethod<LayerGradientXActivationOptions> = {
  name: 'layer-gradient-x-activation',
  title: 'Layer Gradient x Activation',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: (options, context) => ({
    layer: resolveLayer(options, context),
    multiplyByActivation: options.multiplyByActivation ?? true,
  }),
  attribute(context, { layer, multiplyByActivation }) {
    const activation = context.model.split(layer).head(context.inputs)
    const gradients = layerGradients(context, layer, activation, allRows(context.inputs.shape[0]!))
    return { values: multiplyByActivation ? tf.mul(gradients, activation) : gradients, layer }
  },
}
