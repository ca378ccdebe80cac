/**
 * The inputs the shipped transformers read: repeated random token sequences (the induction task) and
 * review sentences as padded word ids (the sentiment classifier).
 */
import * as tf from '@tensorflow/tfjs'
import { seededRandom } from '../data/random'
import { tokenize, type Vocabulary } from '../data/vocabulary'

/** The beginning-of-sequence id of the induction task; random tokens are 1..vocabularySize-1. */
export const BOS = 0

/** Sequences of the induction task and where their next token is a copy. */
export interface RepeatedTokens {
  /** float32 [n, 2 half + 1]: [BOS, filler..., a_1..a_k, a_1..a_k]. */
  tokens: tf.Tensor2D
  /** float32 [n, 2 half + 1]: 1 at position p when token p + 1 is a copy of what followed token p earlier. */
  copy: tf.Tensor2D
  /** Each sequence's repeated length k (from minRepeat to half). */
  repeat: number[]
  dispose(): void
}

/**
 * `n` sequences [BOS, random filler, a_1..a_k, a_1..a_k] of random tokens 1..vocabularySize-1 (seeded),
 * with k from `minRepeat` (default 4) to `half`. With k varying, the copy sits at no fixed offset and only
 * an induction circuit (a previous-token head, then a head attending to what followed the current token
 * before) predicts it; with `minRepeat = half` the period is fixed and position alone suffices.
 *
 * @example
 * const task = gw.transformer.repeatedTokens(64, { vocabularySize: 20, half: 8, seed: 1 }); task.dispose()
 */
export function repeatedTokens(
  n: number,
  options: { vocabularySize: number; half: number; seed: number; minRepeat?: number },
): RepeatedTokens {
  const { vocabularySize, half } = options
  const random = seededRandom(options.seed)
  const draw = () => 1 + Math.floor(random() * (vocabularySize - 1))
  const length = 2 * half + 1
  const values = new Float32Array(n * length)
  const copy = new Float32Array(n * length)
  const repeat: number[] = []
  for (let row = 0; row < n; row++) {
    const low = Math.min(options.minRepeat ?? 4, half)
    const k = low + Math.floor(random() * (half - low + 1))
    const filler = 2 * half - 2 * k
    const at = row * length
    values[at] = BOS
    for (let i = 0; i < filler; i++) values[at + 1 + i] = draw()
    for (let i = 0; i < k; i++) {
      const token = draw()
      values[at + 1 + filler + i] = token
      values[at + 1 + filler + k + i] = token
    }
    for (let p = 1 + filler + k; p < length - 1; p++) copy[at + p] = 1
    repeat.push(k)
  }
  const tokens = tf.tensor2d(values, [n, length])
  const mask = tf.tensor2d(copy, [n, length])
  return { tokens, copy: mask, repeat, dispose: () => tf.dispose([tokens, mask]) }
}

/** The padding id and the id of a word outside the vocabulary; word i of the vocabulary is i + 2. */
export const PAD = 0
export const UNKNOWN = 1

/** Each sentence's tokens (the vocabulary's tokenizer), cut to `contextLength`. */
export function sentenceTokens(texts: readonly string[], contextLength: number): string[][] {
  return texts.map((text) => tokenize(text).slice(0, contextLength))
}

/**
 * Sentences as word ids, padded with PAD to `contextLength`: float32 [n, contextLength]. The caller
 * disposes it.
 */
export function encodeSentences(
  vocabulary: Vocabulary,
  texts: readonly string[],
  contextLength: number,
): tf.Tensor2D {
  const values = new Float32Array(texts.length * contextLength)
  const index = new Map(vocabulary.words.map((w, i) => [w, i + 2]))
  sentenceTokens(texts, contextLength).forEach((tokens, row) => {
    tokens.forEach((token, i) => (values[row * contextLength + i] = index.get(token) ?? UNKNOWN))
  })
  return tf.tensor2d(values, [texts.length, contextLength])
}
