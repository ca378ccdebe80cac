import type * as tf from '@tensorflow/tfjs'
import { Objective } from './objective'
import { selectBatch, type BatchSelection } from './select'

/**
 * A whole layer: the mean squared activation (DeepDream's objective), which strengthens whatever the
 * layer already sees.
 *
 * @example
 * gw.objectives.layer('conv2d_2')
 */
export function layer(name: string, options: { batch?: BatchSelection } = {}): Objective {
  const batch = options.batch ?? 'all'
  return new Objective(
    `layer(${name})`,
    { layers: [name], output: false },
    (context) =>
      selectBatch(context.activation(name), batch, 'gw.objectives.layer').square().mean() as tf.Scalar,
  )
}
