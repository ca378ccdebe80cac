/**
 * The shared matrix view: any labelled rows x columns table of numbers (CKA between layers, accuracy
 * change per unit and class, quality metrics per method, TCAV scores per concept and layer, a patching
 * sweep) becomes one heatmap payload, one static picture and one text table. Results build a
 * `MatrixSpec`; `matrixBundle` turns it into what the notebook shows; `gw.matrix(spec)` lets a user show
 * their own.
 */
import { GlasswingError } from '../errors'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from './bundle'
import { encodeArray } from './codec'
import { MAX_MATRIX_CELLS, MAX_MATRIX_ITEMS } from './limits'
import { matrixPicture } from './matrix-picture'
import { formatCell, matrixCSVText } from './matrix-scale'
import { makeProvenance } from './provenance'
import { MIME_TYPES, type MatrixPayload, type Provenance } from './schema'

/** A matrix to show: labels, values (NaN where a cell has none) and what the colours mean. */
export interface MatrixSpec {
  title: string
  /** What the rows are ('method', 'unit', 'layer', ...). */
  rowTitle: string
  /** What the columns are. */
  columnTitle: string
  /** What a cell's number is ('mean deletion AUC', 'accuracy change', ...). */
  valueLabel: string
  rows: string[]
  columns: string[]
  /** values[row][column]; NaN for a cell without a value. */
  values: number[][]
  /** 'sequential' (default) colours low to high; 'diverging' centres the colours on 0. */
  scale?: 'sequential' | 'diverging'
  /** The values at the two ends of the colour scale (default: the values' extent). */
  range?: [number, number]
  /** A short mark per cell, marks[row][column] ('*' significant, '~' no better than chance, ''). */
  marks?: string[][]
  /** The values behind each cell, shown when it is clicked: values[row][column][item]. */
  perItem?: { label: string; items: string[]; values: number[][][] }
  /** A line under the title: how the numbers were made, what the marks mean. */
  caption?: string
  /** Lines of text shown above the heatmap: the result's summary. */
  notes?: string[]
  /** 'all' (default): one colour scale; 'column': each column on its own extent (columns in different units). */
  colourBy?: 'all' | 'column'
  /** Per column, whether higher is better (null where neither). */
  higherIsBetter?: (boolean | null)[]
}

const fail = (where: string, argument: string, expected: string, received: string, hint: string): never => {
  throw new GlasswingError({ where, argument, expected, received, hint })
}

/**
 * Checks a spec's sizes: one value (and mark) per row and column, per-item values for every cell.
 * Throws a GlasswingError naming the first argument that is off.
 */
export function checkMatrixSpec(spec: MatrixSpec, where = 'gw.matrix'): void {
  if (typeof spec !== 'object' || spec === null)
    fail(where, 'spec', 'an object { title, rows, columns, values, ... }', String(spec), 'Pass a matrix spec')
  for (const key of ['title', 'rowTitle', 'columnTitle', 'valueLabel'] as const)
    if (typeof spec[key] !== 'string') fail(where, key, 'a string', describe(spec[key]), `Name the ${key}`)
  if (spec.notes && !(Array.isArray(spec.notes) && spec.notes.every((n) => typeof n === 'string')))
    fail(where, 'notes', 'an array of strings (lines)', describe(spec.notes), 'Pass lines of text')
  if (spec.scale !== undefined && spec.scale !== 'sequential' && spec.scale !== 'diverging')
    fail(
      where,
      'scale',
      "'sequential' or 'diverging'",
      describe(spec.scale),
      'Use diverging for signed values',
    )
  for (const key of ['rows', 'columns'] as const)
    if (!Array.isArray(spec[key]) || !spec[key].every((s) => typeof s === 'string'))
      fail(where, key, 'an array of strings', describe(spec[key]), `Name each ${key.slice(0, -1)}`)
  const [r, c] = [spec.rows.length, spec.columns.length]
  if (r === 0 || c === 0)
    fail(where, 'rows and columns', 'at least one each', `${r} x ${c}`, 'Pass a non-empty matrix')
  if (r * c > MAX_MATRIX_CELLS)
    fail(
      where,
      'values',
      `at most ${MAX_MATRIX_CELLS.toLocaleString('en')} cells`,
      `${r} x ${c}`,
      'Show a part of it',
    )
  if (!Array.isArray(spec.values) || spec.values.length !== r)
    fail(where, 'values', `${r} rows (one per row name)`, describe(spec.values), 'Pass values[row][column]')
  spec.values.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== c)
      fail(where, `values[${i}]`, `${c} numbers (one per column)`, describe(row), 'Pass values[row][column]')
    row.forEach((v, j) => {
      if (typeof v !== 'number')
        fail(where, `values[${i}][${j}]`, 'a number (NaN for no value)', describe(v), 'Pass numbers')
    })
  })
  if (spec.marks) {
    if (spec.marks.length !== r)
      fail(where, 'marks', `${r} rows`, describe(spec.marks), 'Pass marks[row][column]')
    spec.marks.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== c || !row.every((m) => typeof m === 'string'))
        fail(where, `marks[${i}]`, `${c} strings`, describe(row), 'Pass marks[row][column] ("" for none)')
    })
  }
  if (spec.range) {
    const [low, high] = spec.range
    if (!(Number.isFinite(low) && Number.isFinite(high) && low < high))
      fail(
        where,
        'range',
        '[low, high] with low < high',
        JSON.stringify(spec.range),
        'Pass finite ends, or leave range out',
      )
  }
  if (spec.higherIsBetter && spec.higherIsBetter.length !== c)
    fail(where, 'higherIsBetter', `${c} entries`, describe(spec.higherIsBetter), 'Pass one per column')
  if (spec.perItem) {
    const { items, values } = spec.perItem
    const n = items.length
    if (r * c * n > MAX_MATRIX_ITEMS)
      fail(
        where,
        'perItem',
        `at most ${MAX_MATRIX_ITEMS.toLocaleString('en')} values`,
        `${r * c * n}`,
        'Keep fewer items per cell',
      )
    if (!Array.isArray(values) || values.length !== r)
      fail(where, 'perItem.values', `${r} rows`, describe(values), 'Pass perItem.values[row][column][item]')
    values.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== c)
        fail(
          where,
          `perItem.values[${i}]`,
          `${c} columns`,
          describe(row),
          'Pass perItem.values[row][column][item]',
        )
      row.forEach((list, j) => {
        if (!Array.isArray(list) || list.length !== n)
          fail(
            where,
            `perItem.values[${i}][${j}]`,
            `${n} numbers (one per item)`,
            describe(list),
            'Pass one value per item',
          )
      })
    })
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value === null || value === undefined) return String(value)
  return typeof value === 'object'
    ? 'an object'
    : typeof value === 'string'
      ? JSON.stringify(value)
      : String(value)
}

/** The matrix view's payload of a spec (checked first). */
export function matrixPayload(spec: MatrixSpec, provenance: Provenance): MatrixPayload {
  checkMatrixSpec(spec)
  const [r, c] = [spec.rows.length, spec.columns.length]
  const payload: MatrixPayload = {
    version: 1,
    provenance,
    kind: 'matrix',
    title: spec.title,
    rowTitle: spec.rowTitle,
    columnTitle: spec.columnTitle,
    valueLabel: spec.valueLabel,
    rows: [...spec.rows],
    columns: [...spec.columns],
    values: encodeArray(spec.values.flat(), [r, c], 'float32'),
    scale: spec.scale ?? 'sequential',
    range: spec.range ?? null,
    marks: spec.marks ?? null,
    caption: spec.caption ?? null,
    notes: spec.notes ?? null,
    colourBy: spec.colourBy ?? 'all',
    higherIsBetter: spec.higherIsBetter ?? null,
  }
  if (spec.perItem) {
    const n = spec.perItem.items.length
    payload.perItem = {
      label: spec.perItem.label,
      items: [...spec.perItem.items],
      values: encodeArray(spec.perItem.values.flat(2), [r, c, n], 'float32'),
    }
  }
  return payload
}

/** The spec as a text table (marks after the values), for text/plain and toString. */
export function matrixText(spec: MatrixSpec): string {
  const rowWidth = Math.min(28, Math.max(spec.rowTitle.length, ...spec.rows.map((r) => r.length)))
  const cells = spec.values.map((row, i) => row.map((v, j) => formatCell(v) + (spec.marks?.[i]?.[j] ?? '')))
  const width = Math.min(
    14,
    Math.max(7, ...cells.flat().map((s) => s.length + 1), ...spec.columns.map((c) => c.length + 1)),
  )
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)
  const lines = [
    spec.title,
    ...(spec.caption ? [spec.caption] : []),
    `${cut(spec.rowTitle, rowWidth).padEnd(rowWidth)} ${spec.columns.map((c) => cut(c, width - 1).padStart(width)).join('')}`,
    ...cells.map(
      (row, i) =>
        `${cut(spec.rows[i]!, rowWidth).padEnd(rowWidth)} ${row.map((s) => s.padStart(width)).join('')}`,
    ),
  ]
  return lines.join('\n')
}

/** The spec as CSV: a header of column names, one line per row (empty fields where no value). */
export function matrixCSV(spec: MatrixSpec): string {
  return matrixCSVText(spec.rowTitle, spec.rows, spec.columns, (i, j) => spec.values[i]![j]!)
}

/** The MIME bundle of a matrix: the view's payload, a heatmap PNG, and `text` (default: the table). */
export function matrixBundle(spec: MatrixSpec, provenance: Provenance, text = matrixText(spec)): MimeBundle {
  return {
    [MIME_TYPES.matrix]: matrixPayload(spec, provenance),
    'text/plain': text,
    'image/png': matrixPicture(spec),
  }
}

/**
 * A labelled matrix that displays itself as the matrix view (heatmap, hover, sort, per-cell detail).
 *
 * @example
 * const m = gw.matrix({ title: 'Confusion', rowTitle: 'true', columnTitle: 'predicted',
 *   valueLabel: 'count', rows: ['cat', 'dog'], columns: ['cat', 'dog'], values: [[40, 2], [5, 53]] })
 * m.toCSV()   // 'true,cat,dog\ncat,40,2\ndog,5,53\n'
 */
export class Matrix implements Displayable {
  constructor(
    readonly spec: MatrixSpec,
    readonly provenance: Provenance,
  ) {
    checkMatrixSpec(spec)
  }
  /** The values, values[row][column]. */
  toArray(): number[][] {
    return this.spec.values.map((row) => [...row])
  }
  toCSV(): string {
    return matrixCSV(this.spec)
  }
  toString(): string {
    return matrixText(this.spec)
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    return matrixBundle(this.spec, this.provenance)
  }
}

/**
 * Shows any labelled matrix as the matrix view: a confusion matrix, a correlation table, scores of
 * your own. Checks the sizes first and names what is off.
 *
 * @example
 * gw.matrix({ title: 'Confusion', rowTitle: 'true', columnTitle: 'predicted', valueLabel: 'count',
 *   rows: ['cat', 'dog'], columns: ['cat', 'dog'], values: [[40, 2], [5, 53]] })
 */
export function matrix(
  spec: Omit<MatrixSpec, 'title' | 'rowTitle' | 'columnTitle' | 'valueLabel'> &
    Partial<Pick<MatrixSpec, 'title' | 'rowTitle' | 'columnTitle' | 'valueLabel'>>,
): Matrix {
  if (typeof spec !== 'object' || spec === null)
    fail(
      'gw.matrix',
      'spec',
      'an object { rows, columns, values, ... }',
      describe(spec),
      'Pass a matrix spec',
    )
  const full: MatrixSpec = {
    title: 'Matrix',
    rowTitle: 'row',
    columnTitle: 'column',
    valueLabel: 'value',
    ...spec,
  }
  return new Matrix(full, makeProvenance({ method: 'matrix', parameters: {}, seed: null }))
}
