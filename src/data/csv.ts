/**
 * CSV files: RFC 4180 quoting (quotes doubled inside quoted fields, line breaks allowed there),
 * a header row, and columns that are numbers when every non-empty cell is one.
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { GlasswingError } from '../errors'

/** Options of {@link csv}. */
export interface CsvOptions {
  /** The separator. Default ','. */
  delimiter?: string
  /** Whether the first row names the columns. Default true; otherwise they are 'column_1', ... */
  header?: boolean
}

/** A table read from CSV: numbers where a column holds only numbers (empty cells NaN), text elsewhere. */
export interface CsvTable {
  columns: string[]
  rows: (string | number)[][]
  /** Which columns are numeric. */
  numericColumns: string[]
  /**
   * The named numeric columns (default: all numeric ones) as float32 [rows, columns]. Caller owns it.
   *
   * @example
   * const x = table.toTensor(['age', 'income'])
   */
  toTensor(columns?: string[]): tf.Tensor2D
}

const WHERE = 'gw.read.csv'

/**
 * Reads a CSV file into a table with named columns.
 *
 * @example
 * const table = await gw.read.csv('applicants.csv')
 * table.columns; const x = table.toTensor()
 */
export async function csv(path: string, options: CsvOptions = {}): Promise<CsvTable> {
  await ensureBackend()
  try {
    return parseCsv(readFileSync(path, 'utf8'), options)
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

/** Parses CSV text (see {@link csv}). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const records = splitRecords(text.replace(/^\uFEFF/, ''), options.delimiter ?? ',')
  const width = records[0]?.length ?? 0
  const columns =
    options.header === false
      ? Array.from({ length: width }, (_, i) => `column_${i + 1}`)
      : (records.shift() ?? [])
  records.forEach((record, r) => {
    if (record.length !== columns.length) {
      throw new GlasswingError({
        where: WHERE,
        argument: `row ${r + 1}`,
        expected: `${columns.length} fields, as the header has`,
        received: `${record.length} fields`,
        hint: 'Check the delimiter (options.delimiter) and the quoting of that row.',
      })
    }
  })
  const numeric = columns.map((_, c) =>
    records.every((record) => record[c]!.trim() === '' || Number.isFinite(Number(record[c]))),
  )
  const rows = records.map((record) =>
    record.map((cell, c) => (numeric[c] ? (cell.trim() === '' ? NaN : Number(cell)) : cell)),
  )
  const numericColumns = columns.filter((_, c) => numeric[c])
  return {
    columns,
    rows,
    numericColumns,
    toTensor(wanted = numericColumns) {
      const indices = wanted.map((name) => {
        const index = columns.indexOf(name)
        if (index < 0 || !numeric[index]) {
          throw new GlasswingError({
            where: `${WHERE}().toTensor`,
            argument: 'columns',
            expected: `numeric columns (${numericColumns.join(', ')})`,
            received: `'${name}'${index < 0 ? ', no such column' : ', a text column'}`,
          })
        }
        return index
      })
      return tf.tensor2d(
        rows.map((row) => indices.map((i) => row[i] as number)),
        [rows.length, indices.length],
      )
    },
  }
}

function splitRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') ((field += '"'), i++)
      else if (char === '"') quoted = false
      else field += char
    } else if (char === '"' && field === '') quoted = true
    else if (char === delimiter) (record.push(field), (field = ''))
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      record.push(field)
      if (record.length > 1 || record[0] !== '') records.push(record)
      record = []
      field = ''
    } else field += char
  }
  if (field !== '' || record.length > 0) records.push([...record, field])
  return records
}
