import { stripeNormal, writeGrey, type StimulusShape } from './types'

/** One sinusoidal grating. */
export interface Grating {
  /** Stripe orientation in degrees: 0 horizontal stripes, 90 vertical, 45 rising to the right. */
  orientation: number
  /** Cycles per image width. */
  frequency: number
  /** Phase in degrees. */
  phase: number
  /** Michelson contrast, 0..1. Default 1. */
  contrast?: number
}

/**
 * Full-field sinusoidal gratings around mid-grey, written one after another into a new array.
 *
 * @example
 * renderGratings([{ orientation: 45, frequency: 4, phase: 0 }], { height: 28, width: 28, channels: 1 })
 */
export function renderGratings(gratings: readonly Grating[], shape: StimulusShape): Float32Array {
  const { height, width, channels } = shape
  const size = height * width
  const out = new Float32Array(gratings.length * size * channels)
  const cy = (height - 1) / 2
  const cx = (width - 1) / 2
  gratings.forEach((grating, i) => {
    const [nx, ny] = stripeNormal(grating.orientation)
    const k = (2 * Math.PI * grating.frequency) / width
    const phase = (grating.phase * Math.PI) / 180
    const contrast = grating.contrast ?? 1
    const view = out.subarray(i * size * channels, (i + 1) * size * channels)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const along = nx * (x - cx) + ny * (y - cy)
        writeGrey(view, y * width + x, channels, 0.5 + 0.5 * contrast * Math.sin(k * along + phase))
      }
    }
  })
  return out
}
