/** The result of gw.ablate: overall and per-class accuracy change and target-logit change per unit or pathway. */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import type { Provenance } from '../display/schema'
import { matrixBundle, type InterventionMatrix } from './display'

/** What gw.ablate.flip returns. */
export interface FlipSearch {
  layer: string
  target: number
  /** The units, in the order the greedy search added them. */
  units: number[]
  /** The class's accuracy on its correctly predicted examples with all of them ablated. */
  accuracy: number
  flipped: boolean
  examples: number
  history: { unit: number; accuracy: number }[]
}

export interface AblationParts {
  rows: string[]
  classNames: string[]
  mode: string
  baselineAccuracy: number
  baselineClassAccuracy: number[]
  accuracyChange: number[]
  classChange: number[][]
  targetLogitChange: number[]
  flagged: string[]
  examples: number
  seconds: number
  provenance: Provenance
}

/**
 * An ablation study: per ablated unit or pathway (rows), the change of overall accuracy, of each class's
 * accuracy (columns) and of the true class's logit. Negative: the ablation hurts.
 *
 * @example
 * study.accuracyChange[3]       // -0.004
 * study.classChange[3][7]       // -0.21: unit 3 matters for class 7
 * study.flagged                 // ['unit 3']
 */
export class AblationStudy implements Displayable {
  readonly rows: string[]
  readonly classNames: string[]
  readonly mode: string
  readonly baselineAccuracy: number
  readonly baselineClassAccuracy: number[]
  readonly accuracyChange: number[]
  readonly classChange: number[][]
  readonly targetLogitChange: number[]
  readonly flagged: string[]
  readonly examples: number
  readonly seconds: number
  readonly provenance: Provenance

  constructor(parts: AblationParts) {
    this.rows = parts.rows
    this.classNames = parts.classNames
    this.mode = parts.mode
    this.baselineAccuracy = parts.baselineAccuracy
    this.baselineClassAccuracy = parts.baselineClassAccuracy
    this.accuracyChange = parts.accuracyChange
    this.classChange = parts.classChange
    this.targetLogitChange = parts.targetLogitChange
    this.flagged = parts.flagged
    this.examples = parts.examples
    this.seconds = parts.seconds
    this.provenance = parts.provenance
  }

  /** The row of `name` (a unit label such as 'unit 3', or a pathway's name). */
  get(
    name: string,
  ):
    | { accuracy: number; accuracyChange: number; classChange: number[]; targetLogitChange: number }
    | undefined {
    const r = this.rows.indexOf(name)
    if (r < 0) return undefined
    return {
      accuracy: this.baselineAccuracy + this.accuracyChange[r]!,
      accuracyChange: this.accuracyChange[r]!,
      classChange: this.classChange[r]!,
      targetLogitChange: this.targetLogitChange[r]!,
    }
  }

  /** rows x [overall change, class changes..., target logit change]. */
  toArray(): number[][] {
    return this.rows.map((_, r) => [
      this.accuracyChange[r]!,
      ...this.classChange[r]!,
      this.targetLogitChange[r]!,
    ])
  }

  toCSV(): string {
    const head = [
      'ablated',
      'accuracyChange',
      ...this.classNames.map((c) => `class ${c}`),
      'targetLogitChange',
      'flagged',
    ]
    return [
      head.map((h) => `"${h}"`).join(','),
      ...this.rows.map((row, r) =>
        [
          `"${row}"`,
          this.accuracyChange[r],
          ...this.classChange[r]!,
          this.targetLogitChange[r],
          this.flagged.includes(row),
        ].join(','),
      ),
    ].join('\n')
  }

  /** The units x classes matrix of per-class accuracy change, an 'overall' column first. */
  toMatrix(): InterventionMatrix {
    return {
      title: `Ablation (${this.mode}): accuracy change per class`,
      rowTitle: 'ablated',
      columnTitle: 'class',
      valueLabel: 'accuracy change',
      rows: this.rows,
      columns: ['overall', ...this.classNames],
      values: this.rows.map((_, r) => [this.accuracyChange[r]!, ...this.classChange[r]!]),
      scale: 'diverging',
      marks: this.rows.map((row) => [
        this.flagged.includes(row) ? '*' : '',
        ...this.classNames.map(() => ''),
      ]),
      caption:
        `${this.examples} examples, baseline accuracy ${(100 * this.baselineAccuracy).toFixed(1)}%` +
        (this.flagged.length
          ? `; * = small overall but large per-class change: ${this.flagged.join(', ')}`
          : ''),
    }
  }

  toString(): string {
    const worst = this.rows
      .map((row, r) => ({ row, d: this.accuracyChange[r]! }))
      .sort((a, b) => a.d - b.d)[0]
    return (
      `Ablation study (${this.mode}) of ${this.rows.length} units/pathways over ${this.examples} examples; ` +
      `baseline accuracy ${(100 * this.baselineAccuracy).toFixed(1)}%` +
      (worst ? `; largest drop: ${worst.row} ${(100 * worst.d).toFixed(1)} points` : '') +
      (this.flagged.length ? `; flagged: ${this.flagged.join(', ')}` : '')
    )
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return matrixBundle(this.toMatrix(), this.provenance, this.toString())
  }
}
