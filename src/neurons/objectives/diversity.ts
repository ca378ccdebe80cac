import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import { Objective } from './objective'

/**
 * Diversity across the images of a batch (Lucid's): minus the mean cosine similarity between the
 * images' Gram matrices at a layer, so that several images of one unit show different facets of it.
 *
 * @example
 * gw.objectives.channel('conv2d_1', 3).plus(gw.objectives.diversity('conv2d_1').times(0.5))
 */
export function diversity(layer: string): Objective {
  return new Objective(`diversity(${layer})`, { layers: [layer], output: false }, (context) => {
    const activation = context.activation(layer)
    const n = activation.shape[0]!
    if (n < 2) {
      throw new GlasswingError({
        where: 'gw.objectives.diversity',
        expected: 'a batch of at least 2 images',
        received: `${n}`,
        hint: 'Pass options.batch >= 2 to gw.visualize.',
      })
    }
    const channels = activation.shape[activation.rank - 1]!
    const flat = activation.reshape([n, -1, channels])
    const grams = tf.matMul(flat, flat, true, false).reshape([n, channels * channels])
    const unitGrams = grams.div(grams.norm('euclidean', 1, true).add(1e-8))
    const similarity = unitGrams.matMul(unitGrams, false, true)
    // Off-diagonal mean: the diagonal is 1 by construction.
    const offDiagonal = similarity.sum().sub(similarity.mul(tf.eye(n)).sum())
    return offDiagonal.div(n * (n - 1)).neg() as tf.Scalar
  })
}
