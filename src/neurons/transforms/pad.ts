import type * as tf from '@tensorflow/tfjs'
import type { Transform } from './types'

/**
 * Pads every side with a constant (grey by default), so that later jitter and rotation see a border
 * rather than an edge the visualization can exploit.
 *
 * @example
 * gw.transforms.pad(2)
 */
export function pad(width: number, options: { value?: number } = {}): Transform {
  const value = options.value ?? 0.5
  return {
    name: `pad(${width})`,
    apply: (images) =>
      images.pad(
        [
          [0, 0],
          [width, width],
          [width, width],
          [0, 0],
        ],
        value,
      ) as tf.Tensor4D,
  }
}
