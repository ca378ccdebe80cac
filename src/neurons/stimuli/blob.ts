import { writeGrey, type StimulusShape } from './types'

/**
 * A small bright Gaussian blob on a dark background at each [row, column] (centre of the blob), for the
 * unit's receptive field and position tuning.
 *
 * @example
 * renderBlobs([[14, 14]], { height: 28, width: 28, channels: 1 }, 2)
 */
export function renderBlobs(
  positions: readonly (readonly [number, number])[],
  shape: StimulusShape,
  radius: number,
): Float32Array {
  const { height, width, channels } = shape
  const size = height * width * channels
  const out = new Float32Array(positions.length * size)
  positions.forEach(([row, column], i) => {
    const view = out.subarray(i * size, (i + 1) * size)
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const d2 = (y - row) ** 2 + (x - column) ** 2
        writeGrey(view, y * width + x, channels, Math.exp(-d2 / (2 * radius * radius)))
      }
    }
  })
  return out
}
