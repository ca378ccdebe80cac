import type * as tf from '@tensorflow/tfjs'
import type { Transform } from './types'

/**
 * A random crop `distance` pixels smaller than the images (Lucid's jitter): the same shift for the
 * whole batch, a new one each step.
 *
 * @example
 * gw.transforms.jitter(2)
 */
export function jitter(distance: number): Transform {
  return {
    name: `jitter(${distance})`,
    apply: (images, random) => {
      const [n, h, w, c] = images.shape
      const dy = Math.floor(random() * (distance + 1))
      const dx = Math.floor(random() * (distance + 1))
      return images.slice([0, dy, dx, 0], [n, h - distance, w - distance, c]) as tf.Tensor4D
    },
  }
}
