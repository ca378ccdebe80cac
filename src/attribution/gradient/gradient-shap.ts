/**
 * Expected Gradients / GradientSHAP (Erion et al. 2021, Lundberg & Lee 2017; Captum's `GradientShap`):
 * IG averaged over baselines drawn from a distribution, with one random point on each path.
 * Captum's sampling: each sample picks a baseline, adds Gaussian noise to the input, and draws alpha.
 */
import * as tf from '@tensorflow/tfjs'
import { membershipMatrix } from './gradients'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionMethod } from '../types'
import type { BaselineKind } from './baselines'
import { makeBaseline } from './baselines'
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
      internalBatchSize: options.internalBatchSize ?? 1024,
    }
    const check = (ok: boolean, argument: string, expected: string, value: unknown) => {
      if (!ok)
        throw new GlasswingError({ where: context.where, argument, expected, received: describeValue(value) })
    }
    check(
      Number.isInteger(resolved.samples) && resolved.samples >= 1,
      'options.samples',
      'a whole number >= 1',
      resolved.samples,
    )
    check(resolved.stdev >= 0, 'options.stdev', 'a number >= 0', resolved.stdev)
    const shape = context.inputs.shape.slice(1)
    const baselines = resolved.baselines
    check(
      !(baselines instanceof tf.Tensor) ||
        (baselines.rank === shape.length + 1 && shape.every((d, i) => d === baselines.shape[i + 1])),
      'options.baselines',
      `a tensor [b, ${shape.join(', ')}] of reference examples`,
      baselines,
    )
    return resolved
  },
  attribute(context, options) {
    const inputs = context.inputs
    const rows = inputs.shape[0]!
    const exampleShape = inputs.shape.slice(1)
    const size = exampleShape.reduce((a, b) => a * b, 1)
    const distribution =
      options.baselines instanceof tf.Tensor
        ? options.baselines.toFloat()
        : makeBaseline(context, options.baselines, 5, 'options.baselines')
    const count = distribution.shape[0]!
    // Every draw is made up front, row-major like Captum (row r's samples are r*S .. r*S+S-1), so the
    // result does not depend on how the work is batched.
    const total = rows * options.samples
    const picks = Int32Array.from({ length: total }, () => context.random.integer(count))
    const alphas = context.random.uniforms(total)
    const noise = options.stdev > 0 ? context.random.normals(total * size) : null
    const perPass = Math.max(1, options.internalBatchSize)
    let sum: tf.Tensor = tf.zeros([rows, size])
    for (let first = 0; first < total; first += perPass) {
      const n = Math.min(perPass, total - first)
      const part = tf.tidy(() => {
        const sampleRows = Int32Array.from({ length: n }, (_, i) => Math.floor((first + i) / options.samples))
        let noisy = tf.gather(inputs, sampleRows)
        if (noise) {
          const draws = tf.tensor(noise.subarray(first * size, (first + n) * size), noisy.shape)
          noisy = tf.add(noisy, tf.mul(draws, options.stdev))
        }
        const chosen = tf.gather(distribution, picks.subarray(first, first + n))
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
