/**
 * Selectivity indices of tuning curves.
 *
 * Both take evoked responses: the response minus the response to the sweep's blank (a grey field of the
 * gratings' mean luminance), as physiologists subtract the spontaneous rate. Without that, a unit that
 * mostly adds up brightness answers every grating with the same offset and looks untuned even when its
 * kernel is an oriented edge; and subtracting the curve's own minimum instead would make any curve
 * look tuned, however shallow.
 *
 * Circular parameters (orientation, period 180 degrees; phase and hue, 360) use 1 - circular variance
 * (Ringach et al. 2002): |sum r e^{i 2 pi v / period}| / sum r over the rectified evoked responses.
 * It reads the whole curve rather than two points, so one noisy sample cannot make a unit look
 * selective; it is 0 for a flat curve and 1 for a response at a single value; it does not depend on the
 * response's scale, so units of different magnitude compare; and a unit that responds to every
 * orientation on top of its preference counts as less selective, as it should. For a sinusoidal
 * curve a + b cos(...) it is b / 2a: 0.25 means the preferred value excites 3 times more than the
 * opposite one.
 *
 * Other parameters (spatial frequency, position) use (max - min) / (max + min) over rectified evoked
 * responses: 0 for flat, 1 when some stimulus silences the unit.
 */

/** 1 - circular variance of rectified responses over a circular parameter. */
export function circularSelectivity(
  values: readonly number[],
  responses: readonly number[],
  period: number,
): number {
  let re = 0
  let im = 0
  let total = 0
  values.forEach((value, i) => {
    const r = Math.max(0, responses[i]!)
    const angle = (2 * Math.PI * value) / period
    re += r * Math.cos(angle)
    im += r * Math.sin(angle)
    total += r
  })
  return total > 0 ? Math.hypot(re, im) / total : 0
}

/** (max - min) / (max + min) of rectified responses; 0 for a silent unit. */
export function rangeSelectivity(responses: readonly number[]): number {
  const rectified = responses.map((r) => Math.max(0, r))
  const max = Math.max(...rectified)
  const min = Math.min(...rectified)
  return max + min > 0 ? (max - min) / (max + min) : 0
}

/** The value with the highest response (the first, on ties). */
export function preferredValue(values: readonly number[], responses: readonly number[]): number {
  let best = 0
  responses.forEach((r, i) => {
    if (r > responses[best]!) best = i
  })
  return values[best]!
}
