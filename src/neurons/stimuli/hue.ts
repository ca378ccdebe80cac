import type { StimulusShape } from './types'

/** RGB in [0, 1] of a fully saturated hue (degrees), at full value. */
export function hueToRgb(hue: number): [number, number, number] {
  const h = (((hue % 360) + 360) % 360) / 60
  const x = 1 - Math.abs((h % 2) - 1)
  const table: [number, number, number][] = [
    [1, x, 0],
    [x, 1, 0],
    [0, 1, x],
    [0, x, 1],
    [x, 0, 1],
    [1, 0, x],
  ]
  return table[Math.floor(h) % 6]!
}

/**
 * Uniform fields of saturated colour, one per hue (RGB models only).
 *
 * @example
 * renderHues([0, 120, 240], { height: 32, width: 32, channels: 3 })   // red, green, blue fields
 */
export function renderHues(hues: readonly number[], shape: StimulusShape): Float32Array {
  const { height, width, channels } = shape
  const size = height * width * channels
  const out = new Float32Array(hues.length * size)
  hues.forEach((hue, i) => {
    const rgb = hueToRgb(hue)
    for (let p = 0; p < height * width; p++) {
      for (let k = 0; k < channels; k++) out[i * size + p * channels + k] = rgb[k]!
    }
  })
  return out
}
