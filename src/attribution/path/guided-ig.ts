/**
 * Guided Integrated Gradients (Kapishnikov et al. 2021): integrates gradients along an adaptive path
 * from the baseline to the input that, at every step, moves first the features whose gradient is
 * smallest, staying within `maxDistance` (in alpha) of the straight line. Follows PAIR's reference
 * implementation (`saliency.core.GuidedIG`) step for step, in float64.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { allRows, objectiveGradients } from '../gradient/gradients'
import type { AttributionMethod } from '../types'
import { checkBaseline, checkCount, type Baseline } from '../perturbation/options'

/** Guided IG's options. */
export interface GuidedIntegratedGradientsOptions {
  /** Path steps (default 200, as PAIR's). */
  steps: number
  /** Fraction of the features moved at each sub-step: those with the smallest |gradient| (default 0.25). */
  fraction: number
  /** How far (in alpha, 0..1) a feature may stray from the straight path; 0 is plain IG (default 0.02). */
  maxDistance: number
  /** The path's start: a number or a tensor broadcastable to one example (default 0). */
  baseline: Baseline
}

/**
 * Guided Integrated Gradients; `delta` is `sum(attribution) - (f(x) - f(baseline))` per row.
 *
 * @example
 * await gw.explain(model, images, { method: 'guided-ig', steps: 128, maxDistance: 0.1 })
 */
export const guidedIntegratedGradients: AttributionMethod<GuidedIntegratedGradientsOptions> = {
  name: 'guided-ig',
  title: 'Guided Integrated Gradients',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    const unit = (value: number, argument: string): number => {
      if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
        throw new GlasswingError({
          where: context.where,
          argument: `options.${argument}`,
          expected: 'a number between 0 and 1',
          received: describeValue(value),
        })
      }
      return value
    }
    return {
      steps: checkCount(options.steps ?? 200, 'steps', context),
      fraction: unit(options.fraction ?? 0.25, 'fraction'),
      maxDistance: unit(options.maxDistance ?? 0.02, 'maxDistance'),
      baseline: checkBaseline(options.baseline, context),
    }
  },
  attribute(context, options) {
    const { inputs } = context
    const rows = inputs.shape[0]!
    const size = inputs.size / rows
    const baselineTensor = tf.broadcastTo(options.baseline, inputs.shape)
    const target = Float64Array.from(inputs.dataSync())
    const start = Float64Array.from(baselineTensor.dataSync())
    const paths = Array.from({ length: rows }, (_, row) => {
      const range = [row * size, (row + 1) * size] as const
      return new GuidedPath(target.subarray(...range), start.subarray(...range), options)
    })
    for (let step = 0; step < options.steps; step++) {
      const current = new Float32Array(rows * size)
      paths.forEach((path, row) => current.set(path.x, row * size))
      const gradients = tf.tidy(() =>
        objectiveGradients(context, tf.tensor(current, inputs.shape), allRows(rows)).dataSync(),
      )
      paths.forEach((path, row) => path.step(step, gradients.subarray(row * size, (row + 1) * size)))
    }
    const values = tf.tensor(
      Float32Array.from(paths.flatMap((path) => Array.from(path.attribution))),
      inputs.shape,
    )
    const scores = tf.sub(
      context.objective(inputs, allRows(rows)),
      context.objective(baselineTensor, allRows(rows)),
    )
    const delta = tf.sub(tf.sum(values.reshape([rows, -1]), 1), scores) as tf.Tensor1D
    return { values, delta }
  },
}

/** One example's guided path: its position `x` and the attribution gathered so far. */
class GuidedPath {
  readonly x: Float64Array
  readonly attribution: Float64Array
  private readonly total: number

  constructor(
    private readonly input: Float64Array,
    private readonly baseline: Float64Array,
    private readonly options: GuidedIntegratedGradientsOptions,
  ) {
    this.x = Float64Array.from(baseline)
    this.attribution = new Float64Array(input.length)
    this.total = l1(input, baseline)
  }

  step(step: number, actual: ArrayLike<number>): void {
    if (this.total === 0) return
    const { steps, fraction, maxDistance } = this.options
    const { x, input, baseline } = this
    const n = x.length
    const grad = Float64Array.from(actual)
    const alpha = (step + 1) / steps
    const alphaMin = Math.max(alpha - maxDistance, 0)
    const alphaMax = Math.min(alpha + maxDistance, 1)
    const at = (a: number, i: number) => baseline[i]! + (input[i]! - baseline[i]!) * a
    const l1Target = this.total * (1 - (step + 1) / steps)
    let gamma = Infinity
    // Each round with gamma > 1 moves the selected features to the end of the window; when none can
    // move (round-off with very large baselines), stop instead of looping for ever.
    for (let round = 0; gamma > 1 && round <= n; round++) {
      const old = Float64Array.from(x)
      for (let i = 0; i < n; i++) {
        const span = input[i]! - baseline[i]!
        const xAlpha = span !== 0 ? (x[i]! - baseline[i]!) / span : alphaMax
        if (xAlpha < alphaMin) x[i] = at(alphaMin, i)
      }
      const l1Current = l1(x, input)
      if (
        Math.abs(l1Target - l1Current) <=
        Math.max(1e-9 * Math.max(Math.abs(l1Target), Math.abs(l1Current)), 1e-9)
      ) {
        this.gather(old, actual)
        return
      }
      for (let i = 0; i < n; i++) if (x[i] === at(alphaMax, i)) grad[i] = Infinity
      const sorted = Float64Array.from(grad, Math.abs).sort()
      const threshold = sorted[Math.floor((n - 1) * fraction)]!
      const selected = Array.from(grad, (g) => Math.abs(g) <= threshold && g !== Infinity)
      let l1Selected = 0
      for (let i = 0; i < n; i++) if (selected[i]) l1Selected += Math.abs(x[i]! - at(alphaMax, i))
      if (l1Selected === 0) {
        this.gather(old, actual)
        return
      }
      gamma = (l1Current - l1Target) / l1Selected
      for (let i = 0; i < n; i++) {
        if (!selected[i]) continue
        const max = at(alphaMax, i)
        x[i] = gamma > 1 ? max : x[i]! + (max - x[i]!) * gamma
      }
      this.gather(old, actual)
    }
  }

  private gather(old: Float64Array, gradient: ArrayLike<number>): void {
    for (let i = 0; i < this.x.length; i++) this.attribution[i]! += (this.x[i]! - old[i]!) * gradient[i]!
  }
}

function l1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum
}
