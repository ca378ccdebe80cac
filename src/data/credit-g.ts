/**
 * German credit (Statlog, UCI): 1,000 applicants, 20 attributes, class good 700 / bad 300.
 * Read from src/data/files/credit-g.arff (Weka's copy; see files/PROVENANCE.md).
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { JUPYTER_DISPLAY, type Displayable } from '../display/bundle'
import { parseArff, type ArffAttribute } from './arff'
import { tableBundle } from './display'
import { checkOptionsObject, checkSplitOrAll, selectRange } from './images'
import { shuffledIndices } from './random'
import { bundledFile } from './sources'
import { encodeRows, fitEncoding, type TabularEncoding } from './tabular-encoding'

const WHERE = 'gw.datasets.creditG'
/** The fixed split: a seeded permutation, its first 800 rows for training, the other 200 for testing. */
const SPLIT_SEED = 2024
const TRAIN_SIZE = 800

/** Options of {@link creditG}. */
export interface CreditGOptions {
  /** 'train' (800 rows), 'test' (200 rows) or 'all' (the file's 1,000, in file order). Default 'all'. */
  split?: 'train' | 'test' | 'all'
  limit?: number
  offset?: number
}

/** Rows of a table: the raw values with names, and their encoding as model input. Shows its first rows. */
export interface TabularDataset extends Displayable {
  name: string
  split: 'train' | 'test' | 'all'
  /** float32 [n, featureNames.length]: numeric attributes standardised, nominal ones one-hot. */
  features: tf.Tensor2D
  /** int32 [n]: the index into classNames. */
  labels: tf.Tensor1D
  classNames: string[]
  /** One name per encoded column, for example 'age' or 'foreign_worker=yes'. */
  featureNames: string[]
  /** The raw values: one row per example, in `columns` order (the 20 attributes, without the class). */
  table: { columns: string[]; rows: (string | number)[][] }
  /** Which encoded columns each raw attribute became, with the training split's means and deviations. */
  encoding: TabularEncoding
  /** Encodes rows of raw values the same way (for perturbing applicants in LIME or SHAP). Caller owns it. */
  encode(rows: (string | number)[][]): tf.Tensor2D
  /** Frees `features` and `labels`. */
  dispose(): void
  /** A one-line summary. */
  toString(): string
}

/**
 * The German credit data: encoded features and labels as tensors, and the raw table with its names.
 * The encoding is fitted on the fixed training split, whichever split is asked for.
 *
 * @example
 * const credit = await gw.datasets.creditG({ split: 'test' })
 * credit.featureNames.length   // 63
 * credit.table.rows[0]         // ['<0', 6, 'critical/other existing credit', ...]
 */
export async function creditG(options: CreditGOptions = {}): Promise<TabularDataset> {
  await ensureBackend()
  try {
    checkOptionsObject(WHERE, options)
    const split = checkSplitOrAll(WHERE, options.split)
    const arff = parseArff(readFileSync(bundledFile('credit-g.arff'), 'utf8'), 'credit-g.arff')
    const classIndex = arff.attributes.length - 1
    const target = arff.attributes[classIndex] as Extract<ArffAttribute, { kind: 'nominal' }>
    const attributes = arff.attributes.slice(0, classIndex)
    const order = Array.from(shuffledIndices(arff.rows.length, SPLIT_SEED))
    const trainRows = order.slice(0, TRAIN_SIZE).map((i) => arff.rows[i]!)
    const chosen =
      split === 'all'
        ? arff.rows
        : split === 'train'
          ? trainRows
          : order.slice(TRAIN_SIZE).map((i) => arff.rows[i]!)
    const { start, count } = selectRange(WHERE, { split: 'test', ...pick(options) }, () => chosen.length)
    const selected = chosen.slice(start, start + count)

    const encoding = fitEncoding(
      attributes,
      trainRows.map((row) => row.slice(0, classIndex)),
    )
    const raw = selected.map((row) => row.slice(0, classIndex))
    const encode = (rows: (string | number)[][]) => encodeRows(encoding, rows, `${WHERE}().encode`)
    const features = encode(raw)
    const classes = selected.map((row) => target.categories.indexOf(row[classIndex] as string))
    const labels = tf.tensor1d(classes, 'int32')
    const summary =
      `credit-g (${split}): ${selected.length} applicants, ${attributes.length} attributes encoded as ` +
      `${encoding.featureNames.length} columns; classes ${target.categories.join(', ')}`
    return {
      name: 'credit-g',
      split,
      features,
      labels,
      classNames: [...target.categories],
      featureNames: encoding.featureNames,
      table: { columns: attributes.map((a) => a.name), rows: raw },
      encoding,
      encode,
      dispose() {
        features.dispose()
        labels.dispose()
      },
      toString: () => summary,
      [JUPYTER_DISPLAY]: () =>
        tableBundle(
          summary,
          [...attributes.map((a) => a.name), 'class'],
          raw.map((row, i) => [...row, target.categories[classes[i]!]!]),
        ),
    }
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

function pick({ limit, offset }: CreditGOptions): { limit?: number; offset?: number } {
  return { ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) }
}
