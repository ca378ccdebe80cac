/**
 * The matrix view's pure part: decoded values, colours, the rows' order when sorted by a column, the
 * cell layout and hit-testing, a cell's per-item values. Tested without a browser.
 */
import { decodeArray } from '../../../../src/display/codec'
import { colourAt, DIVERGING, VIRIDIS } from '../../../../src/display/colour-tables'
import {
  colourFraction,
  colourRange,
  columnScales,
  formatCell,
  matrixCSVText,
  type ColumnScales,
} from '../../../../src/display/matrix-scale'
import type { MatrixPayload } from '../../../../src/display/schema'

/** A payload's numbers, decoded once. */
export interface MatrixModel {
  payload: MatrixPayload
  rowCount: number
  columnCount: number
  /** Row-major [rows, columns]; NaN where a cell has no value. */
  values: Float32Array
  /** Row-major [rows, columns, items], or null. */
  perItem: Float32Array | null
  /** The colour scale's ends (of every cell; the legend's). */
  range: [number, number]
  /** Each column's colour scale. */
  scales: ColumnScales
}

/** Decodes a validated payload. */
export function matrixModel(payload: MatrixPayload): MatrixModel {
  const values = decodeArray(payload.values)
  return {
    payload,
    rowCount: payload.rows.length,
    columnCount: payload.columns.length,
    values,
    perItem: payload.perItem ? decodeArray(payload.perItem.values) : null,
    range: colourRange(values, payload.scale, payload.range),
    scales: columnScales(values, payload.columns.length, payload),
  }
}

/** A cell's value (NaN where it has none). */
export function valueAt(model: MatrixModel, row: number, column: number): number {
  return model.values[row * model.columnCount + column]!
}

/** A cell's mark ('' where none). */
export function markAt(model: MatrixModel, row: number, column: number): string {
  return model.payload.marks?.[row]?.[column] ?? ''
}

/** The RGB at a place 0..1 of the model's colour table. */
export function colourAtFraction(model: MatrixModel, t: number): [number, number, number] {
  return colourAt(model.payload.scale === 'diverging' ? DIVERGING : VIRIDIS, t)
}

/**
 * The RGB of a value in a column (light grey where there is no value); without a column, on the
 * scale shared by every cell.
 */
export function colourOf(model: MatrixModel, value: number, column?: number): [number, number, number] {
  if (!Number.isFinite(value)) return [224, 224, 224]
  if (column !== undefined) return colourAtFraction(model, colourFraction(model.scales, column, value))
  const [low, high] = model.range
  return colourAtFraction(model, (value - low) / (high - low))
}

/** Whether dark text reads on this colour (else white). */
export function isLight([r, g, b]: [number, number, number]): boolean {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140
}

/** How rows are ordered: as given, or by one column's values. */
export type RowSort = { column: number; descending: boolean } | null

/**
 * The rows in display order: as given, or by a column's values (cells without a value last, ties in
 * the given order).
 *
 * @example
 * rowOrder(model, { column: 2, descending: true })   // [3, 0, 1, 2]
 */
export function rowOrder(model: MatrixModel, sort: RowSort): number[] {
  const order = Array.from({ length: model.rowCount }, (_, i) => i)
  if (!sort) return order
  const key = (i: number) => valueAt(model, i, sort.column)
  return order.sort((a, b) => {
    const [x, y] = [key(a), key(b)]
    const [fx, fy] = [Number.isFinite(x), Number.isFinite(y)]
    if (!fx || !fy) return fx === fy ? a - b : fx ? -1 : 1
    return x === y ? a - b : sort.descending ? y - x : x - y
  })
}

/** The first sort a click on a column gives: best first where the column says which way is better. */
export function firstSort(model: MatrixModel, column: number): RowSort {
  const higher = model.payload.higherIsBetter?.[column]
  return { column, descending: higher !== false }
}

/** Cell sizes in CSS pixels and which texts fit. */
export interface MatrixLayout {
  cellWidth: number
  cellHeight: number
  /** Values written in the cells. */
  values: boolean
  /** Row names beside each row (too thin rows name themselves on hover only). */
  rowNames: boolean
}

/**
 * Cell sizes for a matrix: wide enough for values when there are few columns, thin (down to 4 px)
 * when there are many; square cells when rows and columns name the same things.
 */
export function layoutOf(rows: number, columns: number, square = false): MatrixLayout {
  let cellWidth = Math.max(4, Math.min(72, Math.floor(720 / columns)))
  // Up to 160 rows keep room for their names (the grid scrolls); more rows get thin bands named on hover.
  let cellHeight =
    rows <= 160 ? Math.max(12, Math.min(26, Math.floor(560 / rows))) : Math.max(3, Math.floor(560 / rows))
  if (square)
    cellWidth = cellHeight = Math.max(4, Math.min(48, Math.floor(560 / rows), Math.floor(720 / columns)))
  return { cellWidth, cellHeight, values: cellWidth >= 44 && cellHeight >= 18, rowNames: cellHeight >= 12 }
}

/** The cell under a point of the grid (x, y in CSS pixels from its top-left), in data indices. */
export function cellAt(
  model: MatrixModel,
  layout: MatrixLayout,
  order: number[],
  x: number,
  y: number,
): { row: number; column: number } | null {
  const column = Math.floor(x / layout.cellWidth)
  const position = Math.floor(y / layout.cellHeight)
  if (x < 0 || y < 0 || column >= model.columnCount || position >= order.length) return null
  return { row: order[position]!, column }
}

/** What a cell says in words: 'row x column: value mark'. */
export function cellText(model: MatrixModel, row: number, column: number): string {
  const value = valueAt(model, row, column)
  const mark = markAt(model, row, column)
  const shown = Number.isNaN(value) ? 'no value' : formatCell(value)
  return `${model.payload.rows[row]} × ${model.payload.columns[column]}: ${shown}${mark ? ` ${mark}` : ''}`
}

/** A cell's per-item values, largest first (items without a finite value left out), or null. */
export function cellItems(
  model: MatrixModel,
  row: number,
  column: number,
): { name: string; value: number }[] | null {
  const perItem = model.payload.perItem
  if (!perItem || !model.perItem) return null
  const n = perItem.items.length
  const at = (row * model.columnCount + column) * n
  const items: { name: string; value: number }[] = []
  for (let k = 0; k < n; k++) {
    const value = model.perItem[at + k]!
    if (Number.isFinite(value)) items.push({ name: perItem.items[k]!, value })
  }
  return items.sort((a, b) => b.value - a.value)
}

/** The matrix as CSV (rows in the given order). */
export function modelCSV(model: MatrixModel): string {
  const p = model.payload
  return matrixCSVText(p.rowTitle, p.rows, p.columns, (i, j) => valueAt(model, i, j))
}
