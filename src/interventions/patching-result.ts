/** The result of gw.patch / gw.trace: a layers x columns grid of a patching metric, per example too. */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import type { Provenance } from '../display/schema'
import { matrixBundle, type InterventionMatrix } from './display'
import type { PatchMetric } from './metrics'

const METRIC_LABELS: Record<PatchMetric, string> = {
  'logit-diff': 'logit difference (target - foil)',
  recovery: 'normalised recovery (patched - corrupt) / (clean - corrupt)',
  probability: 'probability of the target',
  kl: 'KL(clean || patched)',
}

export interface PatchingParts {
  rows: string[]
  columns: string[]
  metric: PatchMetric
  method: 'patch' | 'attribution'
  /** The shown values: real patching, or the attribution estimate. */
  values: number[][]
  /** Really patched values (NaN where not patched: attribution cells not confirmed). */
  patched: number[][]
  /** rows x columns x examples of the really patched metric ([] where not patched). */
  perItem: number[][][]
  confirmed: { row: number; col: number }[]
  examples: number
  passes: number
  seconds: number
  provenance: Provenance
}

/**
 * Activation-patching results: `values[layer][column]`, the mean metric over the examples.
 *
 * @example
 * const sweep = gw.patch(model, { clean, corrupt }, { layers: ['conv2d_1'] })
 * sweep.best()        // { layer: 'conv2d_1', column: '(3, 4)', value: 0.62 }
 * sweep.toCSV()
 */
export class PatchingResult implements Displayable {
  readonly rows: string[]
  readonly columns: string[]
  readonly metric: PatchMetric
  readonly method: 'patch' | 'attribution'
  readonly values: number[][]
  readonly patched: number[][]
  readonly perItem: number[][][]
  readonly confirmed: { row: number; col: number }[]
  readonly examples: number
  /** Batched forward passes of the model's tail that real patching took. */
  readonly passes: number
  readonly seconds: number
  readonly provenance: Provenance

  constructor(parts: PatchingParts) {
    this.rows = parts.rows
    this.columns = parts.columns
    this.metric = parts.metric
    this.method = parts.method
    this.values = parts.values
    this.patched = parts.patched
    this.perItem = parts.perItem
    this.confirmed = parts.confirmed
    this.examples = parts.examples
    this.passes = parts.passes
    this.seconds = parts.seconds
    this.provenance = parts.provenance
  }

  /** The cell with the largest value (the largest |value| for logit differences' changes). */
  best(): { layer: string; column: string; value: number } {
    let best = { layer: this.rows[0]!, column: this.columns[0]!, value: -Infinity }
    this.values.forEach((row, r) =>
      row.forEach((value, c) => {
        if (value > best.value) best = { layer: this.rows[r]!, column: this.columns[c]!, value }
      }),
    )
    return best
  }

  /** rows x columns. */
  toArray(): number[][] {
    return this.values.map((row) => [...row])
  }

  toCSV(): string {
    const lines = ['layer,column,value,patched']
    this.values.forEach((row, r) =>
      row.forEach((value, c) =>
        lines.push(`${this.rows[r]},"${this.columns[c]}",${value},${this.patched[r]![c]}`),
      ),
    )
    return lines.join('\n')
  }

  /** The grid as the shared matrix view draws it. */
  toMatrix(): InterventionMatrix {
    const method = this.method === 'patch' ? 'Activation patching' : 'Attribution patching'
    return {
      title: `${method}: ${METRIC_LABELS[this.metric]}`,
      rowTitle: 'layer',
      columnTitle: 'patched part',
      valueLabel: this.metric,
      rows: this.rows,
      columns: this.columns,
      values: this.values,
      marks: this.values.map((row, r) =>
        row.map((_, c) => (this.confirmed.some((k) => k.row === r && k.col === c) ? '*' : '')),
      ),
      perItem: {
        label: this.method === 'patch' ? this.metric : `${this.metric} (really patched)`,
        items: Array.from({ length: this.examples }, (_, i) => `pair ${i}`),
        // Cells not really patched (attribution patching's unconfirmed ones) have no per-pair values.
        values: this.perItem.map((row) =>
          row.map((items) => (items.length ? items : new Array<number>(this.examples).fill(NaN))),
        ),
      },
      caption:
        `${this.examples} pairs, ${this.passes} batched passes, ${this.seconds.toFixed(2)} s` +
        (this.confirmed.length ? `; * = confirmed by real patching` : ''),
    }
  }

  toString(): string {
    const m = this.toMatrix()
    const best = this.best()
    return `${m.title}\n${this.rows.length} layers x ${this.columns.length} ${m.columnTitle}s; best ${best.layer} ${best.column}: ${best.value.toFixed(3)}\n${m.caption}`
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return matrixBundle(this.toMatrix(), this.provenance, this.toString())
  }
}
