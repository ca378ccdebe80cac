/** Targets at the boundary: every form of `target` to class indices per row, or a score function. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { nearestNames } from '../model'
import type { Target, TargetFunction } from './types'

/** A target resolved against the model's outputs for the explained examples. */
export type ResolvedTarget =
  | {
      kind: 'classes'
      /** Class index per row. */
      classes: Int32Array
      /** For each row, the explained example (rows repeat under top-k). */
      exampleOf: Int32Array
      /** How the user asked, for the record: 'predicted', 7, 'cat', 'top-3'... */
      description: string
    }
  | { kind: 'function'; fn: TargetFunction; exampleOf: Int32Array; description: 'function' }

/**
 * Resolves `target` given the model's outputs for `examples` examples (`outputs` row-major,
 * `classes` per example) and its class names.
 *
 * @example
 * resolveTarget('predicted', probabilities, 8, 10, null, 'gw.explain')   // classes = argmax per row
 */
export function resolveTarget(
  target: Target | undefined,
  outputs: Float32Array,
  examples: number,
  classes: number,
  classNames: readonly string[] | null,
  where: string,
): ResolvedTarget {
  const identity = Int32Array.from({ length: examples }, (_, i) => i)
  if (typeof target === 'function')
    return { kind: 'function', fn: target, exampleOf: identity, description: 'function' }
  const spec = target ?? 'predicted'
  const fail = (expected: string, hint?: string): never => {
    throw new GlasswingError({
      where,
      argument: 'options.target',
      expected,
      received: describeValue(spec),
      ...(hint ? { hint } : {}),
    })
  }
  if (classes === 0)
    fail(
      'a function target',
      'The model’s output is not [n, classes]: pass target as (outputs) => one scalar per example.',
    )
  const checkIndex = (index: number): number =>
    Number.isInteger(index) && index >= 0 && index < classes
      ? index
      : fail(`a class index in 0..${classes - 1}`)
  const ranked = (example: number): number[] => rankedClasses(outputs, example, classes)
  if (spec === 'predicted') {
    return {
      kind: 'classes',
      classes: predictedClasses(outputs, examples, classes),
      exampleOf: identity,
      description: 'predicted',
    }
  }
  if (typeof spec === 'number') {
    const index = checkIndex(spec)
    return {
      kind: 'classes',
      classes: new Int32Array(examples).fill(index),
      exampleOf: identity,
      description: String(index),
    }
  }
  if (typeof spec === 'string') {
    if (!classNames)
      fail('a class index (this model has no class names)', 'Pass classNames to gw.load, or a class index.')
    const index = classNames!.indexOf(spec)
    if (index < 0)
      fail(
        'one of the model’s class names',
        `Did you mean ${nearestNames(spec, classNames!)
          .map((n) => `'${n}'`)
          .join(', ')}?`,
      )
    // Names given for more outputs than the model has: refused rather than explaining nothing.
    if (index >= classes)
      fail(
        `a class name among the model’s ${classes} outputs`,
        `'${spec}' is class name ${index}, past the model’s last output: the class names do not match the model.`,
      )
    return {
      kind: 'classes',
      classes: new Int32Array(examples).fill(index),
      exampleOf: identity,
      description: spec,
    }
  }
  if (Array.isArray(spec)) {
    if (spec.length !== examples) fail(`one class index per example (${examples})`)
    return {
      kind: 'classes',
      classes: Int32Array.from(spec as number[], checkIndex),
      exampleOf: identity,
      description: 'per-example',
    }
  }
  const topK = (spec as { topK?: unknown }).topK
  if (typeof topK === 'number' && Number.isInteger(topK) && topK >= 1 && topK <= classes) {
    const rows = examples * topK
    const exampleOf = Int32Array.from({ length: rows }, (_, row) => Math.floor(row / topK))
    const chosen = Int32Array.from({ length: rows }, (_, row) => ranked(exampleOf[row]!)[row % topK]!)
    return { kind: 'classes', classes: chosen, exampleOf, description: `top-${topK}` }
  }
  return fail(
    `'predicted', a class index or name, an index per example, { topK: 1..${classes} } or a function`,
  )
}

/**
 * A target given as a tensor (one class per example, 1-D int32) read into an array; any other target
 * as it is. The caller keeps the tensor.
 *
 * @example
 * await readTargetTensor(tf.tensor1d([3, 1], 'int32'), 'gw.explain')   // [3, 1]
 */
export async function readTargetTensor(
  target: Target | undefined,
  where: string,
): Promise<Exclude<Target, tf.Tensor> | undefined> {
  if (!(target instanceof tf.Tensor)) return target
  if (target.dtype !== 'int32' || target.rank !== 1) {
    throw new GlasswingError({
      where,
      argument: 'options.target',
      expected: 'a 1-D int32 tensor of class indices, one per example',
      received: `a ${target.rank}-D ${target.dtype} tensor of shape [${target.shape.join(', ')}]`,
      hint: "Convert it: tf.tensor1d(classes, 'int32'), or pass an array of indices.",
    })
  }
  return Array.from(await target.data())
}

/** The classes of one example, highest output first (ties: lower index first). */
function rankedClasses(outputs: Float32Array, example: number, classes: number): number[] {
  const row = outputs.subarray(example * classes, (example + 1) * classes)
  return Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b)
}

/**
 * The top class of each example (ties: the lower index), as a 'predicted' target resolves it.
 *
 * @example
 * predictedClasses(Float32Array.of(0.1, 0.9, 0.7, 0.3), 2, 2)   // Int32Array [1, 0]
 */
export function predictedClasses(outputs: Float32Array, examples: number, classes: number): Int32Array {
  return Int32Array.from({ length: examples }, (_, example) => rankedClasses(outputs, example, classes)[0]!)
}

/** Whether resolving `target` needs the model's outputs first ('predicted' and top-k rank them). */
export function targetNeedsOutputs(target: Target | undefined): boolean {
  return (
    target === undefined ||
    target === 'predicted' ||
    (typeof target === 'object' && target !== null && 'topK' in target)
  )
}
