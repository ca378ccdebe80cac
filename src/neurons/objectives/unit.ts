import type * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import { Objective } from './objective'
import { checkUnit, selectBatch, type BatchSelection } from './select'

/** Options of {@link unit}. */
export interface UnitObjectiveOptions {
  /** Which image of the batch; all by default. */
  batch?: BatchSelection
  /** The spatial position [row, column] in a convolutional layer; its centre by default. */
  position?: readonly [number, number]
}

/**
 * One neuron: a unit of a dense layer, or one channel at one position of a convolutional layer.
 *
 * @example
 * gw.objectives.unit('dense_1', 7)
 * gw.objectives.unit('conv2d_1', 3, { position: [5, 5] })
 */
export function unit(layer: string, index: number, options: UnitObjectiveOptions = {}): Objective {
  const batch = options.batch ?? 'all'
  const where = 'gw.objectives.unit'
  const at = options.position ? ` @${options.position.join(',')}` : ''
  return new Objective(`unit(${layer}:${index}${at})`, { layers: [layer], output: false }, (context) => {
    const activation = selectBatch(context.activation(layer), batch, where)
    checkUnit(activation, layer, index, where)
    if (activation.rank === 2) {
      return activation.slice([0, index], [activation.shape[0]!, 1]).mean() as tf.Scalar
    }
    if (activation.rank !== 4) {
      throw new GlasswingError({
        where,
        argument: 'layer',
        expected: 'a dense ([batch, units]) or convolutional ([batch, height, width, channels]) layer',
        received: `'${layer}' with rank ${activation.rank}`,
      })
    }
    const [n, h, w] = activation.shape as [number, number, number, number]
    const [row, column] = options.position ?? [Math.floor(h / 2), Math.floor(w / 2)]
    if (row < 0 || row >= h || column < 0 || column >= w) {
      throw new GlasswingError({
        where,
        argument: 'options.position',
        expected: `a [row, column] inside the ${h}x${w} map of '${layer}'`,
        received: `[${row}, ${column}]`,
        hint: 'Leave it out to use the centre.',
      })
    }
    return activation.slice([0, row, column, index], [n, 1, 1, 1]).mean() as tf.Scalar
  })
}
