import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import { Objective } from './objective'
import { selectBatch, type BatchSelection } from './select'

/**
 * A direction in a layer's activation space: the dot product of each position's activation vector with
 * `vector`, averaged over positions. A unit is the direction of one axis; a concept vector or the
 * difference of two class means are others.
 *
 * @example
 * gw.objectives.direction('conv2d_2', [0.5, -0.5, 0, ...])   // one weight per channel
 */
export function direction(
  layer: string,
  vector: readonly number[] | Float32Array,
  options: { batch?: BatchSelection; name?: string } = {},
): Objective {
  const batch = options.batch ?? 'all'
  const where = 'gw.objectives.direction'
  const values = Float32Array.from(vector)
  return new Objective(
    options.name ?? `direction(${layer}, ${values.length}-d)`,
    { layers: [layer], output: false },
    (context) => {
      const activation = selectBatch(context.activation(layer), batch, where)
      const channels = activation.shape[activation.rank - 1]!
      if (values.length !== channels) {
        throw new GlasswingError({
          where,
          argument: 'vector',
          expected: `${channels} numbers, one per unit of '${layer}'`,
          received: `${values.length}`,
          hint: 'Give one weight per channel (the last axis of the layer).',
        })
      }
      const flat = activation.reshape([-1, channels])
      return flat.matMul(tf.tensor2d(values, [channels, 1])).mean() as tf.Scalar
    },
  )
}
