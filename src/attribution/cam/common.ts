/**
 * What the class-activation-map methods share: the conv layer (named, or the last one with a spatial
 * output), its activations and the target's gradients there, and the map's upsampling to the input.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import { checkLayerName, type GlasswingModel } from '../../model'
import type { AttributionContext } from '../types'

/** Options every CAM method takes. */
export interface CamOptions {
  /** The convolutional layer whose maps are weighted (default: the last layer with a `[h, w, c]` output). */
  layer: string
  /** Upsample the map to the input's height and width (default true); false keeps the layer's size. */
  upsample: boolean
}

/** Fills in and checks the layer and upsampling options. */
export function resolveCamOptions(options: Partial<CamOptions>, context: AttributionContext): CamOptions {
  const layer = options.layer ?? lastSpatialLayer(context.model, context.where)
  checkLayerName(layer, context.model.layerNames, context.where, 'options.layer')
  const shape = context.model.layerShape(layer)
  if (shape.length !== 4) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.layer',
      expected: 'a layer with a spatial output [batch, height, width, channels]',
      received: `'${layer}' with output shape [${shape.join(', ')}]`,
      hint: `Pick a convolutional layer, for example '${lastSpatialLayer(context.model, context.where)}'.`,
    })
  }
  if (context.inputs.rank !== 4) {
    throw new GlasswingError({
      where: context.where,
      argument: 'inputs',
      expected: 'images [batch, height, width, channels]',
      received: `inputs of shape [${context.inputs.shape.join(', ')}]`,
      hint: 'Class activation maps need a convolutional model; for other inputs try saliency or kernel-shap.',
    })
  }
  return { layer, upsample: options.upsample ?? true }
}

/** The last layer whose output is `[batch, height, width, channels]` (the usual CAM layer). */
export function lastSpatialLayer(model: GlasswingModel, where: string): string {
  const spatial = model.layerNames.filter((name) => model.layerShape(name).length === 4)
  const last = spatial[spatial.length - 1]
  if (!last) {
    throw new GlasswingError({
      where,
      argument: 'options.layer',
      expected: 'a model with a convolutional layer',
      received: 'no layer with a [batch, height, width, channels] output',
      hint: 'Class activation maps need a convolutional model; try saliency or kernel-shap instead.',
    })
  }
  return last
}

/** The layer's activations `[n, h, w, k]` and the target's gradients with respect to them. */
export function activationsAndGradients(
  context: AttributionContext,
  layer: string,
): { activations: tf.Tensor4D; gradients: tf.Tensor4D } {
  const rows = Int32Array.from({ length: context.inputs.shape[0]! }, (_, row) => row)
  const activations = context.model.activations(context.inputs, layer)[layer] as tf.Tensor4D
  const gradients = tf.grad((fed: tf.Tensor) =>
    context.objective(context.inputs, rows, { feed: { [layer]: fed } }).sum(),
  )(activations) as tf.Tensor4D
  return { activations, gradients }
}

/**
 * A CAM from per-pixel weights `[n, h, w, k]` (or per-channel `[n, 1, 1, k]`): `relu(sum_k w A)`,
 * upsampled bilinearly with half-pixel centres (PyTorch's `interpolate(align_corners=False)`, OpenCV's
 * `resize`) and repeated over the input's channels.
 */
export function weightedMap(
  activations: tf.Tensor4D,
  weights: tf.Tensor,
  context: AttributionContext,
  options: CamOptions,
): tf.Tensor {
  const map = tf.relu(tf.sum(tf.mul(activations, weights), -1, true)) as tf.Tensor4D
  return toInputSize(map, context, options)
}

/** A map `[n, h, w, 1]` resized to the input and repeated over its channels. */
export function toInputSize(map: tf.Tensor4D, context: AttributionContext, options: CamOptions): tf.Tensor {
  if (!options.upsample) return map
  const [height, width, channels] = context.inputs.shape.slice(1) as [number, number, number]
  const resized =
    map.shape[1] === height && map.shape[2] === width
      ? map
      : tf.image.resizeBilinear(map, [height, width], false, true)
  return channels === 1 ? resized : tf.tile(resized, [1, 1, 1, channels])
}
