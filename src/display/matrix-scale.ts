/**
 * The matrix view's number formatting and colour-scale ends, shared by the static picture, the text
 * table and the extension's view (dependency-free: the JupyterLab extension bundles it).
 */

/** A number in 3 significant digits, exponent form when tiny or huge, '' for NaN. */
export function formatCell(value: number): string {
  if (Number.isNaN(value)) return ''
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  if (value === 0) return '0'
  const size = Math.abs(value)
  if (size >= 1e5 || size < 1e-3) return value.toExponential(2)
  return String(Number(value.toPrecision(3)))
}

/**
 * The values at the two ends of the colour scale: `range` when given, else the finite values' extent
 * (symmetric about 0 for a diverging scale; widened by 0.5 each way when every value is the same).
 *
 * @example
 * colourRange([0.2, -0.5, NaN], 'diverging')   // [-0.5, 0.5]
 */
export function colourRange(
  values: Iterable<number>,
  scale: 'sequential' | 'diverging',
  range?: [number, number] | null,
): [number, number] {
  if (range) return range
  let low = Infinity
  let high = -Infinity
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < low) low = v
      if (v > high) high = v
    }
  if (low > high) return [0, 1]
  if (scale === 'diverging') {
    const size = Math.max(Math.abs(low), Math.abs(high)) || 1
    return [-size, size]
  }
  return low === high ? [low - 0.5, high + 0.5] : [low, high]
}

function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isNaN(value) ? '' : String(value)) : value
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * A matrix as CSV: a header (the rows' title, then the column names) and one line per row; an empty
 * field where a cell has no value. `value(i, j)` gives row i, column j.
 *
 * @example
 * matrixCSVText('layer', ['a'], ['x', 'y'], (i, j) => [[1, NaN]][i][j])   // 'layer,x,y\na,1,\n'
 */
export function matrixCSVText(
  rowTitle: string,
  rows: readonly string[],
  columns: readonly string[],
  value: (row: number, column: number) => number,
): string {
  const lines = [[rowTitle, ...columns].map(csvCell).join(',')]
  rows.forEach((name, i) => lines.push([name, ...columns.map((_, j) => value(i, j))].map(csvCell).join(',')))
  return lines.join('\n') + '\n'
}

/** Where each column's values sit on the colour table: its ends, and whether low is the bright end. */
export interface ColumnScales {
  ranges: [number, number][]
  flipped: boolean[]
}

/**
 * The colour scale of each column: one shared range (colourBy 'all'), or each column's own extent
 * ('column', brightest = best where `higherIsBetter` is false for a column: its low end is flipped).
 * `values` is row-major [rows, columns].
 */
export function columnScales(
  values: ArrayLike<number>,
  columns: number,
  options: {
    scale: 'sequential' | 'diverging'
    range?: [number, number] | null
    colourBy?: 'all' | 'column' | null
    higherIsBetter?: (boolean | null)[] | null
  },
): ColumnScales {
  const rows = columns > 0 ? Math.floor(values.length / columns) : 0
  if (options.colourBy !== 'column') {
    const all = colourRange(Array.from(values), options.scale, options.range)
    return {
      ranges: Array.from({ length: columns }, () => all),
      flipped: new Array<boolean>(columns).fill(false),
    }
  }
  const ranges = Array.from({ length: columns }, (_, j) => {
    const column = Array.from({ length: rows }, (_, i) => values[i * columns + j]!)
    return colourRange(column, options.scale, null)
  })
  return { ranges, flipped: ranges.map((_, j) => options.higherIsBetter?.[j] === false) }
}

/** A value's place, 0..1, on its column's colour scale. */
export function colourFraction(scales: ColumnScales, column: number, value: number): number {
  const [low, high] = scales.ranges[column]!
  const t = Math.min(1, Math.max(0, (value - low) / (high - low)))
  return scales.flipped[column] ? 1 - t : t
}
