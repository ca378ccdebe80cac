/** The context a method body runs in: canonical inputs, the target as a score, seeded randomness. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { checkLayerName, type GlasswingModel } from '../model'
import type { RandomSource } from './random'
import type { ResolvedTarget } from './target'
import type { AttributionContext, NeuronSelector, TargetFunction } from './types'

interface Scoring {
  where: string
  model: GlasswingModel
  random: RandomSource
  /** Class per context row, or null for a function target. */
  fn: TargetFunction | null
  neuron: { layer: string; flatIndex: number } | null
  capture: OutputCapture | null
}

/**
 * Reads the model's outputs from a method's own forward pass on the base's inputs, so that the base
 * need not run a forward pass of its own for the predictions and a 'predicted' target.
 */
export interface OutputCapture {
  /** The base's inputs: only a forward pass on this very tensor is read. */
  readonly inputs: tf.Tensor
  /** The outputs, row-major, once such a pass has run. */
  outputs: Float32Array | null
  /** Called with them before they are scored (fills in a 'predicted' target's classes). */
  onOutputs(outputs: Float32Array): void
}

/**
 * A context over `inputs` (already expanded to one row per target row; the caller owns it).
 *
 * @example
 * const context = createContext({ where, model, inputs, target, neuron: undefined, random })
 */
export function createContext(input: {
  where: string
  model: GlasswingModel
  inputs: tf.Tensor
  target: ResolvedTarget
  neuron: NeuronSelector | undefined
  random: RandomSource
  capture?: OutputCapture
}): AttributionContext {
  const { where, model, inputs, target, random } = input
  const scoring: Scoring = {
    where,
    model,
    random,
    fn: target.kind === 'function' ? target.fn : null,
    neuron: input.neuron ? resolveNeuron(model, input.neuron, where) : null,
    capture: input.capture ?? null,
  }
  const classOf = target.kind === 'classes' ? target.classes : new Int32Array(target.exampleOf.length)
  return contextOver(scoring, inputs, target.exampleOf, classOf)
}

function contextOver(
  scoring: Scoring,
  inputs: tf.Tensor,
  exampleOf: Int32Array,
  classOf: Int32Array,
): AttributionContext {
  const score = (outputs: tf.Tensor, rows: ArrayLike<number>): tf.Tensor1D => {
    const batch = outputs.shape[0]!
    if (scoring.fn) {
      const scores = scoring.fn(outputs)
      if (!(scores instanceof tf.Tensor) || scores.size !== batch) {
        throw new GlasswingError({
          where: scoring.where,
          argument: 'options.target',
          expected: `a function returning one scalar per example (${batch})`,
          received: describeValue(scores),
        })
      }
      return scores.reshape([batch])
    }
    const flat = outputs.reshape([batch, -1])
    const classes = tf.tensor1d(
      Int32Array.from(rows, (row) => classOf[row]!),
      'int32',
    )
    // One output unit (a sigmoid classifier): class 0 is that unit itself; oneHot needs depth >= 2.
    if (flat.shape[1] === 1) return flat.reshape([batch])
    return tf.sum(tf.mul(flat, tf.oneHot(classes, flat.shape[1]!)), 1)
  }
  const context: AttributionContext = {
    where: scoring.where,
    model: scoring.model,
    inputs,
    exampleOf,
    random: scoring.random,
    score,
    objective(batch, rows, forward) {
      if (scoring.neuron) {
        const { layer, flatIndex } = scoring.neuron
        const activation = scoring.model.run(batch, { ...forward, capture: [layer] }).activations[layer]!
        return activation.reshape([batch.shape[0]!, -1]).gather([flatIndex], 1).reshape([-1])
      }
      const output = scoring.model.run(batch, forward).output
      const capture = scoring.capture
      if (capture && !capture.outputs && batch === capture.inputs) {
        // Read once, synchronously: the selection it feeds is a constant of this pass (no gradient).
        capture.outputs = Float32Array.from(output.dataSync() as Float32Array)
        capture.onOutputs(capture.outputs)
      }
      return score(output, rows)
    },
    derive(derivedInputs, rows) {
      const pick = (of: Int32Array) => Int32Array.from(rows, (row) => of[row]!)
      return contextOver(scoring, derivedInputs, pick(exampleOf), pick(classOf))
    },
  }
  return context
}

function resolveNeuron(
  model: GlasswingModel,
  neuron: NeuronSelector,
  where: string,
): { layer: string; flatIndex: number } {
  checkLayerName(neuron.layer, model.layerNames, where, 'options.neuron.layer')
  const shape = model.layerShape(neuron.layer).slice(1)
  const index = neuron.index
  const valid =
    Array.isArray(index) &&
    index.length === shape.length &&
    index.every((i, axis) => Number.isInteger(i) && i >= 0 && (shape[axis] === null || i < shape[axis]!))
  if (!valid) {
    throw new GlasswingError({
      where,
      argument: 'options.neuron.index',
      expected: `an index into the layer’s output shape [${shape.join(', ')}] (batch excluded)`,
      received: describeValue(index),
    })
  }
  let flatIndex = 0
  shape.forEach((size, axis) => {
    flatIndex = flatIndex * (size ?? 1) + index[axis]!
  })
  return { layer: neuron.layer, flatIndex }
}
