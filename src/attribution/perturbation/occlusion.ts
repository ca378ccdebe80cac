/**
 * Occlusion (Zeiler & Fergus 2014; Captum's `Occlusion`): slide a window over the input, replace what
 * it covers by the baseline, and give every covered element the drop in the target's score, averaged
 * over the windows that cover it. Elements no window reaches get 0.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionContext, AttributionMethod } from '../types'
import { contextScorer, scoreEnds } from './evaluate'
import { baselineTensor, checkBaseline, checkCount, type Baseline } from './options'

/** Occlusion's options. */
export interface OcclusionOptions {
  /** Window over height and width (all channels): a number for a square, or `[height, width]` (default 4). */
  window: number | readonly [number, number]
  /** Step between windows (default: the window, no overlap). */
  stride: number | readonly [number, number]
  /** What covered elements become (default 0). */
  baseline: Baseline
  /** Occluded copies per model call (default 64, or the common `batchSize` when smaller); the same option as the common `batchSize`. */
  batchSize: number
}

/**
 * Occlusion over images `[n, h, w, c]`, or along the columns of tabular inputs `[n, features]`.
 *
 * @example
 * await gw.explain(model, images, { method: 'occlusion', window: 4, stride: 2 })
 */
export const occlusion: AttributionMethod<OcclusionOptions> = {
  name: 'occlusion',
  title: 'Occlusion',
  needsGradients: false,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    const window = options.window ?? 4
    const stride = options.stride ?? window
    pair(window, 'window', context)
    pair(stride, 'stride', context)
    return {
      window,
      stride,
      baseline: checkBaseline(options.baseline, context),
      batchSize: checkCount(options.batchSize ?? Math.min(64, context.batchSize), 'batchSize', context),
    }
  },
  attribute(context, options) {
    const { inputs } = context
    const [height, width] = (inputs.rank === 4 ? inputs.shape.slice(1, 3) : [1, inputs.shape[1]!]) as [
      number,
      number,
    ]
    const window = pair(options.window, 'window', context)
    const stride = pair(options.stride, 'stride', context)
    // As Captum: ceil((size - window) / stride) + 1 positions per axis, the last window clipped at the edge.
    const columns = Math.ceil((width - window[1]) / stride[1]) + 1
    const positions = (Math.ceil((height - window[0]) / stride[0]) + 1) * columns
    const maskShape = inputs.rank === 4 ? [height, width, 1] : [width]
    const scorer = contextScorer(context, options.batchSize)
    const baseline = baselineTensor(options.baseline)
    const rows: tf.Tensor[] = []
    for (let row = 0; row < inputs.shape[0]!; row++) {
      const input = inputs.slice([row], [1])
      const { inputScore } = scoreEnds(scorer, input, baseline, row)
      const sums = new Float64Array(height * width)
      const counts = new Float64Array(height * width)
      for (let start = 0; start < positions; start += options.batchSize) {
        const count = Math.min(options.batchSize, positions - start)
        const corners = Array.from({ length: count }, (_, index) => [
          Math.floor((start + index) / columns) * stride[0],
          ((start + index) % columns) * stride[1],
        ])
        const masks = new Float32Array(count * height * width).fill(1)
        corners.forEach(([top, left], index) => {
          for (let y = top!; y < Math.min(height, top! + window[0]); y++)
            masks.fill(
              0,
              (index * height + y) * width + left!,
              (index * height + y) * width + Math.min(width, left! + window[1]),
            )
        })
        const scores = tf.tidy(() => {
          const keep = tf.tensor(masks, [count, ...maskShape])
          return scorer.evaluate(tf.add(baseline, tf.mul(keep, tf.sub(input, baseline))), row)
        })
        const values = scores.dataSync()
        scores.dispose()
        corners.forEach(([top, left], index) => {
          const drop = inputScore - values[index]!
          for (let y = top!; y < Math.min(height, top! + window[0]); y++)
            for (let x = left!; x < Math.min(width, left! + window[1]); x++) {
              sums[y * width + x]! += drop
              counts[y * width + x]! += 1
            }
        })
      }
      const averaged = Float32Array.from(sums, (sum, index) =>
        counts[index]! > 0 ? sum / counts[index]! : 0,
      )
      rows.push(tf.broadcastTo(tf.tensor(averaged, [1, ...maskShape]), input.shape))
    }
    return { values: tf.concat(rows) }
  },
}

function pair(
  value: OcclusionOptions['window'],
  argument: string,
  context: AttributionContext,
): [number, number] {
  const { inputs } = context
  const tabular = inputs.rank !== 4
  if (inputs.rank !== 4 && inputs.rank !== 2) {
    throw new GlasswingError({
      where: context.where,
      argument: 'inputs',
      expected: 'images [n, height, width, channels] or tabular inputs [n, features]',
      received: `inputs of shape [${inputs.shape.join(', ')}]`,
      hint: "Use 'feature-ablation' with your own mask for other shapes.",
    })
  }
  const limit = tabular ? [1, inputs.shape[1]!] : inputs.shape.slice(1, 3)
  const result: [number, number] =
    typeof value === 'number' ? (tabular ? [1, value] : [value, value]) : [value[0], value[1]]
  if (!result.every((size, axis) => Number.isInteger(size) && size >= 1 && size <= limit[axis]!)) {
    throw new GlasswingError({
      where: context.where,
      argument: `options.${argument}`,
      expected: `a whole number (or [height, width]) between 1 and the input size (${limit.join(' x ')})`,
      received: describeValue(value),
    })
  }
  return result
}
