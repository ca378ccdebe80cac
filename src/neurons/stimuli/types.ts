/**
 * Synthetic stimuli for tuning curves: each sweep is a list of images that vary along one parameter.
 * Images are plain [0, 1] data of the model's input size; grayscale models get luminance.
 */

/** The size of the stimuli: the model's input. */
export interface StimulusShape {
  height: number
  width: number
  channels: number
}

/** One swept stimulus set: `values[i]` is the parameter of image i (more than one image per value is allowed). */
export interface StimulusSet {
  /** The parameter swept, for example 'orientation'. */
  parameter: string
  /** Its unit, for example 'degrees'. */
  unit: string
  /** Whether the parameter wraps around (orientation, phase, hue) and at which period. */
  period: number | null
  /** The sampled values, in order. */
  values: number[]
  /** Images [count, height, width, channels] in [0, 1], `groups[i]` images per value i, value-major. */
  images: Float32Array
  /** How many images each value has (responses are averaged or maximized over them). */
  perValue: number
}

/**
 * The unit normal of stripes at `orientationDegrees` (0 = horizontal stripes, 90 = vertical, 45 = rising
 * to the right), in pixel coordinates (x right, y down).
 */
export function stripeNormal(orientationDegrees: number): [number, number] {
  const theta = (orientationDegrees * Math.PI) / 180
  // In y-up coordinates the normal is (-sin, cos); y down flips its second component.
  return [-Math.sin(theta), -Math.cos(theta)]
}

/** Writes a luminance value as one grey channel or three equal ones. */
export function writeGrey(target: Float32Array, pixel: number, channels: number, value: number): void {
  for (let k = 0; k < channels; k++) target[pixel * channels + k] = value
}
