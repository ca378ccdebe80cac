/**
 * Score-CAM (Wang et al. 2020): gradient-free. Each channel of a conv layer, upsampled and scaled to
 * [0, 1], masks the input; the target's score on that masked input weighs the channel. Weights are a
 * softmax over channels of those scores (pytorch-grad-cam's `ScoreCAM`, the default) or the class
 * probability of each masked input (the authors' code).
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionMethod } from '../types'
import { resolveCamOptions, weightedMap, type CamOptions } from './common'

/** Score-CAM's options. */
export interface ScoreCamOptions extends CamOptions {
  /** How masked scores become channel weights (default 'channel-softmax'). */
  weighting: 'channel-softmax' | 'class-probability'
  /** Masked inputs per model call (default 32, or the common `batchSize` when smaller); the same option as the common `batchSize`. */
  batchSize: number
}

/**
 * Score-CAM at a named conv layer; needs no gradients, so it runs on SavedModels too.
 *
 * @example
 * await gw.explain(model, images, { method: 'score-cam', layer: 'conv2d_2', batchSize: 64 })
 */
export const scoreCam: AttributionMethod<ScoreCamOptions> = {
  name: 'score-cam',
  title: 'Score-CAM',
  needsGradients: false,
  stochastic: false,
  signed: () => false,
  resolve(options, context) {
    const weighting = options.weighting ?? 'channel-softmax'
    const batchSize = options.batchSize ?? Math.min(32, context.batchSize)
    if (weighting !== 'channel-softmax' && weighting !== 'class-probability') {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.weighting',
        expected: "'channel-softmax' or 'class-probability'",
        received: describeValue(weighting),
      })
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.batchSize',
        expected: 'a whole number of at least 1',
        received: describeValue(batchSize),
      })
    }
    return { ...resolveCamOptions(options, context), weighting, batchSize }
  },
  attribute(context, options) {
    const { inputs } = context
    const [height, width] = inputs.shape.slice(1, 3) as [number, number]
    const activations = context.model.activations(inputs, options.layer)[options.layer] as tf.Tensor4D
    const channels = activations.shape[3]
    const upsampled = tf.image.resizeBilinear(activations, [height, width], true)
    const low = tf.min(upsampled, [1, 2], true)
    const high = tf.max(upsampled, [1, 2], true)
    const scaled = tf.div(tf.sub(upsampled, low), tf.add(tf.sub(high, low), 1e-8))
    const perRow: tf.Tensor[] = []
    for (let row = 0; row < inputs.shape[0]!; row++) {
      const input = inputs.slice([row], [1])
      const masks = tf.transpose(scaled.slice([row], [1]), [3, 1, 2, 0])
      const scores: tf.Tensor[] = []
      for (let start = 0; start < channels; start += options.batchSize) {
        const count = Math.min(options.batchSize, channels - start)
        const rows = new Int32Array(count).fill(row)
        // One tidy per chunk: only the scores outlive it, so memory stays bounded by batchSize.
        scores.push(
          tf.tidy(() => {
            const batch = tf.mul(input, masks.slice([start], [count]))
            return options.weighting === 'class-probability'
              ? context.score(tf.softmax(context.model.predict(batch)), rows)
              : context.objective(batch, rows)
          }),
        )
      }
      const channelScores = tf.concat(scores)
      perRow.push(options.weighting === 'channel-softmax' ? tf.softmax(channelScores) : channelScores)
    }
    const weights = tf.stack(perRow).reshape([inputs.shape[0]!, 1, 1, channels])
    return { values: weightedMap(activations, weights, context, options), layer: options.layer }
  },
}
