import type * as tf from '@tensorflow/tfjs'
import { Objective } from './objective'

/**
 * A penalty (subtract it): the mean absolute difference between neighbouring pixels, which suppresses
 * the high-frequency patterns that pixel-space optimization drifts into.
 *
 * @example
 * gw.objectives.channel('conv2d_1', 3).minus(gw.objectives.totalVariation().times(0.1))
 */
export function totalVariation(): Objective {
  return new Objective('totalVariation', { layers: [], output: false }, (context) => {
    const images = context.images
    const [n, h, w, c] = images.shape
    const down = images
      .slice([0, 1, 0, 0], [n, h - 1, w, c])
      .sub(images.slice([0, 0, 0, 0], [n, h - 1, w, c]))
    const right = images
      .slice([0, 0, 1, 0], [n, h, w - 1, c])
      .sub(images.slice([0, 0, 0, 0], [n, h, w - 1, c]))
    return down.abs().mean().add(right.abs().mean()) as tf.Scalar
  })
}
