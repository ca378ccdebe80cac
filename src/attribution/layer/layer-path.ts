/**
 * The straight path from a baseline to the input seen from inside the model, shared by layer
 * conductance, internal influence and neuron conductance: at each point x(a) = x0 + a (x - x0) the
 * whole model runs (branches that skip the layer see x(a) too), and the target's gradient with
 * respect to the layer's output is taken there. Points go through the model in passes of at most
 * `pointsPerPass` (rows x steps), each pass in its own `tf.tidy`, so memory stays bounded.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { throwIfInterrupted } from '../../session/interrupt'
import type { AttributionContext, CommonOptions } from '../types'

/**
 * Layer conductance and internal influence explain the target through a layer; a unit of that layer is
 * what neuron conductance takes (`through`). The common `neuron` would replace the target: refused.
 */
export function refuseNeuron(options: object, context: AttributionContext): void {
  const neuron = (options as CommonOptions).neuron
  if (neuron === undefined) return
  throw new GlasswingError({
    where: context.where,
    argument: 'options.neuron',
    expected: 'no neuron (this method explains the target through a layer)',
    received: describeValue(neuron),
    hint: "For one unit's share use method 'neuron-conductance' with through: { layer, index }.",
  })
}

/** One pass of path points: `count` steps from `first`, each the context's `rows` rows (step-major). */
export interface PathPass {
  /** The first step of this pass (an index into the alphas). */
  first: number
  /** Steps in this pass. */
  count: number
  /** The points `[count * rows, ...input]` (row r of step s at `s * rows + r`). */
  points: tf.Tensor
  /** The context row each point was made from. */
  rowOf: Int32Array
  /** Points at other alphas, laid out as `points` (layer conductance needs the next step's). */
  at(alphas: readonly number[]): tf.Tensor
}

/**
 * Calls `visit` for each pass of points along the path at `alphas` and returns the sum of what it
 * returns (a tensor of one shape, owned by the caller). `visit` runs inside `tf.tidy`.
 *
 * @example
 * const total = alongPath(context, baseline, alphas, 512, 'internal-influence', (pass) => weightedGradients(pass))
 */
export function alongPath(
  context: AttributionContext,
  baseline: tf.Tensor,
  alphas: readonly number[],
  pointsPerPass: number,
  method: string,
  visit: (pass: PathPass) => tf.Tensor,
): tf.Tensor {
  const rows = context.inputs.shape[0]!
  const difference = tf.sub(context.inputs, baseline)
  const stepsPerPass = Math.max(1, Math.floor(pointsPerPass / rows))
  let total: tf.Tensor | null = null
  try {
    for (let first = 0; first < alphas.length; first += stepsPerPass) {
      throwIfInterrupted(method, { done: first, total: alphas.length, unit: 'steps' })
      const count = Math.min(stepsPerPass, alphas.length - first)
      const part = tf.tidy(() => {
        const ones = new Array<number>(baseline.rank - 1).fill(1)
        const at = (values: readonly number[]) =>
          tf
            .add(
              baseline.expandDims(0),
              tf.mul(tf.tensor(values as number[], [values.length, 1, ...ones]), difference.expandDims(0)),
            )
            .reshape([values.length * rows, ...baseline.shape.slice(1)])
        const points = at(alphas.slice(first, first + count))
        const rowOf = Int32Array.from({ length: count * rows }, (_, i) => i % rows)
        return visit({ first, count, points, rowOf, at })
      })
      const next: tf.Tensor = total ? tf.add(total, part) : part
      if (total) tf.dispose([total, part])
      total = next
    }
  } finally {
    difference.dispose()
  }
  return total!
}

/**
 * The layer's activation at `points` and the target's gradient with respect to it (the rest of the
 * model run from there, on the same points). Call inside `tf.tidy`.
 */
export function layerActivationAndGradient(
  context: AttributionContext,
  layer: string,
  points: tf.Tensor,
  rowOf: Int32Array,
): { activation: tf.Tensor; gradient: tf.Tensor } {
  const { head, tail } = context.model.split(layer)
  const activation = head(points)
  const gradient = tf.grad((a: tf.Tensor) => tf.sum(context.score(tail(a, points), rowOf)))(activation)
  return { activation, gradient }
}

/** Sums `[steps * rows, ...]` over the steps, each step weighted: `[rows, ...]`. */
export function weightedStepSum(values: tf.Tensor, weights: readonly number[], rows: number): tf.Tensor {
  const steps = weights.length
  const shape = values.shape.slice(1)
  const w = tf.tensor(weights, [steps, 1, ...shape.map(() => 1)])
  return tf.sum(tf.mul(values.reshape([steps, rows, ...shape]), w), 0)
}
