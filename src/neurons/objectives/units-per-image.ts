import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import { Objective } from './objective'
import { checkUnit } from './select'

/** Options of {@link unitsPerImage}. */
export interface UnitsPerImageOptions {
  /**
   * On a convolutional layer: the whole channel's mean (default) or the neuron at the map's centre.
   * Dense layers have one value per unit either way.
   */
  at?: 'channel' | 'centre'
}

/**
 * Image i of the batch maximizes unit `units[i]`: the sum of `channel(layer, units[i], { batch: i })`
 * over i, computed in a handful of ops instead of a few per image, which is what makes a whole layer's
 * visualizations one fast optimization.
 *
 * @example
 * await gw.visualize(model, gw.objectives.unitsPerImage('conv2d_1', [0, 1, 2, 3]), { batch: 4 })
 */
export function unitsPerImage(
  layer: string,
  units: readonly number[],
  options: UnitsPerImageOptions = {},
): Objective {
  const where = 'gw.objectives.unitsPerImage'
  const at = options.at ?? 'channel'
  const shown = units.length <= 4 ? units.join(', ') : `${units[0]}..${units[units.length - 1]}`
  return new Objective(
    `${at}s(${layer}: ${shown}; one per image)`,
    { layers: [layer], output: false },
    (context) => {
      const activation = context.activation(layer)
      const [n] = activation.shape as number[]
      if (n !== units.length) {
        throw new GlasswingError({
          where,
          argument: 'units',
          expected: `one unit per image of the batch (${n})`,
          received: `${units.length} units`,
          hint: `Pass options.batch = ${units.length} to gw.visualize.`,
        })
      }
      for (const unit of units) checkUnit(activation, layer, unit, where)
      return valuePerImage(activation, units, at).sum() as tf.Scalar
    },
  )
}

/**
 * What {@link unitsPerImage} maximizes, image by image: unit `units[i]` of image i (its channel's mean,
 * or its neuron at the map's centre), shape [n]. Used to tell which images excite their unit.
 *
 * @example
 * valuePerImage(model.activations(images, 'conv2d_2').conv2d_2, [0, 1], 'channel')   // [2]
 */
export function valuePerImage(
  activation: tf.Tensor,
  units: readonly number[],
  at: 'channel' | 'centre' = 'channel',
): tf.Tensor1D {
  // No tidy here: it also runs inside the optimizer's tape, within the caller's scope.
  const [n] = activation.shape as number[]
  const channels = activation.shape[activation.rank - 1]!
  let perUnit: tf.Tensor2D // [n, channels]
  if (activation.rank === 4 && at === 'centre') {
    const [, h, w] = activation.shape as number[]
    perUnit = activation
      .slice([0, Math.floor(h! / 2), Math.floor(w! / 2), 0], [n!, 1, 1, channels])
      .reshape([n!, channels])
  } else {
    perUnit = (
      activation.rank === 2 ? activation : activation.reshape([n!, -1, channels]).mean(1)
    ) as tf.Tensor2D
  }
  const pick = tf.oneHot(tf.tensor1d(units as number[], 'int32'), channels).cast('float32')
  return perUnit.mul(pick).sum(1) as tf.Tensor1D
}
