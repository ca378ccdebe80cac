/**
 * Ablation: zero one unit (a whole channel of a convolutional layer) between the two halves of the
 * model cut at its layer, and measure what changes over the data: accuracy, and the mean probability of
 * every class. The head runs once; the tail runs once per unit.
 */
import * as tf from '@tensorflow/tfjs'
import type { GlasswingModel } from '../model'

/** What ablating one unit does. */
export interface AblationEffect {
  unit: number
  /** Accuracy with the unit zeroed; null without labels. */
  accuracy: number | null
  /** Baseline accuracy minus ablated accuracy (positive: the unit helps); null without labels. */
  accuracyDrop: number | null
  /** Mean probability of each class with the unit zeroed, minus the baseline's. */
  classProbabilityChange: number[]
  /** Mean drop of the probability of each example's true (or, without labels, predicted) class. */
  targetProbabilityDrop: number
}

/** What {@link ablate} returns. */
export interface Ablation {
  baselineAccuracy: number | null
  /** Mean probability of each class over the data, unablated. */
  baselineClassProbability: number[]
  effects: AblationEffect[]
  examples: number
}

/**
 * Zeroes each of `units` in turn and measures the model over `images` (and `labels`, int class indices).
 *
 * @example
 * const { baselineAccuracy, effects } = ablate(model, 'conv2d_1', images, labels, [0, 1, 2])
 * effects[0].accuracyDrop   // 0.012: 1.2 points lost without unit 0
 */
export function ablate(
  model: GlasswingModel,
  layer: string,
  images: tf.Tensor4D,
  labels: tf.Tensor1D | null,
  units: readonly number[],
  options: { batchSize?: number; groupRows?: number; inputRange?: readonly [number, number] } = {},
): Ablation {
  const batchSize = options.batchSize ?? 1000
  const groupRows = options.groupRows ?? batchSize
  const [low, high] = options.inputRange ?? [0, 1]
  const split = model.split(layer)
  const count = images.shape[0]
  const variants = units.length + 1 // the baseline, then one per unit
  const correct = new Float64Array(variants)
  const targetProbability = new Float64Array(variants)
  let classSums: Float64Array | undefined
  let isDistribution: boolean | undefined
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start)
    const measured = tf.tidy(() => {
      const input = images
        .slice([start], [n])
        .mul(high - low)
        .add(low)
      const activation = split.head(input)
      const output = split.tail(activation, input)
      isDistribution ??= looksLikeDistribution(output)
      const baseline = probabilities(output, isDistribution)
      const target = (labels ? labels.slice([start], [n]) : baseline.argMax(1)) as tf.Tensor1D
      const classes = baseline.shape[1]!
      const targetMask = tf.oneHot(target, classes)
      const rows: tf.Tensor[] = [summarize(baseline, target, targetMask)]
      // Several ablated copies go through the tail as one batch: fewer, larger kernel calls.
      const group = Math.max(1, Math.floor(groupRows / n))
      for (let first = 0; first < units.length; first += group) {
        const chosen = units.slice(first, first + group)
        // Its own scope: only the summaries outlive a group, not the tail's activations (which, kept
        // for every unit until the batch ends, would take gigabytes).
        const summaries = tf.tidy(() => {
          const ablated = tf.concat(chosen.map((unit) => zeroUnit(activation, unit)))
          const repeatedInput = tf.concat(chosen.map(() => input))
          const p = probabilities(split.tail(ablated, repeatedInput), isDistribution!)
          return chosen.map((_, k) => summarize(p.slice([k * n], [n]), target, targetMask))
        })
        rows.push(...summaries)
      }
      return tf.stack(rows) // [variants, 2 + classes]
    })
    const [data, columns] = [measured.dataSync(), measured.shape[1]!]
    measured.dispose()
    classSums ??= new Float64Array(variants * (columns - 2))
    for (let v = 0; v < variants; v++) {
      correct[v] += data[v * columns]!
      targetProbability[v] += data[v * columns + 1]!
      for (let c = 0; c < columns - 2; c++) classSums[v * (columns - 2) + c] += data[v * columns + 2 + c]!
    }
  }
  const classes = classSums!.length / variants
  const meanClass = (v: number) =>
    Array.from({ length: classes }, (_, c) => classSums![v * classes + c]! / count)
  const baselineClass = meanClass(0)
  const accuracy = (v: number) => (labels ? correct[v]! / count : null)
  return {
    baselineAccuracy: accuracy(0),
    baselineClassProbability: baselineClass,
    examples: count,
    effects: units.map((unit, u) => ({
      unit,
      accuracy: accuracy(u + 1),
      accuracyDrop: labels ? accuracy(0)! - accuracy(u + 1)! : null,
      classProbabilityChange: meanClass(u + 1).map((p, c) => p - baselineClass[c]!),
      targetProbabilityDrop: (targetProbability[0]! - targetProbability[u + 1]!) / count,
    })),
  }
}

/** The activation with one unit (the last axis) set to zero. */
function zeroUnit(activation: tf.Tensor, unit: number): tf.Tensor {
  const channels = activation.shape[activation.rank - 1]!
  const keep = tf
    .oneHot(tf.tensor1d([unit], 'int32'), channels)
    .reshape([channels])
    .sub(1)
    .neg()
  return activation.mul(keep)
}

/** [correct count, summed target probability, summed probability per class] of one variant. */
function summarize(p: tf.Tensor2D, target: tf.Tensor1D, targetMask: tf.Tensor): tf.Tensor {
  return tf.concat([
    p.argMax(1).equal(target).cast('float32').sum().reshape([1]),
    p.mul(targetMask).sum().reshape([1]),
    p.sum(0),
  ])
}

/** Whether a model's output already is a distribution over classes (it ends in a softmax). */
function looksLikeDistribution(output: tf.Tensor): boolean {
  return tf.tidy(() => {
    const flat = output.reshape([output.shape[0]!, -1])
    return flat.min().dataSync()[0]! >= 0 && flat.sum(1).sub(1).abs().max().dataSync()[0]! < 1e-3
  })
}

/** Class probabilities: the output itself when it already is a distribution, else its softmax. */
function probabilities(output: tf.Tensor, isDistribution: boolean): tf.Tensor2D {
  const flat = output.reshape([output.shape[0]!, -1]) as tf.Tensor2D
  return isDistribution ? flat : tf.softmax(flat)
}
