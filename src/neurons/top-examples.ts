/**
 * Top-activating examples of each unit, with the unit's activation map over each, and the unit's
 * activation statistics over the data: one streaming pass over the data, one small pass over the winners.
 */
import * as tf from '@tensorflow/tfjs'
import type { GlasswingModel } from '../model'

/** One example that excites a unit. */
export interface TopExample {
  /** Its index in the data. */
  index: number
  /** The unit's score on it: the maximum of its activation map (the unit itself for dense layers). */
  activation: number
  /** The unit's activation map over the example, [mapHeight, mapWidth], row-major (1x1 for dense). */
  map: Float32Array
}

/** A unit's activation over the whole data. */
export interface ActivationStatistics {
  /** Mean over examples and positions. */
  mean: number
  /** Standard deviation over examples and positions. */
  std: number
  /** The largest activation seen. */
  max: number
  /** The share of (example, position) pairs where the unit is above 0. */
  activeFraction: number
}

/** What {@link topExamples} returns per unit. */
export interface UnitExamples {
  unit: number
  examples: TopExample[]
  statistics: ActivationStatistics
}

/**
 * The `top` examples of `images` with the highest score for each of `units`.
 *
 * @example
 * const [first] = topExamples(model, 'conv2d_1', images, [0, 1, 2], { top: 9 })
 * first.examples[0].index   // the data index of unit 0's strongest example
 */
export function topExamples(
  model: GlasswingModel,
  layer: string,
  images: tf.Tensor4D,
  units: readonly number[],
  options: { top?: number; batchSize?: number; inputRange?: readonly [number, number] } = {},
): UnitExamples[] {
  const top = options.top ?? 9
  const batchSize = options.batchSize ?? 500
  const [low, high] = options.inputRange ?? [0, 1]
  const count = images.shape[0]
  const scores = units.map(() => new Float32Array(count))
  const sums = new Float64Array(units.length)
  const squares = new Float64Array(units.length)
  const maxima = new Float64Array(units.length).fill(-Infinity)
  const active = new Float64Array(units.length)
  let positions = 0
  const unitIndices = tf.tensor1d(units as number[], 'int32')
  try {
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start)
      const [score, sum, square, max, positive, perImage] = tf.tidy(() => {
        const input = images
          .slice([start], [n])
          .mul(high - low)
          .add(low)
        const activation = unitsOf(model.activations(input, layer)[layer]!, unitIndices) // [n, p, u]
        return [
          activation.max(1),
          activation.sum([0, 1]),
          activation.square().sum([0, 1]),
          activation.max([0, 1]),
          activation.greater(0).cast('float32').sum([0, 1]),
          tf.scalar(activation.shape[1]!),
        ]
      })
      const scoreData = score!.dataSync()
      for (let i = 0; i < n; i++)
        units.forEach((_, u) => (scores[u]![start + i] = scoreData[i * units.length + u]!))
      accumulate(sums, sum!.dataSync(), (a, b) => a + b)
      accumulate(squares, square!.dataSync(), (a, b) => a + b)
      accumulate(maxima, max!.dataSync(), Math.max)
      accumulate(active, positive!.dataSync(), (a, b) => a + b)
      positions += n * perImage!.dataSync()[0]!
      tf.dispose([score!, sum!, square!, max!, positive!, perImage!])
    }
    const winners = units.map((_, u) => topIndices(scores[u]!, top))
    const maps = mapsOf(model, layer, images, units, winners, low, high)
    return units.map((unit, u) => {
      const mean = sums[u]! / positions
      return {
        unit,
        examples: winners[u]!.map((index, rank) => ({
          index,
          activation: scores[u]![index]!,
          map: maps[u]![rank]!,
        })),
        statistics: {
          mean,
          std: Math.sqrt(Math.max(0, squares[u]! / positions - mean * mean)),
          max: maxima[u]!,
          activeFraction: active[u]! / positions,
        },
      }
    })
  } finally {
    unitIndices.dispose()
  }
}

/** The selected units of an activation as [n, positions, units] (dense layers: one position). */
function unitsOf(activation: tf.Tensor, units: tf.Tensor1D): tf.Tensor3D {
  const channels = activation.shape[activation.rank - 1]!
  const n = activation.shape[0]!
  const flat = activation.reshape([n, -1, channels]) as tf.Tensor3D
  // All units in order (the dictionary's default) need no copy.
  const all = units.size === channels && units.dataSync().every((unit, i) => unit === i)
  return all ? flat : (tf.gather(flat, units, 2) as tf.Tensor3D)
}

/** The activation maps of the winning examples, maps[u][rank]. */
function mapsOf(
  model: GlasswingModel,
  layer: string,
  images: tf.Tensor4D,
  units: readonly number[],
  winners: number[][],
  low: number,
  high: number,
): Float32Array[][] {
  const all = [...new Set(winners.flat())]
  if (all.length === 0) return units.map(() => [])
  const activation = tf.tidy(() => {
    const chosen = tf
      .gather(images, tf.tensor1d(all, 'int32'))
      .mul(high - low)
      .add(low)
    const a = model.activations(chosen, layer)[layer]!
    return a.reshape([all.length, -1, a.shape[a.rank - 1]!])
  })
  const [, positions, channels] = activation.shape as number[]
  const data = activation.dataSync()
  activation.dispose()
  const row = new Map(all.map((index, i) => [index, i]))
  return units.map((unit, u) =>
    winners[u]!.map((index) => {
      const map = new Float32Array(positions!)
      const base = row.get(index)! * positions! * channels!
      for (let p = 0; p < positions!; p++) map[p] = data[base + p * channels! + unit]!
      return map
    }),
  )
}

function topIndices(scores: Float32Array, k: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, Math.min(k, scores.length))
}

function accumulate(
  target: Float64Array,
  values: ArrayLike<number>,
  combine: (a: number, b: number) => number,
): void {
  for (let i = 0; i < target.length; i++) target[i] = combine(target[i]!, values[i]!)
}
