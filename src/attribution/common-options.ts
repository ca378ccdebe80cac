/** The options every method shares, checked at the boundary before any work starts. */
import { GlasswingError, describeValue } from '../errors'
import type { CommonOptions } from './types'

/**
 * Throws a {@link GlasswingError} naming the option when `seed`, `batchSize`, `noise` or `neuron` is
 * not what it should be (`target` is checked when it is resolved against the model's outputs).
 *
 * @example
 * checkCommonOptions({ seed: 1.5 }, 'gw.explain')   // throws: options.seed expected an integer
 */
export function checkCommonOptions(options: CommonOptions, where: string): void {
  const fail = (argument: string, expected: string, value: unknown, hint?: string): never => {
    throw new GlasswingError({
      where,
      argument,
      expected,
      received: describeValue(value),
      ...(hint ? { hint } : {}),
    })
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail('options', 'an object of options', options)
  const { seed, batchSize, noise, neuron } = options
  if (seed !== undefined && !Number.isSafeInteger(seed))
    fail('options.seed', 'an integer', seed, 'Any whole number works; the same seed gives the same result.')
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1))
    fail(
      'options.batchSize',
      'a whole number >= 1 (rows per model pass)',
      batchSize,
      'Leave it out for a default that fits the memory budget.',
    )
  if (noise !== undefined && !isPlainObject(noise))
    fail('options.noise', "an object such as { type: 'smoothgrad', samples: 20 }", noise)
  if (neuron !== undefined) {
    if (!isPlainObject(neuron) || typeof neuron.layer !== 'string')
      fail('options.neuron', "{ layer: 'a layer name', index: [...] }", neuron)
    if (!Array.isArray(neuron.index)) fail('options.neuron.index', 'an array of whole numbers', neuron.index)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value))
  )
}
