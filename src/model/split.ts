/** Cutting a model at a named layer, for layer methods (Grad-CAM, layer IG, ablation). */
import { checkLayerName } from './names'
import type { GlasswingModel, SplitModel } from './types'

/**
 * The model cut at `layer`: `head` maps inputs to that layer's output, `tail` maps such an output (edited
 * or not) on to the model's output, feeding it in place of the layer.
 *
 * @example
 * const { head, tail } = splitAt(model, 'conv2d_2')
 * const logits = tail(head(images).mul(mask), images)
 */
export function splitAt(model: GlasswingModel, layer: string): SplitModel {
  checkLayerName(layer, model.layerNames, 'model.split', 'layer')
  return {
    layer,
    head: (inputs) => model.activations(inputs, layer)[layer]!,
    tail: (activation, inputs) => model.run(inputs ?? null, { feed: { [layer]: activation } }).output,
  }
}
