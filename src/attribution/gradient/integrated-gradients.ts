/**
 * Integrated Gradients (Sundararajan et al. 2017; Captum's `IntegratedGradients`): the path integral
 * of gradients from a baseline to the input, times input minus baseline. Sums to the change in score
 * (completeness); the convergence delta says how far the approximation is from it.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionContext, AttributionMethod } from '../types'
import { makeBaseline, type Baseline } from './baselines'
import { allRows, objectiveGradients } from './gradients'
import { integrateGradients } from './integrate'
import { INTEGRATION_RULES, quadrature, type IntegrationRule } from './quadrature'

/** Integrated Gradients' options. */
export interface IntegratedGradientsOptions {
  /** Points along the path (default 50, as in Captum). */
  steps: number
  /** How the integral is approximated (default 'gauss-legendre', as in Captum). */
  rule: IntegrationRule
  /** Where the path starts (default 'zero'). */
  baseline: Baseline
  /** Blur radius in pixels (standard deviation) of the 'blurred' baseline (default 5). */
  blurSigma: number
  /** At most this many path points per pass: bounds memory at any step count (default: the `batchSize` given, else up to 1,024 within the memory budget). */
  internalBatchSize: number
}

/** Checks and fills the options shared by IG and Layer IG. */
export function resolvePathOptions(
  options: Partial<IntegratedGradientsOptions>,
  context: AttributionContext,
): IntegratedGradientsOptions {
  const resolved = {
    steps: options.steps ?? 50,
    rule: options.rule ?? 'gauss-legendre',
    baseline: options.baseline ?? 'zero',
    blurSigma: options.blurSigma ?? 5,
    internalBatchSize: options.internalBatchSize ?? context.pointsPerPass,
  }
  const fail = (argument: string, expected: string, value: unknown): never => {
    throw new GlasswingError({ where: context.where, argument, expected, received: describeValue(value) })
  }
  if (!Number.isSafeInteger(resolved.steps) || resolved.steps < 1)
    fail('options.steps', 'a whole number >= 1', resolved.steps)
  if (!INTEGRATION_RULES.includes(resolved.rule))
    fail('options.rule', INTEGRATION_RULES.map((r) => `'${r}'`).join(', '), resolved.rule)
  if (!(typeof resolved.blurSigma === 'number' && resolved.blurSigma > 0 && resolved.blurSigma <= 1000))
    fail('options.blurSigma', 'a number of pixels > 0 and <= 1000', resolved.blurSigma)
  if (!Number.isSafeInteger(resolved.internalBatchSize) || resolved.internalBatchSize < 1)
    fail('options.internalBatchSize', 'a whole number >= 1', resolved.internalBatchSize)
  return resolved
}

/**
 * Integrated Gradients.
 *
 * @example
 * await gw.explain(model, images, { method: 'integrated-gradients', steps: 64, baseline: 'blurred' })
 */
export const integratedGradients: AttributionMethod<IntegratedGradientsOptions> = {
  name: 'integrated-gradients',
  title: 'Integrated Gradients',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: resolvePathOptions,
  attribute(context, options) {
    const inputs = context.inputs
    const baseline = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    const difference = tf.sub(inputs, baseline)
    const { alphas, weights } = quadrature(options.rule, options.steps)
    const total = integrateGradients({
      start: baseline,
      difference,
      alphas,
      weights,
      batchSize: options.internalBatchSize,
      gradientsAt: (points, rows) => objectiveGradients(context, points, rows),
    })
    const values = tf.mul(total, difference)
    const rows = allRows(inputs.shape[0]!)
    const change = tf.sub(context.objective(inputs, rows), context.objective(baseline, rows))
    return { values, delta: tf.sub(sumPerRow(values), change) as tf.Tensor1D }
  },
}

/** The sum of every element of each row. */
export function sumPerRow(values: tf.Tensor): tf.Tensor1D {
  return tf.sum(values.reshape([values.shape[0]!, -1]), 1) as tf.Tensor1D
}
