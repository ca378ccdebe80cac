import type * as tf from '@tensorflow/tfjs'
import { Objective } from './objective'
import { checkUnit, requireSpatial, selectBatch, type BatchSelection } from './select'

/**
 * The mean activation of one channel over all positions of a convolutional layer: what a feature
 * detector responds to wherever it occurs.
 *
 * @example
 * await gw.visualize(model, gw.objectives.channel('conv2d_1', 3))
 */
export function channel(layer: string, unit: number, options: { batch?: BatchSelection } = {}): Objective {
  const batch = options.batch ?? 'all'
  const where = 'gw.objectives.channel'
  const suffix = batch === 'all' ? '' : `, image ${batch}`
  return new Objective(
    `channel(${layer}:${unit}${suffix})`,
    { layers: [layer], output: false },
    (context) => {
      const activation = context.activation(layer)
      requireSpatial(activation, layer, where, 'a channel objective')
      checkUnit(activation, layer, unit, where)
      const selected = selectBatch(activation, batch, where) as tf.Tensor4D
      const [n, h, w] = selected.shape
      return selected.slice([0, 0, 0, unit], [n, h, w, 1]).mean() as tf.Scalar
    },
  )
}
