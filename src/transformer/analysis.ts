/**
 * Attention analysis of a loaded hooked transformer: `gw.transformer.attention` (every layer's and head's
 * pattern, head summaries, rollout and flow per example) and the class-specific gradient-weighted rollout.
 */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import { attentionFlow, type FlowOptions } from './flow'
import { attentionPatterns, patternNames, summarizeHeads, type HeadSummary, type Patterns } from './heads'
import { tokenTensor, transformerShape } from './hooks'
import { headGridPng } from './picture'
import { gradientRollout, rollout, type Matrix, type RolloutOptions } from './rollout'

/** Options of {@link attention}. */
export interface AttentionOptions {
  /** Each example's token strings, for labels (default: the ids). */
  labels?: readonly (readonly string[])[]
}

/** Every pattern of a batch of sequences, with head summaries, rollout and flow per example. */
export class AttentionResult implements Displayable {
  /** One row per head: layer, head, entropy, previous-token and induction scores. */
  readonly heads: HeadSummary[]

  constructor(
    /** [layer][example][head][query][key]. */
    readonly patterns: Patterns,
    readonly tokens: number[][],
    readonly labels: string[][],
  ) {
    this.heads = summarizeHeads(patterns, tokens)
  }

  /** One example's stack [layer][head][query][key]. */
  stack(example = 0): Matrix[][] {
    checkExample(example, this.tokens.length, 'AttentionResult.stack')
    return this.patterns.map((layer) => layer[example]!)
  }

  /** Attention rollout of one example ([output position][input token]). */
  rollout(example = 0, options: RolloutOptions = {}): Matrix {
    return rollout(this.stack(example), options)
  }

  /** Attention flow from one output position of one example to every input token. */
  flow(example: number, output: number, options: FlowOptions = {}): number[] {
    return attentionFlow(this.stack(example), output, options)
  }

  /** The heads with an induction score above `threshold`, as [layer, head] pairs. */
  inductionHeads(threshold = 0.4): [number, number][] {
    return this.heads.filter((h) => h.induction > threshold).map((h) => [h.layer, h.head])
  }

  /** The head summaries as rows [layer, head, entropy, previousToken, induction]. */
  toArray(): number[][] {
    return this.heads.map((h) => [h.layer, h.head, h.entropy, h.previousToken, h.induction])
  }

  toCSV(): string {
    return (
      ['layer,head,entropy,previous_token,induction', ...this.toArray().map((r) => r.join(','))].join('\n') +
      '\n'
    )
  }

  toString(): string {
    const f = (v: number) => (Number.isNaN(v) ? '  -  ' : v.toFixed(3))
    const rows = this.heads.map(
      (h) =>
        `L${h.layer}H${h.head}  entropy ${f(h.entropy)}  previous-token ${f(h.previousToken)}  induction ${f(h.induction)}`,
    )
    const t = this.tokens[0]?.length ?? 0
    return [
      `Attention of ${this.tokens.length} sequence(s) x ${t} tokens, ${this.patterns.length} layer(s)`,
      ...rows,
    ].join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    // The first example's head grid as the static picture; the text lists every head's scores.
    return { 'text/plain': this.toString(), 'image/png': headGridPng(this.stack(0)) }
  }
}

/**
 * Every layer's and head's attention pattern for a batch of token sequences, with head summaries.
 *
 * @example
 * const task = gw.transformer.repeatedTokens(16, { vocabularySize: 20, half: 8, seed: 3 })
 * const a = await gw.transformer.attention(model, task.tokens)
 * a.inductionHeads()        // [[1, 0]]
 * a.rollout(0, { residual: true, headFusion: 'mean' })
 */
export async function attention(
  model: GlasswingModel,
  tokens: tf.Tensor | readonly (readonly number[])[],
  options: AttentionOptions = {},
): Promise<AttentionResult> {
  const where = 'gw.transformer.attention'
  await ensureBackend()
  try {
    const patterns = attentionPatterns(model, tokens, where)
    const ids = tokens instanceof tf.Tensor ? (tokens.arraySync() as number[][]) : tokens.map((r) => [...r])
    const labels = ids.map((row, n) => row.map((id, i) => options.labels?.[n]?.[i] ?? String(id)))
    return new AttentionResult(patterns, ids, labels)
  } catch (error) {
    throw explainBackendError(error, where)
  }
}

/**
 * Class-specific gradient-weighted rollout (Chefer et al. 2021) of a classifier transformer: the
 * gradient of the target class's probability with respect to each layer's attention pattern weights
 * the pattern, one matrix per example ([output position][input token]); for a pooled classifier, read
 * the mean of its rows (`meanRow`).
 *
 * @example
 * const r = await gw.transformer.gradientRollout(model, ids, { target: 1 })
 */
export async function gradientRolloutOf(
  model: GlasswingModel,
  tokens: tf.Tensor | readonly (readonly number[])[],
  options: { target: number },
): Promise<Matrix[]> {
  const where = 'gw.transformer.gradientRollout'
  await ensureBackend()
  const shape = transformerShape(model, where)
  const classes = model.outputShape.at(-1)!
  if (
    model.outputShape.length !== 2 ||
    !Number.isInteger(options?.target) ||
    options.target < 0 ||
    options.target >= classes
  ) {
    throw new GlasswingError({
      where,
      argument: 'options.target',
      expected: `a class index from 0 to ${classes - 1} of a classifier (output [n, classes])`,
      received: `${describeValue(options?.target)} for output [${model.outputShape.join(', ')}]`,
    })
  }
  const ids = tokenTensor(tokens, shape, where)
  const names = patternNames(shape)
  try {
    const [patterns, gradients] = tf.tidy(() => {
      const captured = model.run(ids, { capture: names }).activations
      const fed = names.map((n) => captured[n]!)
      const grads = tf.grads((...ps: tf.Tensor[]) => {
        const feed = Object.fromEntries(names.map((n, i) => [n, ps[i]!]))
        return model.run(ids, { feed }).output.slice([0, options.target], [-1, 1]).sum()
      })(fed)
      return [
        fed.map((p) => p.arraySync() as number[][][][]),
        grads.map((g) => g.arraySync() as number[][][][]),
      ]
    })
    return ids.arraySync().map((_, n) =>
      gradientRollout(
        patterns.map((layer) => layer[n]!),
        gradients.map((layer) => layer[n]!),
      ),
    )
  } finally {
    ids.dispose()
  }
}

/** The mean of a rollout's rows over the given positions (default all): one value per input token. */
export function meanRow(matrix: Matrix, positions?: readonly number[]): number[] {
  const rows = positions ?? matrix.map((_, i) => i)
  return matrix[0]!.map((_, j) => rows.reduce((s, i) => s + matrix[i]![j]!, 0) / rows.length)
}

function checkExample(example: number, count: number, where: string): void {
  if (Number.isInteger(example) && example >= 0 && example < count) return
  throw new GlasswingError({
    where,
    argument: 'example',
    expected: `an example index from 0 to ${count - 1}`,
    received: describeValue(example),
  })
}
