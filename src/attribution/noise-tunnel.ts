/**
 * The noise tunnel (Smilkov et al. 2017; Adebayo et al. 2018; Captum's `NoiseTunnel`): run any method
 * on noisy copies of the inputs and aggregate. Because every method shares one call shape, wrapping
 * keeps the method's own options and adds `noise`.
 */
import * as tf from '@tensorflow/tfjs'
import { membershipMatrix } from './gradient/gradients'
import { GlasswingError, describeValue } from '../errors'
import type { AttributionContext, AttributionMethod } from './types'

/** How noisy attributions are aggregated: their mean, the mean of their squares, or their variance. */
export type NoiseTunnelType = 'smoothgrad' | 'smoothgrad-squared' | 'vargrad'

/** The noise tunnel's options. */
export interface NoiseTunnelOptions {
  /** Aggregation (default 'smoothgrad'). */
  type?: NoiseTunnelType
  /** Noisy copies per example (default 10). */
  samples?: number
  /** Standard deviation of the Gaussian noise, in input units (default 15% of the inputs' range). */
  stdev?: number
  /** At most this many noisy copies per call of the wrapped method (default: the `batchSize` given, else up to 1,024 within the memory budget). */
  samplesPerPass?: number
}

const TYPES: readonly NoiseTunnelType[] = ['smoothgrad', 'smoothgrad-squared', 'vargrad']

/**
 * Wraps a method in a noise tunnel. The wrapped method takes the same options plus `noise`.
 *
 * @example
 * const smoothIg = noiseTunnel(integratedGradients, 'smoothgrad-ig', 'SmoothGrad IG')
 * await gw.explain(model, x, { method: 'integrated-gradients', steps: 20, noise: { samples: 8, seed: 3 } })
 */
export function noiseTunnel<Options extends object>(
  method: AttributionMethod<Options>,
  name: string = method.name,
  title = `${method.title} + noise tunnel`,
  defaults: NoiseTunnelOptions = {},
): AttributionMethod<Options & { noise: Required<NoiseTunnelOptions> }> {
  return {
    name,
    title,
    needsGradients: method.needsGradients,
    stochastic: true,
    noiseTunnel: true,
    signed: (options) => options.noise.type === 'smoothgrad' && method.signed(options),
    resolve(options, context) {
      const noise = resolveNoise({ ...defaults, ...(options.noise ?? {}) }, context)
      return { ...method.resolve(options, context), noise }
    },
    attribute(context, options) {
      const { type, samples, stdev, samplesPerPass } = options.noise
      const inputs = context.inputs
      const rows = inputs.shape[0]!
      const size = inputs.size / rows
      const total = rows * samples
      // Row-major like Captum (row r's copies are r*S .. r*S+S-1) and laid out by row, so batching does
      // not change the result; read one pass at a time, so memory does not grow with rows x samples.
      const noise = context.draws.normalBlock(samples * size)
      let sum: tf.Tensor | null = null
      let squares: tf.Tensor | null = null
      // The wrapped method's own shape and layer (a layer method's values are the layer's, not the input's).
      let valueShape: number[] = inputs.shape.slice(1)
      let layer: string | undefined
      for (let first = 0; first < total; first += samplesPerPass) {
        const n = Math.min(samplesPerPass, total - first)
        const [partSum, partSquares] = tf.tidy(() => {
          const copyRows = Int32Array.from({ length: n }, (_, i) => Math.floor((first + i) / samples))
          const draws = tf.tensor(noise(first * size, n * size), [n, ...inputs.shape.slice(1)])
          const noisy = tf.add(tf.gather(inputs, copyRows), tf.mul(draws, stdev))
          // Copy first + i of this batch is copy span.first * samples + first + i of all rows' copies.
          const span = {
            first: context.span.first * samples + first,
            count: n,
            total: context.span.total * samples,
          }
          const output = method.attribute(context.derive(noisy, copyRows, span), options)
          const values = output.values
          valueShape = values.shape.slice(1)
          layer = output.layer
          const membership = membershipMatrix(copyRows, rows)
          const flat = values.reshape([n, -1])
          return [tf.matMul(membership, flat), tf.matMul(membership, tf.square(flat))]
        })
        sum = accumulate(sum, partSum!)
        squares = accumulate(squares, partSquares!)
      }
      const mean = tf.div(sum!, samples)
      const meanSquares = tf.div(squares!, samples)
      const aggregated =
        type === 'smoothgrad'
          ? mean
          : type === 'smoothgrad-squared'
            ? meanSquares
            : tf.sub(meanSquares, tf.square(mean))
      const values = aggregated.reshape([rows, ...valueShape])
      return { values, ...(layer !== undefined ? { layer } : {}) }
    },
  }
}

function accumulate(total: tf.Tensor | null, part: tf.Tensor): tf.Tensor {
  if (!total) return part
  const next = tf.add(total, part)
  tf.dispose([total, part])
  return next
}

function resolveNoise(
  options: NoiseTunnelOptions,
  context: AttributionContext,
): Required<NoiseTunnelOptions> {
  const fail = (argument: string, expected: string, value: unknown): never => {
    throw new GlasswingError({ where: context.where, argument, expected, received: describeValue(value) })
  }
  const type = options.type ?? 'smoothgrad'
  if (!TYPES.includes(type)) fail('options.noise.type', TYPES.map((t) => `'${t}'`).join(', '), type)
  const samples = options.samples ?? 10
  if (!Number.isSafeInteger(samples) || samples < 1)
    fail('options.noise.samples', 'a whole number >= 1', samples)
  const stdev = options.stdev ?? 0.15 * (context.inputRange()[1] - context.inputRange()[0])
  if (typeof stdev !== 'number' || !Number.isFinite(stdev) || stdev < 0)
    fail('options.noise.stdev', 'a finite number >= 0', stdev)
  const samplesPerPass = options.samplesPerPass ?? context.pointsPerPass
  if (!Number.isSafeInteger(samplesPerPass) || samplesPerPass < 1)
    fail('options.noise.samplesPerPass', 'a whole number >= 1', samplesPerPass)
  return { type, samples, stdev, samplesPerPass }
}
