/** The context a method body runs in: canonical inputs, the target as a score, seeded randomness. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { checkLayerName, type GlasswingModel } from '../model'
import { MAX_DEFAULT_BATCH } from './batches'
import { rowDraws, sequentialDraws, type RowDraws, type RowSpan } from './draws'
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
  batchSize: number
  pointsPerPass: number
  examples: number
  seed: number
}

/** The seed of the draws of copies made inside a method: a stream apart from the method's own. */
function copySeed(seed: number): number {
  return (Math.imul(seed, 0x2c1b3c6d) ^ 0x5bd1e995) | 0
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
 * A context over `inputs`, rows `span` of the rows explained (already expanded to one row per target
 * row; the caller owns it). `target` covers these rows only. Without `span`, `inputs` are all the rows.
 *
 * @example
 * const context = createContext({ where, model, inputs, target, neuron: undefined, random, seed: 0 })
 */
export function createContext(input: {
  where: string
  model: GlasswingModel
  inputs: tf.Tensor
  target: ResolvedTarget
  neuron: NeuronSelector | undefined
  /** The stream read in order; pass the same one to every batch of a computation. */
  random: RandomSource
  /** The seed, for the draws laid out by row. */
  seed: number
  span?: RowSpan & { examples: number }
  batchSize?: number
  /** Path points or noisy copies per pass (default: `batchSize`). */
  pointsPerPass?: number
  /** The smallest and largest value of all the rows explained (default: of `inputs`). */
  inputRange?: () => readonly [number, number]
  capture?: OutputCapture
}): AttributionContext {
  const { where, model, inputs, target, random } = input
  const count = inputs.shape[0]!
  const span = input.span ?? {
    first: 0,
    count,
    total: count,
    examples: target.exampleOf.reduce((most, example) => Math.max(most, example + 1), 0),
  }
  const scoring: Scoring = {
    where,
    model,
    random,
    fn: target.kind === 'function' ? target.fn : null,
    neuron: input.neuron ? resolveNeuron(model, input.neuron, where) : null,
    capture: input.capture ?? null,
    batchSize: input.batchSize ?? MAX_DEFAULT_BATCH,
    pointsPerPass: input.pointsPerPass ?? input.batchSize ?? MAX_DEFAULT_BATCH,
    examples: span.examples,
    seed: input.seed,
  }
  const classOf = target.kind === 'classes' ? target.classes : new Int32Array(target.exampleOf.length)
  return contextOver(scoring, inputs, target.exampleOf, classOf, {
    draws: rowDraws(input.seed, span),
    span,
    inputRange: input.inputRange ?? rangeOf(inputs),
  })
}

/** The smallest and largest value of `inputs`, computed once when first asked. */
export function rangeOf(inputs: tf.Tensor): () => readonly [number, number] {
  let range: readonly [number, number] | null = null
  return () => {
    if (!range) {
      const [low, high] = tf.tidy(() => [tf.min(inputs), tf.max(inputs)])
      range = [low!.dataSync()[0]!, high!.dataSync()[0]!]
      tf.dispose([low!, high!])
    }
    return range
  }
}

function contextOver(
  scoring: Scoring,
  inputs: tf.Tensor,
  exampleOf: Int32Array,
  classOf: Int32Array,
  rows: {
    draws: RowDraws
    span: RowSpan & { examples: number }
    inputRange: () => readonly [number, number]
  },
): AttributionContext {
  const score = (outputs: tf.Tensor, rows: ArrayLike<number>): tf.Tensor1D => {
    const batch = outputs.shape[0]!
    if (scoring.fn) {
      let scores: unknown
      try {
        scores = scoring.fn(outputs)
      } catch (error) {
        if (error instanceof GlasswingError) throw error
        throw new GlasswingError(
          {
            where: scoring.where,
            argument: 'options.target',
            expected: 'a function from the outputs to one score per example',
            received: `a function that threw: ${String((error as Error)?.message ?? error)}`,
            hint: 'The error came from your function: fix it, then run the cell again.',
          },
          { cause: error },
        )
      }
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
    draws: rows.draws,
    span: rows.span,
    batchSize: scoring.batchSize,
    pointsPerPass: scoring.pointsPerPass,
    inputRange: rows.inputRange,
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
    derive(derivedInputs, picked, span) {
      const pick = (of: Int32Array) => Int32Array.from(picked, (row) => of[row]!)
      const count = derivedInputs.shape[0]!
      // Copies made inside a method (noisy copies): laid out by copy when the method says where they
      // sit among all copies, from a stream of their own; otherwise read in order after its own draws.
      const draws = span ? rowDraws(copySeed(scoring.seed), span) : sequentialDraws(scoring.random, count)
      return contextOver(scoring, derivedInputs, pick(exampleOf), pick(classOf), {
        draws,
        span: { ...(span ?? { first: 0, count, total: count }), examples: scoring.examples },
        // 'black' and 'uniform' baselines of copies still mean the range of the inputs explained.
        inputRange: rows.inputRange,
      })
    },
  }
  return context
}

/**
 * A neuron selector checked against the model (a known layer, an index inside its output shape) and
 * its position in the flattened output, batch excluded.
 *
 * @example
 * resolveNeuron(model, { layer: 'conv2d_1', index: [3, 4, 0] }, 'gw.explain')   // { layer, flatIndex: 96 }
 */
export function resolveNeuron(
  model: GlasswingModel,
  neuron: NeuronSelector,
  where: string,
  argument = 'options.neuron',
): { layer: string; flatIndex: number } {
  checkLayerName(neuron.layer, model.layerNames, where, `${argument}.layer`)
  const shape = model.layerShape(neuron.layer).slice(1)
  const index = neuron.index
  const valid =
    Array.isArray(index) &&
    index.length === shape.length &&
    index.every((i, axis) => Number.isInteger(i) && i >= 0 && (shape[axis] === null || i < shape[axis]!))
  if (!valid) {
    throw new GlasswingError({
      where,
      argument: `${argument}.index`,
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
