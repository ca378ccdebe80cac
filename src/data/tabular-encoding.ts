/**
 * How a table of raw values becomes model input: numeric columns standardised with the training
 * split's mean and standard deviation, nominal columns one-hot. The encoding keeps the link from each
 * encoded column back to its raw attribute, so SHAP and LIME can speak of 'age' and 'foreign_worker'.
 */
import * as tf from '@tensorflow/tfjs'
import { describeValue, GlasswingError } from '../errors'
import type { ArffAttribute } from './arff'

/** One raw attribute and the encoded columns it became. */
export type EncodedAttribute =
  | { name: string; kind: 'numeric'; column: number; mean: number; std: number }
  | { name: string; kind: 'nominal'; firstColumn: number; categories: string[] }

/** A fitted encoding; plain JSON, so it can be saved beside a model. */
export interface TabularEncoding {
  attributes: EncodedAttribute[]
  /** One name per encoded column: 'age', 'foreign_worker=yes', ... */
  featureNames: string[]
  /**
   * For each encoded column, the index of its raw attribute: the mask that groups one-hot columns,
   * so that KernelSHAP or LIME speak of 20 attributes instead of 63 columns.
   */
  attributeOfColumn: number[]
}

/** Fits the encoding on rows of raw values (the training split's). */
export function fitEncoding(attributes: ArffAttribute[], rows: (string | number)[][]): TabularEncoding {
  const encoded: EncodedAttribute[] = []
  const featureNames: string[] = []
  attributes.forEach((attribute, index) => {
    if (attribute.kind === 'numeric') {
      const values = rows.map((row) => row[index] as number)
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length
      encoded.push({
        name: attribute.name,
        kind: 'numeric',
        column: featureNames.length,
        mean,
        std: Math.sqrt(variance) || 1,
      })
      featureNames.push(attribute.name)
    } else {
      encoded.push({
        name: attribute.name,
        kind: 'nominal',
        firstColumn: featureNames.length,
        categories: attribute.categories,
      })
      for (const category of attribute.categories) featureNames.push(`${attribute.name}=${category}`)
    }
  })
  const attributeOfColumn = encoded.flatMap((attribute, index) =>
    attribute.kind === 'numeric' ? [index] : attribute.categories.map(() => index),
  )
  return { attributes: encoded, featureNames, attributeOfColumn }
}

/**
 * Encodes rows of raw values (in the encoding's attribute order) as float32 [n, featureNames.length].
 * The caller owns the tensor.
 */
export function encodeRows(
  encoding: TabularEncoding,
  rows: (string | number)[][],
  where: string,
): tf.Tensor2D {
  const width = encoding.featureNames.length
  const values = new Float32Array(rows.length * width)
  rows.forEach((row, r) => {
    if (row.length !== encoding.attributes.length) {
      throw new GlasswingError({
        where,
        argument: `rows[${r}]`,
        expected: `${encoding.attributes.length} values (${encoding.attributes.map((a) => a.name).join(', ')})`,
        received: `${row.length} values`,
      })
    }
    encoding.attributes.forEach((attribute, a) => {
      const value = row[a]
      if (attribute.kind === 'numeric') {
        if (typeof value !== 'number' || Number.isNaN(value))
          throw badValue(where, r, attribute.name, 'a number', value)
        values[r * width + attribute.column] = (value - attribute.mean) / attribute.std
      } else {
        const category = attribute.categories.indexOf(String(value))
        if (category < 0)
          throw badValue(
            where,
            r,
            attribute.name,
            `one of ${attribute.categories.map((c) => `'${c}'`).join(', ')}`,
            value,
          )
        values[r * width + attribute.firstColumn + category] = 1
      }
    })
  })
  return tf.tensor2d(values, [rows.length, width])
}

function badValue(
  where: string,
  row: number,
  name: string,
  expected: string,
  value: unknown,
): GlasswingError {
  return new GlasswingError({
    where,
    argument: `rows[${row}].${name}`,
    expected,
    received: describeValue(value),
  })
}
