/**
 * Per-head attention: the patterns of every layer and head, their summaries (entropy, previous-token
 * score, induction score) and head ablation through the `attn.hook_z` hook points.
 *
 * Ablation is done here with two passes per ablated layer (capture z, zero the heads, feed it back),
 * not through the intervention engine (src/interventions), which had not landed when this was written.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import { tokenTensor, transformerShape, type TransformerShape } from './hooks'

/** Attention patterns: [layer][example][head][query][key]. */
export type Patterns = number[][][][][]

/** The attention pattern of every layer and head. */
export function attentionPatterns(
  model: GlasswingModel,
  tokens: tf.Tensor | readonly (readonly number[])[],
  where = 'gw.transformer.patterns',
): Patterns {
  const shape = transformerShape(model, where)
  const ids = tokenTensor(tokens, shape, where)
  const names = patternNames(shape)
  try {
    const arrays = tf.tidy(() => {
      const { activations } = model.run(ids, { capture: names })
      return names.map((n) => activations[n]!.arraySync() as number[][][][])
    })
    return arrays
  } finally {
    ids.dispose()
  }
}

export function patternNames(shape: TransformerShape): string[] {
  return Array.from({ length: shape.layers }, (_, l) => `blocks.${l}.attn.hook_pattern`)
}

/** One head's summary over the examples given. */
export interface HeadSummary {
  layer: number
  head: number
  /** Mean entropy (nats) of the query rows. */
  entropy: number
  /** Mean attention from position i to i - 1 (i >= 1). */
  previousToken: number
  /**
   * Mean, over queries i whose token occurred before, of the attention to the positions j that followed
   * an earlier occurrence (tokens[j - 1] = tokens[i], j <= i): what an induction head attends to. NaN
   * when no token repeats.
   */
  induction: number
}

/** Entropy, previous-token and induction scores of every head, from patterns and their token ids. */
export function summarizeHeads(patterns: Patterns, tokens: readonly (readonly number[])[]): HeadSummary[] {
  const out: HeadSummary[] = []
  patterns.forEach((layer, l) => {
    const heads = layer[0]!.length
    for (let h = 0; h < heads; h++) {
      let entropy = 0
      let rows = 0
      let previous = 0
      let previousCount = 0
      let induction = 0
      let inductionCount = 0
      layer.forEach((example, n) => {
        const ids = tokens[n]!
        const pattern = example[h]!
        pattern.forEach((row, i) => {
          entropy -= row.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0)
          rows++
          if (i >= 1) {
            previous += row[i - 1]!
            previousCount++
          }
          let mass = 0
          let found = false
          for (let j = 1; j <= i; j++) {
            if (ids[j - 1] === ids[i]! && j - 1 < i) {
              mass += row[j]!
              found = true
            }
          }
          if (found) {
            induction += mass
            inductionCount++
          }
        })
      })
      out.push({
        layer: l,
        head: h,
        entropy: entropy / rows,
        previousToken: previousCount ? previous / previousCount : NaN,
        induction: inductionCount ? induction / inductionCount : NaN,
      })
    }
  })
  return out
}

/** Heads to ablate: [layer, head] pairs. */
export type HeadList = readonly (readonly [number, number])[]

/**
 * The model's output with the given heads' outputs (their `attn.hook_z` slice) set to zero. The caller
 * owns the returned tensor.
 *
 * @example
 * const probabilities = gw.transformer.ablateHeads(model, tokens, [[1, 0]])
 */
export function ablateHeads(model: GlasswingModel, tokens: tf.Tensor, heads: HeadList): tf.Tensor {
  const where = 'gw.transformer.ablateHeads'
  const shape = transformerShape(model, where)
  for (const pair of heads ?? []) {
    const ok =
      Array.isArray(pair) &&
      Number.isInteger(pair[0]) &&
      Number.isInteger(pair[1]) &&
      pair[0] >= 0 &&
      pair[0] < shape.layers &&
      pair[1] >= 0 &&
      pair[1] < shape.heads
    if (!ok) {
      throw new GlasswingError({
        where,
        argument: 'heads',
        expected: `[layer, head] pairs with layer < ${shape.layers} and head < ${shape.heads}`,
        received: describeValue(pair),
      })
    }
  }
  const ids = tokenTensor(tokens, shape, where)
  try {
    return tf.tidy(() => {
      const feed: Record<string, tf.Tensor> = {}
      const layers = [...new Set(heads.map(([l]) => l))].sort((a, b) => a - b)
      for (const l of layers) {
        // Each layer's z under the ablations of the layers before it.
        const name = `blocks.${l}.attn.hook_z`
        const z = model.run(ids, { capture: [name], feed }).activations[name]!
        const keep = new Float32Array(shape.heads).fill(1)
        for (const [layer, head] of heads) if (layer === l) keep[head] = 0
        feed[name] = z.mul(tf.tensor(keep).reshape([1, 1, shape.heads, 1]))
      }
      return model.run(ids, { feed }).output
    })
  } finally {
    ids.dispose()
  }
}

/**
 * Next-token accuracy of a language model over the positions where the next token is a copy (`copy`
 * from gw.transformer.repeatedTokens), optionally with heads ablated.
 */
export function copyAccuracy(
  model: GlasswingModel,
  task: { tokens: tf.Tensor2D; copy: tf.Tensor2D },
  heads: HeadList = [],
): number {
  return tf.tidy(() => {
    const { tokens, copy } = task
    const length = tokens.shape[1]
    const probabilities = heads.length > 0 ? ablateHeads(model, tokens, heads) : model.predict(tokens)
    const predicted = probabilities.slice([0, 0, 0], [-1, length - 1, -1]).argMax(-1)
    const next = tokens.slice([0, 1], [-1, length - 1]).toInt()
    const mask = copy.slice([0, 0], [-1, length - 1])
    const right = predicted.equal(next).toFloat().mul(mask).sum()
    return right.div(mask.sum()).dataSync()[0]!
  })
}
