/**
 * How intervention results display: as the shared matrix view (rows x columns heatmap, click a cell for
 * its per-example values) once src/display/matrix.ts is there; a text table and its picture otherwise.
 */
import type { MimeBundle } from '../display/bundle'
import type { Provenance } from '../display/schema'
import { textPicture } from '../global/picture'

/** The matrix contract (src/display/matrix.ts MatrixSpec). */
export interface InterventionMatrix {
  title: string
  rowTitle: string
  columnTitle: string
  valueLabel: string
  rows: string[]
  columns: string[]
  values: number[][]
  scale?: 'sequential' | 'diverging'
  range?: [number, number]
  marks?: string[][]
  perItem?: { label: string; items: string[]; values: number[][][] }
  caption?: string
}

/** A display bundle for `matrix`: text/plain `summary`, and a picture of the table. */
export function matrixBundle(
  matrix: InterventionMatrix,
  provenance: Provenance,
  summary: string,
): MimeBundle {
  void provenance
  const width = Math.min(12, matrix.columns.length)
  const cell = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-').padStart(8)
  const lines = [
    summary,
    '',
    `${matrix.rowTitle.padEnd(18)}${matrix.columns
      .slice(0, width)
      .map((c) => c.slice(0, 8).padStart(8))
      .join('')}`,
    ...matrix.values.map(
      (row, r) => `${matrix.rows[r]!.slice(0, 17).padEnd(18)}${row.slice(0, width).map(cell).join('')}`,
    ),
  ]
  return { 'text/plain': lines.join('\n'), 'image/png': textPicture(lines, 160) }
}
