/** What the neuron steps need to know about a model's input and layers, checked once at the boundary. */
import { GlasswingError } from '../errors'
import type { GlasswingModel } from '../model'

/** The image size a model takes: [batch, height, width, channels] inputs only. */
export function modelImageShape(
  model: GlasswingModel,
  where: string,
): { height: number; width: number; channels: number } {
  const shape = model.inputShape
  const [, height, width, channels] = shape
  if (shape.length !== 4 || !height || !width || !channels) {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'an image model with a fixed input shape [batch, height, width, channels]',
      received: `input shape [${shape.map((d) => d ?? 'null').join(', ')}]`,
      hint: 'Feature visualization, tuning curves and dissection synthesize images; they need to know their size.',
    })
  }
  return { height, width, channels }
}

/** The number of units (last axis) of a layer and whether it has spatial extent. */
export function layerUnits(
  model: GlasswingModel,
  layer: string,
): { units: number; spatial: boolean; height: number; width: number } {
  const shape = model.layerShape(layer)
  const units = shape[shape.length - 1] ?? 0
  if (shape.length === 4) return { units, spatial: true, height: shape[1] ?? 1, width: shape[2] ?? 1 }
  return { units, spatial: false, height: 1, width: 1 }
}

/** Checks a unit index (or list of them) against a layer. */
export function checkUnits(units: readonly number[], count: number, layer: string, where: string): void {
  for (const unit of units) {
    if (!Number.isInteger(unit) || unit < 0 || unit >= count) {
      throw new GlasswingError({
        where,
        argument: 'options.units',
        expected: `unit indices of layer '${layer}' from 0 to ${count - 1}`,
        received: String(unit),
        hint: `Layer '${layer}' has ${count} units; leave options.units out to take them all.`,
      })
    }
  }
}
