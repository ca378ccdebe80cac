/**
 * Running a hooked transformer with a cache of named activations, TransformerLens's `run_with_cache`.
 * The hook points are the model's layers, so this is a checked front to `GlasswingModel.run`.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import { nearestNames } from '../model/names'
import { checkLength, PositionEmbedding } from './layers'

/** The facts about a loaded hooked transformer the analyses need. */
export interface TransformerShape {
  layers: number
  heads: number
  contextLength: number
  /** Every hook name the model has, in execution order. */
  hooks: string[]
}

/** Reads the shape of a hooked transformer; refuses any other model. */
export function transformerShape(model: GlasswingModel, where: string): TransformerShape {
  const tfModel = model?.tfModel as tf.LayersModel | undefined
  const layers = model?.kind === 'layers' ? tfModel!.layers : []
  const position = layers.find((l) => l instanceof PositionEmbedding) as PositionEmbedding | undefined
  if (!position) {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a hooked transformer (gw.transformer.build, or gw.load of a folder saved from one)',
      received: model?.kind ? `a ${model.kind} model without hook_pos_embed` : describeValue(model),
      hint: "Load one of the shipped ones: gw.load('notebooks/models/induction-transformer').",
    })
  }
  const hooks = model.layerNames.filter((n) => n.startsWith('hook_') || n.includes('.hook_'))
  const patterns = hooks.filter((n) => n.endsWith('attn.hook_pattern'))
  const heads = (layers.find((l) => l.name === 'blocks.0.attn.hook_q')!.getConfig() as { heads: number })
    .heads
  return { layers: patterns.length, heads, contextLength: position.contextLength, hooks }
}

/** Throws a GlasswingError naming the nearest hook names when `name` is not one of the model's. */
export function checkHookName(name: unknown, shape: TransformerShape, where: string, argument: string): void {
  if (typeof name === 'string' && shape.hooks.includes(name)) return
  const near = typeof name === 'string' ? nearestNames(name, shape.hooks) : shape.hooks.slice(0, 3)
  throw new GlasswingError({
    where,
    argument,
    expected: 'a hook name of this transformer (TransformerLens naming)',
    received: describeValue(name),
    hint: `Did you mean ${near.map((n) => `'${n}'`).join(', ')}? gw.transformer.hooks(model) lists all ${shape.hooks.length}.`,
  })
}

/** Token ids as a float32 [n, T] tensor, checked against the context length. The caller disposes it. */
export function tokenTensor(
  tokens: tf.Tensor | readonly (readonly number[])[],
  shape: TransformerShape,
  where: string,
): tf.Tensor2D {
  const isTensor = tokens instanceof tf.Tensor
  const rows = isTensor ? null : (tokens as readonly (readonly number[])[])
  const ok = isTensor
    ? tokens.rank === 2 && !tokens.isDisposed
    : Array.isArray(rows) &&
      rows.length > 0 &&
      rows.every((r) => Array.isArray(r) && r.length === rows[0]!.length)
  if (!ok) {
    throw new GlasswingError({
      where,
      argument: 'tokens',
      expected: 'token ids [n, T]: a 2-d tensor or equal-length arrays of numbers',
      received: describeValue(tokens),
      hint: 'Wrap a single sequence in an array: [[3, 7, 1]].',
    })
  }
  const length = isTensor ? tokens.shape[1]! : rows![0]!.length
  checkLength(length, shape.contextLength, where)
  return isTensor ? (tokens.toFloat() as tf.Tensor2D) : tf.tensor2d(rows as number[][], undefined, 'float32')
}

/**
 * The model's output and the activations at the named hooks, TransformerLens's `run_with_cache`.
 * The caller owns the returned tensors.
 *
 * @example
 * const { output, cache } = gw.transformer.runWithCache(model, [[1, 5, 9]], ['blocks.0.attn.hook_pattern'])
 */
export function runWithCache(
  model: GlasswingModel,
  tokens: tf.Tensor | readonly (readonly number[])[],
  names: readonly string[],
): { output: tf.Tensor; cache: Record<string, tf.Tensor> } {
  const where = 'gw.transformer.runWithCache'
  const shape = transformerShape(model, where)
  if (!Array.isArray(names)) checkHookName(names, shape, where, 'names')
  for (const name of names) checkHookName(name, shape, where, 'names')
  const ids = tokenTensor(tokens, shape, where)
  try {
    // Inside tidy: the layers no name asks for are computed and freed here.
    return tf.tidy(() => {
      const { output, activations } = model.run(ids, { capture: names })
      return { output, cache: activations }
    })
  } finally {
    ids.dispose()
  }
}

/** Every hook name of a hooked transformer, in execution order. */
export function hooks(model: GlasswingModel): string[] {
  return transformerShape(model, 'gw.transformer.hooks').hooks
}
