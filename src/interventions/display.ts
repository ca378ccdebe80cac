/**
 * How intervention results display: as the shared matrix view (rows x columns heatmap, hover for a
 * value, sort by a column, click a cell for its per-example values), with the result's summary above it.
 */
import type { MimeBundle } from '../display/bundle'
import { matrixBundle as sharedMatrixBundle, matrixText, type MatrixSpec } from '../display/matrix'
import type { Provenance } from '../display/schema'

/** The matrix an intervention result shows (the shared matrix view's spec). */
export type InterventionMatrix = MatrixSpec

/** A display bundle for `matrix`: the matrix view with `summary` above it, and the summary and table as text. */
export function matrixBundle(
  matrix: InterventionMatrix,
  provenance: Provenance,
  summary: string,
): MimeBundle {
  const signed = matrix.values.some((row) => row.some((v) => v < 0))
  const spec: MatrixSpec = {
    ...matrix,
    scale: matrix.scale ?? (signed ? 'diverging' : 'sequential'),
    // The summary's lines, less those the view shows already (title, caption).
    notes: summary.split('\n').filter((line) => line !== matrix.title && line !== matrix.caption),
  }
  return sharedMatrixBundle(spec, provenance, `${summary}\n\n${matrixText(spec)}`)
}
