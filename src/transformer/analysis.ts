/**
 * Attention analysis of a loaded hooked transformer: `gw.transformer.attention` (every layer's and head's
 * pattern, head summaries, rollout and flow per example) and the class-specific gradient-weighted rollout.
 */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { MAX_ATTENTION_VALUES } from '../display/limits'
import { makeProvenance } from '../display/provenance'
import { MIME_TYPES, type Provenance } from '../display/schema'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import { attentionFlow, type FlowOptions } from './flow'
import { attentionPatterns, patternNames, summarizeHeads, type HeadSummary, type Patterns } from './heads'
import { tokenTensor, transformerShape } from './hooks'
import { AttentionPattern } from './layers'
import { attentionPayload, attentionValues, isLowerTriangular, type AttentionShown } from './payload'
import { headGridPng } from './picture'
import { gradientRollout, rollout, type Matrix, type RolloutOptions } from './rollout'

/** Options of {@link attention}. */
export interface AttentionOptions {
  /** Each example's token strings, for labels (default: the ids). */
  labels?: readonly (readonly string[])[]
  /** The example the view shows (default 0); the head scores are over all examples. */
  example?: number
  /**
   * The shown example's attention rollout, carried to the view: true, false or rollout options.
   * Default: computed up to 256 tokens (a 512-token, 8-layer rollout takes seconds).
   */
  rollout?: boolean | RolloutOptions
  /**
   * The shown example's attention flow from one output position (default the last), carried to the
   * view: true, false or flow options. Default: computed when it is small (tokens x layers x tokens²
   * at most 2,000,000: 64 tokens x 8 layers).
   */
  flow?: boolean | (FlowOptions & { output?: number })
}

/** Default limits of what {@link attention} computes for the view unasked. */
const ROLLOUT_TOKENS = 256
const FLOW_WORK = 2_000_000

/** Every pattern of a batch of sequences, with head summaries, rollout and flow per example. */
export class AttentionResult implements Displayable {
  /** One row per head: layer, head, entropy, previous-token and induction scores. */
  readonly heads: HeadSummary[]

  constructor(
    /** [layer][example][head][query][key]. */
    readonly patterns: Patterns,
    readonly tokens: number[][],
    readonly labels: string[][],
    /** What the view shows: which example, with its rollout and flow when computed. */
    readonly shown: AttentionShown = { example: 0, rollout: null, flow: null },
    readonly provenance: Provenance = makeProvenance({ method: 'attention', parameters: {}, seed: null }),
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
    // The attention view of the shown example; its head grid as the static picture, and the text
    // lists every head's scores.
    const example = this.shown.example
    const stack = this.stack(example)
    const t = stack[0]![0]!.length
    if (attentionValues(stack.length, stack[0]!.length, t, isLowerTriangular(stack)) > MAX_ATTENTION_VALUES) {
      // The view would refuse it (and the notebook could not hold it): the picture and the text only.
      const note = `(${stack.length} layers x ${stack[0]!.length} heads x ${t} tokens is too large for the interactive view: at most ${MAX_ATTENTION_VALUES.toLocaleString('en')} weights.)`
      return { 'text/plain': `${this.toString()}\n${note}`, 'image/png': headGridPng(stack) }
    }
    const payload = attentionPayload({
      stack,
      tokens: this.labels[example]!,
      heads: this.heads,
      exampleCount: this.tokens.length,
      shown: this.shown,
      provenance: this.provenance,
    })
    return {
      [MIME_TYPES.attention]: payload,
      'text/plain': this.toString(),
      'image/png': headGridPng(stack),
    }
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
    const example = options.example ?? 0
    checkExample(example, ids.length, `${where}: options.example`)
    const stack = patterns.map((layer) => layer[example]!)
    const shown: AttentionShown = {
      example,
      rollout: shownRollout(stack, options.rollout),
      flow: shownFlow(stack, options.flow, lastToken(ids[example]!, padIdOf(model))),
    }
    const provenance = makeProvenance({
      method: 'attention',
      parameters: {
        example,
        rollout: shown.rollout ? { ...shown.rollout, matrix: undefined } : false,
        flow: shown.flow ? { output: shown.flow.output } : false,
      },
      seed: null,
      model: model.kind === 'layers' ? (model.tfModel as tf.LayersModel) : null,
    })
    return new AttentionResult(patterns, ids, labels, shown, provenance)
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

/** The shown example's rollout when asked for, or by default up to ROLLOUT_TOKENS tokens. */
function shownRollout(stack: Matrix[][], option: AttentionOptions['rollout']): AttentionShown['rollout'] {
  const t = stack[0]![0]!.length
  if (option === false || (option === undefined && t > ROLLOUT_TOKENS)) return null
  const options: RolloutOptions = typeof option === 'object' ? option : {}
  return {
    matrix: rollout(stack, options),
    residual: options.residual ?? true,
    headFusion: options.headFusion ?? 'mean',
    startLayer: options.startLayer ?? 0,
  }
}

/** The padding token id of a hooked transformer (-1 for none). */
function padIdOf(model: GlasswingModel): number {
  const layers = model.kind === 'layers' ? (model.tfModel as tf.LayersModel).layers : []
  const pattern = layers.find((l) => l instanceof AttentionPattern) as AttentionPattern | undefined
  return pattern?.padId ?? -1
}

/** The last position that is not padding (the last position when every one is). */
function lastToken(ids: readonly number[], padId: number): number {
  for (let i = ids.length - 1; i >= 0; i--) if (ids[i] !== padId) return i
  return ids.length - 1
}

/**
 * The shown example's flow from one output position (default the last that is not padding) when
 * asked for, or by default when small.
 */
function shownFlow(
  stack: Matrix[][],
  option: AttentionOptions['flow'],
  last: number,
): AttentionShown['flow'] {
  const t = stack[0]![0]!.length
  const options = typeof option === 'object' ? option : {}
  const layers = stack.length - (options.startLayer ?? 0)
  if (option === false || (option === undefined && t * layers * t * t > FLOW_WORK)) return null
  const output = options.output ?? last
  return { output, values: attentionFlow(stack, output, options) }
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
