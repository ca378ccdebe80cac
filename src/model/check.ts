/** Telling a loaded model from anything else at the boundary of a gw.* function. */
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from './types'

/**
 * Whether `value` is a model from `gw.load` (its methods and shapes present).
 *
 * @example
 * isGlasswingModel(await gw.load('notebooks/models/mnist-cnn'))   // true
 */
export function isGlasswingModel(value: unknown): value is GlasswingModel {
  const model = value as Partial<GlasswingModel> | null
  return (
    typeof model === 'object' &&
    model !== null &&
    typeof model.run === 'function' &&
    typeof model.predict === 'function' &&
    typeof model.layerShape === 'function' &&
    Array.isArray(model.layerNames) &&
    Array.isArray(model.inputShape)
  )
}

/**
 * Throws a {@link GlasswingError} naming `argument` unless `value` is a model from `gw.load`.
 *
 * @example
 * checkModel(model, 'gw.neurons')
 */
export function checkModel(
  value: unknown,
  where: string,
  argument = 'model',
): asserts value is GlasswingModel {
  if (isGlasswingModel(value)) return
  throw new GlasswingError({
    where,
    argument,
    expected: 'a model from gw.load',
    received: describeValue(value),
    hint: "Load it first: const model = await gw.load('path/to/model').",
  })
}
