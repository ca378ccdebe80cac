import type * as tf from '@tensorflow/tfjs'
import { Objective } from './objective'

/**
 * A penalty (subtract it): the mean absolute difference of the images from a constant grey, which keeps
 * only the pixels that matter away from it.
 *
 * @example
 * gw.objectives.channel('conv2d_1', 3).minus(gw.objectives.l1().times(0.05))
 */
export function l1(options: { constant?: number } = {}): Objective {
  const constant = options.constant ?? 0.5
  return new Objective(
    'l1',
    { layers: [], output: false },
    (context) => context.images.sub(constant).abs().mean() as tf.Scalar,
  )
}
