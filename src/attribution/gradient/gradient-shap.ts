/**
 * Expected Gradients / GradientSHAP (Erion et al. 2021, Lundberg & Lee 2017; Captum's `GradientShap`):
 * IG averaged over baselines drawn from a distribution, with one random point on each path.
 * Captum's sampling: each sample picks a baseline, adds Gaussian noise to the input, and draws alpha.
 */
import * as tf from '@tensorflow/tfjs'
import { membershipMatrix } from './gradients'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionMethod } from '../types'
import { BASELINE_KINDS, makeBaseline, type BaselineKind } from './baselines'
import { objectiveGradients } from './gradients'

/** GradientSHAP's options. */
export interface GradientShapOptions {
  /** The baseline distribution: a tensor [b, ...] of reference examples, or a named baseline (default 'zero'). */
  baselines: BaselineKind | tf.Tensor
  /** Samples per example (default 20). */
  samples: number
  /** Standard deviation of the Gaussian noise added to the input per sample (default 0). */
  stdev: number
  /** At most this many samples per pass (default 1024). */
  internalBatchSize: number
}

/**
 * Expected Gradients (GradientSHAP).
 *
 * @example
 * await gw.explain(model, images, { method: 'gradient-shap', baselines: trainingSample, samples: 50, seed: 1 })
 */
export const gradientShap: AttributionMethod<GradientShapOptions> = {
  name: 'gradient-shap',
  title: 'GradientSHAP',
  needsGradients: true,
  stochastic: true,
  signed: () => true,
  resolve(options, context) {
    const resolved = {
      baselines: options.baselines ?? 'zero',
      samples: options.samples ?? 20,
      stdev: options.stdev ?? 0,
      internalBatchSize: options.internalBatchSize ?? context.pointsPerPass,
    }
    const check = (ok: boolean, argument: string, expected: string, value: unknown) => {
      if (!ok)
        throw new GlasswingError({ where: context.where, argument, expected, received: describeValue(value) })
    }
    check(
      Number.isSafeInteger(resolved.samples) && resolved.samples >= 1,
      'options.samples',
      'a whole number >= 1',
      resolved.samples,
    )
    check(
      typeof resolved.stdev === 'number' && Number.isFinite(resolved.stdev) && resolved.stdev >= 0,
      'options.stdev',
      'a finite number >= 0',
      resolved.stdev,
    )
    check(
      Number.isSafeInteger(resolved.internalBatchSize) && resolved.internalBatchSize >= 1,
      'options.internalBatchSize',
      'a whole number >= 1',
      resolved.internalBatchSize,
    )
    const shape = context.inputs.shape.slice(1)
    const baselines = resolved.baselines
    if (baselines instanceof tf.Tensor) {
      check(
        !baselines.isDisposed &&
          baselines.dtype !== 'string' &&
          baselines.rank === shape.length + 1 &&
          baselines.shape[0]! >= 1 &&
          shape.every((d, i) => d === baselines.shape[i + 1]),
        'options.baselines',
        `a tensor [b, ${shape.join(', ')}] of reference examples`,
        baselines,
      )
      check(
        tf.tidy(() => tf.all(tf.isFinite(baselines.toFloat())).dataSync()[0] === 1),
        'options.baselines',
        'finite numbers',
        'a tensor with NaN or Infinity in it',
      )
    } else {
      check(
        typeof baselines === 'string' && BASELINE_KINDS.includes(baselines as BaselineKind),
        'options.baselines',
        `${BASELINE_KINDS.map((k) => `'${k}'`).join(', ')} or a tensor [b, ${shape.join(', ')}]`,
        baselines,
      )
    }
    return resolved
  },
  attribute(context, options) {
    const inputs = context.inputs
    const rows = inputs.shape[0]!
    const exampleShape = inputs.shape.slice(1)
    const size = exampleShape.reduce((a, b) => a * b, 1)
    const { samples } = options
    // A tensor is a distribution to draw from; a named baseline is each row's own (its blur, ...).
    const distribution =
      options.baselines instanceof tf.Tensor
        ? options.baselines.toFloat()
        : makeBaseline(context, options.baselines, 5, 'options.baselines')
    const count = options.baselines instanceof tf.Tensor ? distribution.shape[0]! : 1
    // Row-major like Captum (row r's samples are r*S .. r*S+S-1) and laid out by row: the result does
    // not depend on how the rows or the samples are batched.
    const total = rows * samples
    const picks = context.draws.integers(samples, count)
    const alphas = context.draws.uniforms(samples)
    // Noise is read one pass at a time: memory stays bounded by internalBatchSize, not rows x samples.
    const noise = options.stdev > 0 ? context.draws.normalBlock(samples * size) : null
    const perPass = Math.max(1, options.internalBatchSize)
    let sum: tf.Tensor = tf.zeros([rows, size])
    for (let first = 0; first < total; first += perPass) {
      const n = Math.min(perPass, total - first)
      const part = tf.tidy(() => {
        const sampleRows = Int32Array.from({ length: n }, (_, i) => Math.floor((first + i) / samples))
        let noisy = tf.gather(inputs, sampleRows)
        if (noise) {
          const draws = tf.tensor(noise(first * size, n * size), noisy.shape)
          noisy = tf.add(noisy, tf.mul(draws, options.stdev))
        }
        const chosen =
          options.baselines instanceof tf.Tensor
            ? tf.gather(distribution, picks.subarray(first, first + n))
            : tf.gather(distribution, sampleRows)
        const alpha = tf.tensor(alphas.subarray(first, first + n), [n, ...exampleShape.map(() => 1)])
        const difference = tf.sub(noisy, chosen)
        const points = tf.add(chosen, tf.mul(alpha, difference))
        const contributions = tf.mul(objectiveGradients(context, points, sampleRows), difference)
        // Sum the samples of each row with a 0/1 matrix: [rows, n] x [n, size].
        const membership = membershipMatrix(sampleRows, rows)
        return tf.matMul(membership, contributions.reshape([n, size]))
      })
      const next = tf.add(sum, part)
      tf.dispose([sum, part])
      sum = next
    }
    const values = tf.div(sum, options.samples).reshape(inputs.shape)
    return { values }
  },
}
