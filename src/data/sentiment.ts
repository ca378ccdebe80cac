/**
 * Labelled review sentences from the npm package `sentiment` (its test fixtures): 1,000 each from
 * IMDB, Amazon and Yelp, class 0 negative / 1 positive. The one row whose class is null is dropped.
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { describeValue, GlasswingError } from '../errors'
import { JUPYTER_DISPLAY, type Displayable } from '../display/bundle'
import { tableBundle } from './display'
import { checkOptionsObject, checkSplitOrAll, selectRange } from './images'
import { shuffledIndices } from './random'
import { npmPackageFile } from './sources'

const WHERE = 'gw.datasets.sentiment'
const SOURCES = ['imdb', 'amazon', 'yelp'] as const
/** The fixed split: a seeded permutation of all sentences, 80 % for training, the rest for testing. */
const SPLIT_SEED = 7
const TRAIN_SHARE = 0.8

/** Where a sentence comes from. */
export type SentimentSource = (typeof SOURCES)[number]

/** Options of {@link sentiment}. */
export interface SentimentOptions {
  /** 'train' (80 %), 'test' (20 %) or 'all' (file order). Default 'all'. */
  split?: 'train' | 'test' | 'all'
  /** Only sentences from these sites. Default: all three. */
  sources?: SentimentSource[]
  limit?: number
  offset?: number
}

/** Sentences with labels; the caller owns `labels`. Shows its first sentences. */
export interface TextDataset extends Displayable {
  name: string
  split: 'train' | 'test' | 'all'
  texts: string[]
  /** int32 [n]: 0 negative, 1 positive. */
  labels: tf.Tensor1D
  classNames: string[]
  /** The site each sentence comes from. */
  sources: SentimentSource[]
  dispose(): void
  /** A one-line summary. */
  toString(): string
}

/**
 * Review sentences labelled negative (0) or positive (1).
 *
 * @example
 * const reviews = await gw.datasets.sentiment({ split: 'test' })
 * reviews.texts[0]; reviews.classNames   // ['negative', 'positive']
 */
export async function sentiment(options: SentimentOptions = {}): Promise<TextDataset> {
  await ensureBackend()
  try {
    checkOptionsObject(WHERE, options)
    const split = checkSplitOrAll(WHERE, options.split)
    const wanted = options.sources ?? [...SOURCES]
    if (!Array.isArray(wanted))
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.sources',
        expected: `an array of sources: ${SOURCES.map((s) => `'${s}'`).join(', ')}`,
        received: describeValue(wanted),
      })
    const unknown = wanted.find((s) => !SOURCES.includes(s))
    if (unknown !== undefined) {
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.sources',
        expected: `a list of ${SOURCES.map((s) => `'${s}'`).join(', ')}`,
        received: `a list with ${describeValue(unknown)}`,
      })
    }
    const all = readAll()
    const order = Array.from(shuffledIndices(all.length, SPLIT_SEED))
    const cut = Math.round(all.length * TRAIN_SHARE)
    const inSplit =
      split === 'all' ? all : (split === 'train' ? order.slice(0, cut) : order.slice(cut)).map((i) => all[i]!)
    const chosen = inSplit.filter((row) => wanted.includes(row.source))
    const { start, count } = selectRange(
      WHERE,
      {
        split: 'test',
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        ...(options.offset !== undefined ? { offset: options.offset } : {}),
      },
      () => chosen.length,
    )
    const rows = chosen.slice(start, start + count)
    const labels = tf.tensor1d(
      rows.map((row) => row.label),
      'int32',
    )
    const summary = `sentiment (${split}): ${rows.length} sentences from ${wanted.join(', ')}; classes negative, positive`
    return {
      name: 'sentiment',
      split,
      texts: rows.map((row) => row.text),
      labels,
      classNames: ['negative', 'positive'],
      sources: rows.map((row) => row.source),
      dispose: () => labels.dispose(),
      toString: () => summary,
      [JUPYTER_DISPLAY]: () =>
        tableBundle(
          summary,
          ['text', 'class', 'source'],
          rows.map((row) => [row.text, row.label === 1 ? 'positive' : 'negative', row.source]),
        ),
    }
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

interface Row {
  text: string
  label: number
  source: SentimentSource
}

function readAll(): Row[] {
  return SOURCES.flatMap((source) => {
    const path = npmPackageFile(WHERE, 'sentiment', `test/fixtures/${source}.json`)
    const items = JSON.parse(readFileSync(path, 'utf8')) as { text: string; class: number | null }[]
    return items
      .filter((item) => item.class === 0 || item.class === 1)
      .map((item) => ({ text: item.text.trim(), label: item.class as number, source }))
  })
}
