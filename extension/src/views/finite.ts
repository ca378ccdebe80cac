/** Non-finite values in decoded arrays, handled the way validation's notices say they are drawn. */

/**
 * Sets every value that is not finite (NaN, ±Infinity) to 0, in place; returns the array. Saliency
 * maps draw them as 'no attribution' (validation has already told the user how many there are).
 *
 * @example
 * zeroNonFinite(new Float32Array([1, NaN, Infinity]))   // Float32Array [1, 0, 0]
 */
export function zeroNonFinite(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) values[i] = 0
  return values
}
