/**
 * One memory budget for every method: rows go through the model `batchSize` at a time, the first
 * forward pass included, so memory does not grow with the number of inputs.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model'
import { throwIfInterrupted } from '../session/interrupt'
import type { RowSpan } from './draws'
import type { ResolvedTarget } from './target'
import type { AttributionContext, AttributionMethod } from './types'

/** The working memory one pass may use, in bytes, when `batchSize` is not given. */
export const MEMORY_BUDGET_BYTES = 256 * 1024 * 1024
/**
 * The largest default batch: on a CPU, larger passes are hardly faster per row, and the working memory
 * they add (measured 4x the estimate above, in TensorFlow's buffers) would outweigh the inputs themselves.
 */
export const MAX_DEFAULT_BATCH = 128

const perRowFloats = new WeakMap<GlasswingModel, number>()

/**
 * The default `batchSize` for a model and an example size: how many rows fit the budget when each
 * row keeps its input, every layer's activations and as much again for their gradients (float32).
 *
 * @example
 * defaultBatchSize(model, 28 * 28)   // 128 for a small MNIST CNN, fewer for an ImageNet model
 */
export function defaultBatchSize(
  model: GlasswingModel,
  exampleSize: number,
  largest: number = MAX_DEFAULT_BATCH,
): number {
  const floats = exampleSize + activationFloats(model, exampleSize)
  const rows = Math.floor(MEMORY_BUDGET_BYTES / (4 * 2 * floats))
  return Math.max(1, Math.min(largest, rows))
}

/**
 * The largest default pass of path points or noisy copies (Integrated Gradients, GradientSHAP, the noise
 * tunnel). These methods multiply every row by their steps or samples, so a few inputs already fill a
 * pass of any size and memory stays flat as inputs grow; larger passes are faster per point (IG, 50
 * steps x 32 MNIST digits: 0.36 s in 128-point passes, 0.27-0.29 s in 1,600-point ones).
 */
export const MAX_DEFAULT_POINTS = 1024

/**
 * How many path points or noisy copies one pass may hold: the `batchSize` the user gave, else as many as
 * fit the memory budget, at most {@link MAX_DEFAULT_POINTS}.
 *
 * @example
 * pointsPerPass(undefined, model, batch, 128)   // 1024 for a small MNIST CNN
 */
export function pointsPerPass(
  given: unknown,
  model: GlasswingModel,
  inputs: tf.Tensor,
  batchSize: number,
): number {
  if (given !== undefined) return batchSize
  return defaultBatchSize(model, inputs.size / inputs.shape[0]!, MAX_DEFAULT_POINTS)
}

/** Floats of activation per example: every layer's output of a Layers model; an estimate otherwise. */
function activationFloats(model: GlasswingModel, exampleSize: number): number {
  const known = perRowFloats.get(model)
  if (known !== undefined) return known
  let floats = 16 * exampleSize
  if (model.kind === 'layers') {
    floats = 0
    for (const layer of (model.tfModel as tf.LayersModel).layers) {
      let shapes: unknown
      try {
        shapes = layer.outputShape
      } catch {
        continue // a layer used at several places has no single output shape
      }
      const list = Array.isArray(shapes) && Array.isArray(shapes[0]) ? shapes : [shapes]
      for (const shape of list as (number | null)[][])
        floats += shape.slice(1).reduce<number>((product, d) => product * (d ?? exampleSize), 1)
    }
  }
  perRowFloats.set(model, floats)
  return floats
}

/**
 * The common `batchSize` option checked (a whole number >= 1), or its default for this model.
 *
 * @example
 * resolveBatchSize(undefined, model, batch, 'gw.explain')   // defaultBatchSize(model, 784)
 */
export function resolveBatchSize(
  value: unknown,
  model: GlasswingModel,
  inputs: tf.Tensor,
  where: string,
): number {
  if (value === undefined) return defaultBatchSize(model, inputs.size / inputs.shape[0]!)
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new GlasswingError({
      where,
      argument: 'options.batchSize',
      expected: 'a whole number >= 1 (rows per model pass)',
      received: describeValue(value),
      hint: 'Leave it out for a default that fits the memory budget.',
    })
  }
  return value
}

/**
 * The model's outputs on `inputs`, `batchSize` rows per pass, read into one array (row-major), with
 * their shape.
 *
 * @example
 * const { values, shape } = await predictInBatches(model, batch, 256)
 */
export async function predictInBatches(
  model: GlasswingModel,
  inputs: tf.Tensor,
  batchSize: number,
): Promise<{ values: Float32Array; shape: number[] }> {
  const rows = inputs.shape[0]!
  let values: Float32Array | null = null
  let shape: number[] = []
  for (let first = 0; first < rows; first += batchSize) {
    const count = Math.min(batchSize, rows - first)
    const outputs = tf.tidy(() => model.predict(count === rows ? inputs : inputs.slice(first, count)))
    try {
      const part = (await outputs.data()) as Float32Array
      if (!values) {
        shape = [rows, ...outputs.shape.slice(1)]
        values = new Float32Array((part.length / count) * rows)
      }
      values.set(part, (part.length / count) * first)
    } finally {
      outputs.dispose()
    }
  }
  return { values: values!, shape }
}

/** What {@link attributeInBatches} gathers from the batches: values and deltas in row order. */
export interface BatchedOutput {
  values: Float32Array
  shape: number[]
  delta: number[] | null
  layer: string | undefined
}

/**
 * Runs a method `batchSize` rows at a time (after the target's expansion: top-k rows of one example
 * are rows), each batch in its own `tf.tidy`, and reads each batch's values before the next starts:
 * tensor memory is bounded by the batch, not by the inputs.
 *
 * @example
 * const { values, shape } = await attributeInBatches({ method, options, inputs, target, batchSize, contextFor })
 */
export async function attributeInBatches<Options extends object>(input: {
  method: AttributionMethod<Options>
  options: Options
  /** One row per example; rows are gathered from it by `target.exampleOf`. */
  inputs: tf.Tensor
  target: ResolvedTarget
  batchSize: number
  contextFor(inputs: tf.Tensor, target: ResolvedTarget, span: RowSpan): AttributionContext
}): Promise<BatchedOutput> {
  const { method, options, inputs, target, batchSize } = input
  const rows = target.exampleOf.length
  const identity = target.exampleOf.every((example, row) => example === row)
  let values: Float32Array | null = null
  let shape: number[] = []
  let delta: number[] | null = null
  let layer: string | undefined
  for (let first = 0; first < rows; first += batchSize) {
    // Methods that never run the model's forward pass (LRP) are stopped here.
    throwIfInterrupted(method.name, { done: first, total: rows, unit: 'rows' })
    const count = Math.min(batchSize, rows - first)
    const rowsOf = target.exampleOf.subarray(first, first + count)
    const batch = identity
      ? count === rows
        ? inputs
        : inputs.slice(first, count)
      : tf.gather(inputs, Int32Array.from(rowsOf))
    try {
      const context = input.contextFor(batch, targetRows(target, first, count), { first, count, total: rows })
      const output = tf.tidy(() => {
        const out = method.attribute(context, options)
        return { values: out.values, ...(out.delta ? { delta: out.delta } : {}), layer: out.layer }
      })
      try {
        const part = (await output.values.data()) as Float32Array
        if (!values) {
          shape = [rows, ...output.values.shape.slice(1)]
          values = new Float32Array((part.length / count) * rows)
        }
        values.set(part, (part.length / count) * first)
        if (output.delta) (delta ??= []).push(...Array.from(await output.delta.data()))
        layer = output.layer
      } finally {
        tf.dispose([output.values, ...(output.delta ? [output.delta] : [])])
      }
    } finally {
      if (batch !== inputs) batch.dispose()
    }
  }
  return { values: values!, shape, delta, layer }
}

/** The target of rows `first .. first+count-1` (views, so a 'predicted' target filled in reaches the whole). */
function targetRows(target: ResolvedTarget, first: number, count: number): ResolvedTarget {
  const exampleOf = target.exampleOf.subarray(first, first + count)
  return target.kind === 'classes'
    ? { ...target, classes: target.classes.subarray(first, first + count), exampleOf }
    : { ...target, exampleOf }
}
