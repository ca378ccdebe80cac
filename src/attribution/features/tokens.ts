/**
 * Token attributions for text models: an attribution over a bag-of-words (`[n, vocabulary]`) or
 * per-token (`[n, positions]`, `[n, positions, embedding]`) input, turned into one signed value per
 * token of each sentence, displayed as the features view's token highlighting.
 */
import { tokenize } from '../../data/vocabulary'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { MIME_TYPES, type TextExample, type TextFeaturesPayload } from '../../display/schema'
import { describeValue, GlasswingError } from '../../errors'
import type { Attribution } from '../attribution'
import { barChartPng } from './bars'
import { plainProvenance } from './plain'

const WHERE = 'gw.tokenAttribution'

/** Options of {@link tokenAttribution}. */
export interface TokenAttributionOptions {
  /**
   * The word list of a bag-of-words input (`Vocabulary`, or its `words`): a token's value is its word's
   * attribution, shared equally among the word's occurrences. Leave out for per-token inputs.
   */
  vocabulary?: { readonly words: readonly string[] } | readonly string[]
  /** Turns a sentence into tokens (default `gw.datasets.tokenize`, the model's tokenizer). */
  tokenize?: (text: string) => string[]
  /** What the output is, for example 'P(positive)'. Default: P(the target class's name). */
  outputName?: string
  /** Each sentence's label name, when known. */
  labels?: readonly (string | null)[]
}

/** Sentences with one signed value per token; displays as token highlighting, a PNG and text. */
export class TokenAttribution implements Displayable {
  constructor(readonly payload: TextFeaturesPayload) {}

  /** The sentences, each with its tokens and their values. */
  get examples(): TextExample[] {
    return this.payload.examples
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const first = this.payload.examples[0]
    return {
      'text/plain': this.toString(),
      [MIME_TYPES.features]: this.payload,
      'image/png': barChartPng(first ? first.attributions : []),
    }
  }

  /** One line per sentence: `P(positive) 0.93: the(+0.01) food(+0.02) was(-0.01) great(+0.41)`. */
  toString(): string {
    return this.payload.examples
      .map(
        (example) =>
          `${this.payload.outputName} ${example.output.toFixed(2)}: ` +
          example.tokens.map((token, i) => `${token}(${signed(example.attributions[i]!)})`).join(' '),
      )
      .join('\n')
  }
}

/**
 * Per-token values of a text model's attribution, for the sentences that were explained (in the
 * attribution's example order). Each sentence's output is the target's probability where the
 * predictions hold it, and its base value that output minus the sum of the token values.
 *
 * @example
 * const vocabulary = gw.datasets.Vocabulary.fromJSON(json)
 * const texts = ['The food was great.', 'Terrible service.']
 * const x = vocabulary.encode(texts)
 * const ig = await gw.explain(model, x, { method: 'integrated-gradients', target: 'positive' })
 * gw.tokenAttribution(ig, texts, { vocabulary })   // shows the sentences, words coloured by value
 */
export function tokenAttribution(
  attribution: Attribution,
  texts: readonly string[],
  options: TokenAttributionOptions = {},
): TokenAttribution {
  const item = attribution.data
  const rows = item.shape[0]!
  if (
    !Array.isArray(texts) ||
    texts.length !== item.inputShape[0] ||
    texts.some((t) => typeof t !== 'string')
  ) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'texts',
      expected: `the ${item.inputShape[0]} sentences that were explained, as strings`,
      received: describeValue(texts),
      hint: 'Pass the same texts you encoded for gw.explain, in the same order.',
    })
  }
  const words = options.vocabulary
    ? Array.isArray(options.vocabulary)
      ? (options.vocabulary as readonly string[])
      : (options.vocabulary as { words: readonly string[] }).words
    : null
  const width = item.shape.slice(1).reduce((a, b) => a * b, 1)
  const positions = item.shape[1] ?? 1
  if (words && (item.shape.length !== 2 || item.shape[1] !== words.length)) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.vocabulary',
      expected: `a vocabulary of ${item.shape[1]} words, the width of the attribution [${item.shape.join(', ')}]`,
      received: `${words.length} words`,
      hint: 'Use the vocabulary that encoded the inputs; leave it out for per-token inputs.',
    })
  }
  const split = options.tokenize ?? tokenize
  const index = words ? new Map(words.map((word, i) => [word, i])) : null
  const examples: TextExample[] = []
  for (let row = 0; row < rows; row++) {
    const example = item.exampleOf[row]!
    const tokens = split(texts[example]!)
    const values = item.values.subarray(row * width, (row + 1) * width)
    const perToken = index
      ? bagOfWords(tokens, values, index)
      : tokens.map((_, t) => (t < positions ? sumOver(values, t, width / positions) : 0))
    const sum = perToken.reduce((a, b) => a + b, 0)
    const output = outputOf(attribution, row)
    examples.push({
      tokens,
      attributions: perToken,
      baseValue: output === null ? 0 : output - sum,
      output: output ?? sum,
      label: options.labels?.[example] ?? null,
    })
  }
  return new TokenAttribution({
    version: 1,
    provenance: plainProvenance(item.provenance),
    kind: 'features',
    modality: 'text',
    outputName: options.outputName ?? outputName(attribution),
    examples,
  })
}

/** A word's attribution shared among its occurrences; words outside the vocabulary get 0. */
function bagOfWords(tokens: string[], values: Float32Array, index: Map<string, number>): number[] {
  const occurrences = new Map<string, number>()
  for (const token of tokens) occurrences.set(token, (occurrences.get(token) ?? 0) + 1)
  return tokens.map((token) => {
    const at = index.get(token)
    return at === undefined ? 0 : values[at]! / occurrences.get(token)!
  })
}

function sumOver(values: Float32Array, position: number, size: number): number {
  let sum = 0
  for (let i = position * size; i < (position + 1) * size; i++) sum += values[i]!
  return sum
}

function outputOf(attribution: Attribution, row: number): number | null {
  const { targets, predictions, exampleOf } = attribution.data
  const target = targets[row]
  const prediction = predictions?.[exampleOf[row]!]
  if (target === null || target === undefined || !prediction) return null
  const rank = prediction.classes.indexOf(target)
  return rank < 0 ? null : prediction.probabilities[rank]!
}

function outputName(attribution: Attribution): string {
  const targets = new Set(attribution.data.targets)
  const [only] = targets
  if (targets.size !== 1 || only === null || only === undefined) return 'sum of attributions'
  return `P(${attribution.data.classNames?.[only] ?? `class ${only}`})`
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(2)}`
}
