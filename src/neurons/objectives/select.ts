/** Picking images, channels and positions out of activations, with errors a user can act on. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'

/** Which images of the optimized batch an objective applies to: one index, or all of them. */
export type BatchSelection = number | 'all'

/** The images `batch` selects, batch dimension kept. */
export function selectBatch<T extends tf.Tensor>(tensor: T, batch: BatchSelection, where: string): T {
  if (batch === 'all') return tensor
  const size = tensor.shape[0]!
  if (!Number.isInteger(batch) || batch < 0 || batch >= size) {
    throw new GlasswingError({
      where,
      argument: 'options.batch',
      expected: `an image index from 0 to ${size - 1}`,
      received: String(batch),
      hint: `Optimize at least ${Number(batch) + 1} images (options.batch of gw.visualize) or pick a smaller index.`,
    })
  }
  return tensor.slice([batch], [1]) as T
}

/** Checks that `unit` indexes the last axis of a layer's activation. */
export function checkUnit(activation: tf.Tensor, layer: string, unit: number, where: string): void {
  const units = activation.shape[activation.rank - 1]!
  if (!Number.isInteger(unit) || unit < 0 || unit >= units) {
    throw new GlasswingError({
      where,
      argument: 'unit',
      expected: `a unit index of layer '${layer}' from 0 to ${units - 1}`,
      received: String(unit),
      hint: `Layer '${layer}' has ${units} units (its last axis); pick one of them.`,
    })
  }
}

/** Throws unless a layer's activation has spatial extent ([batch, height, width, channels]). */
export function requireSpatial(
  activation: tf.Tensor | readonly (number | null)[],
  layer: string,
  where: string,
  step: string,
): void {
  const shape = Array.isArray(activation) ? activation : (activation as tf.Tensor).shape
  if (shape.length === 4) return
  throw new GlasswingError({
    where,
    argument: 'layer',
    expected: `a layer with spatial extent ([batch, height, width, channels]) for ${step}`,
    received: `'${layer}' with output shape [${shape.map((d) => d ?? 'batch').join(', ')}]`,
    hint: 'Pick a convolutional or pooling layer (model.layerNames lists them), or use an objective that takes dense layers (gw.objectives.unit, gw.objectives.direction).',
  })
}
