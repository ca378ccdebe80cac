/** Baselines for path methods: what "absence of signal" the input is compared with. */
import { FLOAT32_MAX } from '../perturbation/options'
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionContext } from '../types'

/** Named baselines: zeros, the darkest input value, a blurred copy of the input, uniform noise. */
export type BaselineKind = 'zero' | 'black' | 'blurred' | 'uniform'

/** Every named baseline. */
export const BASELINE_KINDS: readonly BaselineKind[] = ['zero', 'black', 'blurred', 'uniform']

/** A named baseline, a constant, or a tensor (one example, or one per example). */
export type Baseline = BaselineKind | number | tf.Tensor

/**
 * The baseline as a tensor of the inputs' full shape (call inside `tf.tidy`).
 * 'black' is the smallest value in the inputs; 'uniform' draws seeded noise between the inputs'
 * minimum and maximum; 'blurred' is a Gaussian blur of each image (`sigma` pixels).
 *
 * @example
 * const b = tf.tidy(() => makeBaseline(context, 'blurred', 5, 'options.baseline'))
 */
export function makeBaseline(
  context: AttributionContext,
  baseline: Baseline,
  sigma: number,
  argument: string,
): tf.Tensor {
  const inputs = context.inputs
  if (typeof baseline === 'number') {
    if (!(Math.abs(baseline) <= FLOAT32_MAX)) {
      throw new GlasswingError({
        where: context.where,
        argument,
        expected: 'a finite float32 number (or a named baseline, or a tensor)',
        received: describeValue(baseline),
      })
    }
    return tf.fill(inputs.shape, baseline)
  }
  if (baseline instanceof tf.Tensor) return customBaseline(context, baseline, argument)
  switch (baseline) {
    case 'zero':
      return tf.zerosLike(inputs)
    case 'black':
      return tf.fill(inputs.shape, context.inputRange()[0])
    case 'uniform': {
      const [lo, hi] = context.inputRange()
      return tf.tensor(context.draws.uniforms(inputs.size / inputs.shape[0]!, lo, hi), inputs.shape)
    }
    case 'blurred':
      return blur(inputs, sigma, context.where, argument)
    default:
      throw new GlasswingError({
        where: context.where,
        argument,
        expected: "'zero', 'black', 'blurred', 'uniform', a number or a tensor",
        received: describeValue(baseline),
      })
  }
}

function customBaseline(context: AttributionContext, baseline: tf.Tensor, argument: string): tf.Tensor {
  const inputs = context.inputs
  const exampleShape = inputs.shape.slice(1)
  const { first, count, total, examples } = context.span
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i])
  const fail = (received: string): never => {
    throw new GlasswingError({
      where: context.where,
      argument,
      expected: `a tensor of finite numbers of shape [${exampleShape.join(', ')}], [1, ...] or [${examples}, ...] (one per example)`,
      received,
      hint: 'Build the baseline from the inputs (for example tf.zerosLike(x.slice([0], [1]))).',
    })
  }
  if (baseline.isDisposed) fail('a disposed tensor')
  if (baseline.dtype === 'string') fail('a string tensor')
  let floats: tf.Tensor | null = null
  if (same(baseline.shape, exampleShape))
    floats = tf.broadcastTo(baseline.toFloat().expandDims(0), inputs.shape)
  else if (same(baseline.shape.slice(1), exampleShape)) {
    const all = baseline.toFloat()
    if (baseline.shape[0] === 1) floats = tf.broadcastTo(all, inputs.shape)
    else if (baseline.shape[0] === total) floats = all.slice(first, count)
    else if (baseline.shape[0] === examples) floats = tf.gather(all, Array.from(context.exampleOf))
  }
  if (!floats) return fail(describeValue(baseline))
  if (tf.all(tf.isFinite(floats)).dataSync()[0] !== 1) fail('a tensor with NaN or Infinity in it')
  return floats
}

function blur(inputs: tf.Tensor, sigma: number, where: string, argument: string): tf.Tensor {
  if (inputs.rank !== 4) {
    throw new GlasswingError({
      where,
      argument,
      expected: 'image inputs [n, height, width, channels] for a blurred baseline',
      received: `inputs of rank ${inputs.rank}`,
      hint: "Use 'zero', 'uniform' or a tensor baseline for non-image inputs.",
    })
  }
  const radius = Math.max(1, Math.ceil(3 * sigma))
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  )
  const total = taps.reduce((a, b) => a + b, 0)
  const kernel1d = taps.map((t) => t / total)
  const channels = inputs.shape[3]!
  const horizontal = tf.tile(tf.tensor(kernel1d, [1, kernel1d.length, 1, 1]), [
    1,
    1,
    channels,
    1,
  ]) as tf.Tensor4D
  const vertical = tf.tile(tf.tensor(kernel1d, [kernel1d.length, 1, 1, 1]), [
    1,
    1,
    channels,
    1,
  ]) as tf.Tensor4D
  const pass = (x: tf.Tensor4D) =>
    tf.depthwiseConv2d(tf.depthwiseConv2d(x, horizontal, 1, 'same'), vertical, 1, 'same')
  // Dividing by the blurred ones undoes the darkening that zero padding causes at the borders.
  return tf.div(pass(inputs as tf.Tensor4D), pass(tf.onesLike(inputs) as tf.Tensor4D))
}
