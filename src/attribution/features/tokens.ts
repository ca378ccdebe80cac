/**
 * Token attributions for text models: an attribution over a bag-of-words (`[n, vocabulary]`) or
 * per-token (`[n, positions]`, `[n, positions, embedding]`) input, turned into one signed value per
 * token of each sentence, displayed as the features view's token highlighting.
 */
import { tokenize } from '../../data/vocabulary'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../../display/bundle'
import { MIME_TYPES, type TextExample, type TextFeaturesPayload } from '../../display/schema'
import { describeValue, GlasswingError } from '../../errors'
import type { Attribution, AttributionData, Comparison } from '../attribution'
import { encodeArray } from '../../display/codec'
import { barChartPng } from './bars'
import { comparisonPng } from './compare-png'
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
    const methods = this.payload.methods
    return {
      'text/plain': this.toString(),
      [MIME_TYPES.features]: this.payload,
      'image/png':
        first && methods && first.byMethod
          ? comparisonPng(tokensAsFeatures(first, methods, this.payload.outputName))
          : barChartPng(first ? first.attributions : []),
    }
  }

  /**
   * One line per sentence: `P(positive) 0.93: the(+0.01) food(+0.02) was(-0.01) great(+0.41)`; for a
   * comparison, then one indented line per method.
   */
  toString(): string {
    const line = (tokens: string[], values: number[]): string =>
      tokens.map((token, i) => `${token}(${signed(values[i]!)})`).join(' ')
    const methods = this.payload.methods
    return this.payload.examples
      .map((example) => {
        const head = `${this.payload.outputName} ${example.output.toFixed(2)}:`
        if (!methods || !example.byMethod) return `${head} ${line(example.tokens, example.attributions)}`
        const rows = methods.map((m, k) => `  ${m}: ${line(example.tokens, example.byMethod![k]!)}`)
        return [head, ...rows].join('\n')
      })
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
 * const c = await gw.compare(model, x, ['saliency', 'integrated-gradients'], { target: 'positive' })
 * gw.tokenAttribution(c, texts, { vocabulary })    // each sentence once per method
 */
export function tokenAttribution(
  result: Attribution | Comparison,
  texts: readonly string[],
  options: TokenAttributionOptions = {},
): TokenAttribution {
  const attributions = 'attributions' in result ? result.attributions : [result]
  const attribution = attributions[0]
  if (!attribution) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'attribution',
      expected: 'an attribution, or a comparison of at least one method',
      received: 'a comparison of no methods',
      hint: 'Pass the result of gw.explain or gw.compare over the encoded texts.',
    })
  }
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
  for (const { data } of attributions) {
    if (words && (data.shape.length !== 2 || data.shape[1] !== words.length)) {
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.vocabulary',
        expected: `a vocabulary of ${data.shape[1]} words, the width of the attribution [${data.shape.join(', ')}]`,
        received: `${words.length} words`,
        hint: 'Use the vocabulary that encoded the inputs; leave it out for per-token inputs.',
      })
    }
  }
  const split = options.tokenize ?? tokenize
  const index = words ? new Map(words.map((word, i) => [word, i])) : null
  const examples: TextExample[] = []
  for (let row = 0; row < rows; row++) {
    const example = item.exampleOf[row]!
    const tokens = split(texts[example]!)
    const byMethod = attributions.map(({ data }) => tokenValues(data, row, tokens, index))
    const perToken = byMethod[0]!
    const sum = perToken.reduce((a, b) => a + b, 0)
    const output = outputOf(attribution, row)
    examples.push({
      tokens,
      attributions: perToken,
      baseValue: output === null ? 0 : output - sum,
      output: output ?? sum,
      label: options.labels?.[example] ?? null,
      ...(attributions.length > 1 ? { byMethod } : {}),
    })
  }
  const compared = attributions.length > 1
  const provenance = plainProvenance(
    compared
      ? {
          ...item.provenance,
          method: 'compare',
          parameters: Object.fromEntries(attributions.map(({ data }) => [data.method, data.parameters])),
        }
      : item.provenance,
  )
  return new TokenAttribution({
    version: 1,
    provenance,
    kind: 'features',
    modality: 'text',
    outputName: options.outputName ?? outputName(attribution),
    examples,
    ...(compared ? { methods: attributions.map(({ data }) => data.method) } : {}),
  })
}

/** One row's value per token: its word's value (bag of words), or the sum over its position's values. */
function tokenValues(
  item: AttributionData,
  row: number,
  tokens: string[],
  index: Map<string, number> | null,
): number[] {
  const width = item.shape.slice(1).reduce((a, b) => a * b, 1)
  const positions = item.shape[1] ?? 1
  const values = item.values.subarray(row * width, (row + 1) * width)
  return index
    ? bagOfWords(tokens, values, index)
    : tokens.map((_, t) => (t < positions ? sumOver(values, t, width / positions) : 0))
}

/** The first sentence's tokens as the features of a one-example comparison, for the grouped-bars PNG. */
function tokensAsFeatures(example: TextExample, methods: string[], outputName: string) {
  const values = Float32Array.from(example.byMethod!.flat())
  return {
    featureNames: example.tokens.map((token, i) => `${i + 1}: ${token}`),
    exampleNames: ['sentence 1'],
    outputs: [example.output],
    outputName,
    comparison: {
      methods,
      attributions: encodeArray(values, [methods.length, 1, example.tokens.length], 'float32'),
    },
  }
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
