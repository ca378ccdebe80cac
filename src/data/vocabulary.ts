/**
 * Words to numbers for the small sentiment model: a tokenizer (lower case, letters, digits and
 * apostrophes) and a vocabulary fitted on training sentences, encoding a sentence as a bag of words.
 */
import * as tf from '@tensorflow/tfjs'

/** Options of {@link Vocabulary.fit}. */
export interface VocabularyOptions {
  /** Keep at most this many words, the most frequent first (ties alphabetical). Default 2000. */
  maxSize?: number
  /** Drop words seen fewer times than this. Default 2. */
  minCount?: number
}

/**
 * Lower-case words of a sentence, in order: the tokens the model and its attributions speak of.
 *
 * @example
 * tokenize("Wasn't it GREAT?")   // ["wasn't", 'it', 'great']
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? []
}

/** A fixed word list; index i of an encoded row is `words[i]`. Plain JSON through toJSON/fromJSON. */
export class Vocabulary {
  readonly words: string[]
  private readonly index: Map<string, number>

  constructor(words: string[]) {
    this.words = [...words]
    this.index = new Map(this.words.map((word, i) => [word, i]))
  }

  /**
   * The most frequent words of the sentences (count each word once per sentence).
   *
   * @example
   * const vocabulary = gw.datasets.Vocabulary.fit(train.texts, { maxSize: 2000 })
   */
  static fit(texts: string[], options: VocabularyOptions = {}): Vocabulary {
    const counts = new Map<string, number>()
    for (const text of texts)
      for (const word of new Set(tokenize(text))) counts.set(word, (counts.get(word) ?? 0) + 1)
    const words = [...counts]
      .filter(([, count]) => count >= (options.minCount ?? 2))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, options.maxSize ?? 2000)
      .map(([word]) => word)
    return new Vocabulary(words)
  }

  /** A vocabulary saved with toJSON (for example notebooks/models/sentiment-bow/vocabulary.json). */
  static fromJSON(json: { words: string[] }): Vocabulary {
    return new Vocabulary(json.words)
  }

  toJSON(): { words: string[] } {
    return { words: this.words }
  }

  get size(): number {
    return this.words.length
  }

  /** The vocabulary index of each token of a sentence, or -1 for a word outside it. */
  indicesOf(text: string): number[] {
    return tokenize(text).map((word) => this.index.get(word) ?? -1)
  }

  /**
   * Sentences as bags of words: float32 [n, size], 1 where the sentence holds the word. Caller owns it.
   *
   * @example
   * const x = vocabulary.encode(['a great movie', 'boring'])   // shape [2, vocabulary.size]
   */
  encode(texts: string[]): tf.Tensor2D {
    const values = new Float32Array(texts.length * this.size)
    texts.forEach((text, row) => {
      for (const index of this.indicesOf(text)) if (index >= 0) values[row * this.size + index] = 1
    })
    return tf.tensor2d(values, [texts.length, this.size])
  }
}
