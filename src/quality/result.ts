/** Results of `gw.evaluate`: per-example scores, and the methods x metrics table of a comparison. */
import { JUPYTER_DISPLAY, escapeHtml, type MimeBundle } from '../display/bundle'
import { matrixBundle, type MatrixSpec } from '../display/matrix'
import type { Provenance } from '../display/schema'
import { METRICS, type MetricName, type Preset } from './metrics'

export interface EvaluationData {
  method: string
  title: string
  metrics: MetricName[]
  /** Per metric, one value per attribution row. */
  values: Record<string, number[]>
  /** Per curve metric (deletion, insertion, pixel flipping, regions), the curve of each row. */
  curves: Record<string, number[][]>
  targets: number[]
  exampleOf: number[]
  preset: Preset
  provenance: Provenance
}

const fmt = (v: number): string =>
  Number.isNaN(v)
    ? 'NaN'
    : Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3)
      ? v.toExponential(3)
      : v.toFixed(4)

/** The mean over finite values (NaN when none). */
export function finiteMean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite)
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length
}

function csvCell(value: string | number): string {
  const text = String(value)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The scores of one attribution: a value per metric per row, the curves, and the settings used
 * (in `provenance.parameters.settings`).
 *
 * @example
 * const q = await gw.evaluate(model, a, { metrics: ['deletion'] })
 * q.values('deletion')  // one AUC per example
 * q.toCSV()
 */
export class Evaluation {
  constructor(readonly data: EvaluationData) {}
  get metrics(): MetricName[] {
    return this.data.metrics
  }
  get provenance(): Provenance {
    return this.data.provenance
  }
  /** One value per explained row. */
  values(metric: MetricName): number[] {
    return this.data.values[metric] ?? []
  }
  /** The mean over rows (NaN rows, e.g. an empty mask, left out). */
  mean(metric: MetricName): number {
    return finiteMean(this.values(metric))
  }
  /** Rows x metrics, in `metrics` order. */
  toArray(): number[][] {
    return this.data.targets.map((_, r) => this.data.metrics.map((m) => this.data.values[m]![r]!))
  }
  toCSV(): string {
    const header = ['example', 'target', ...this.data.metrics].join(',')
    const lines = this.toArray().map((row, r) =>
      [this.data.exampleOf[r], this.data.targets[r], ...row].map((v) => csvCell(v as number)).join(','),
    )
    return [header, ...lines].join('\n') + '\n'
  }
  toString(): string {
    const lines = [
      `Evaluation of ${this.data.title} (${this.data.method}), preset '${this.data.preset}', ${this.data.targets.length} rows`,
      ...this.data.metrics.map(
        (m) =>
          `  ${METRICS[m].title.padEnd(26)} ${fmt(this.mean(m)).padStart(10)}  (${METRICS[m].higherIsBetter ? 'higher' : 'lower'} is better)`,
      ),
    ]
    return lines.join('\n')
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    const head = `<tr><th>example</th><th>target</th>${this.data.metrics.map((m) => `<th>${escapeHtml(METRICS[m].title)}</th>`).join('')}</tr>`
    const body = this.toArray()
      .map(
        (row, r) =>
          `<tr><td>${this.data.exampleOf[r]}</td><td>${this.data.targets[r]}</td>${row.map((v) => `<td>${fmt(v)}</td>`).join('')}</tr>`,
      )
      .join('')
    const mean = `<tr><th colspan="2">mean</th>${this.data.metrics.map((m) => `<th>${fmt(this.mean(m))}</th>`).join('')}</tr>`
    return {
      'text/plain': this.toString(),
      'text/html': `<div class="gw-evaluation"><p>${escapeHtml(this.toString().split('\n')[0]!)}</p><table>${head}${body}${mean}</table></div>`,
    }
  }
}

/** Ranks per column (1 = best given the metric's direction; NaN values unranked, ties share the lower rank). */
export function rankColumns(values: number[][], metrics: readonly MetricName[]): number[][] {
  const ranks = values.map((row) => row.map(() => Number.NaN))
  metrics.forEach((metric, c) => {
    const sign = METRICS[metric].higherIsBetter ? -1 : 1
    const column = values.map((row, r) => ({ r, v: row[c]! })).filter((x) => Number.isFinite(x.v))
    column.sort((a, b) => sign * (a.v - b.v))
    column.forEach((x, i) => {
      const first = column.findIndex((y) => y.v === x.v)
      ranks[x.r]![c] = (first < 0 ? i : first) + 1
    })
  })
  return ranks
}

/**
 * Methods x metrics: the mean of each metric per method, their ranks, and a random attribution's
 * values as the noise floor (a method no better than it on a metric is marked).
 *
 * @example
 * const table = await gw.evaluate(model, await gw.compare(model, images, ['saliency', 'integrated-gradients']))
 * table.toCSV()
 */
export class QualityTable {
  readonly methods: string[]
  readonly metrics: MetricName[]
  /** Methods x metrics means (the random floor not included). */
  readonly means: number[][]
  readonly ranks: number[][]
  readonly floor: number[]
  constructor(
    readonly evaluations: readonly Evaluation[],
    readonly noiseFloor: Evaluation,
  ) {
    this.methods = evaluations.map((e) => e.data.method)
    this.metrics = evaluations[0]?.metrics ?? []
    this.means = evaluations.map((e) => this.metrics.map((m) => e.mean(m)))
    this.ranks = rankColumns(this.means, this.metrics)
    this.floor = this.metrics.map((m) => noiseFloor.mean(m))
  }
  get provenance(): Provenance {
    return this.noiseFloor.data.provenance
  }
  /** Whether a method does better than the random floor on a metric. */
  beatsFloor(method: string, metric: MetricName): boolean {
    const r = this.methods.indexOf(method)
    const c = this.metrics.indexOf(metric)
    const v = this.means[r]?.[c] ?? Number.NaN
    return METRICS[metric].higherIsBetter ? v > this.floor[c]! : v < this.floor[c]!
  }
  /**
   * The table as the shared matrix view's spec (src/display/matrix.ts): methods and the random floor as
   * rows, metrics as columns, '~' marking a method no better than the floor, per-example values on click.
   */
  toMatrixSpec(): MatrixSpec {
    const items = this.noiseFloor.data.exampleOf.map(
      (e, r) => `example ${e} (class ${this.noiseFloor.data.targets[r]})`,
    )
    const all = [...this.evaluations, this.noiseFloor]
    return {
      title: `Explanation quality (preset '${this.evaluations[0]?.data.preset}')`,
      rowTitle: 'method',
      columnTitle: 'metric',
      valueLabel: 'mean over examples',
      rows: [...this.methods, 'random (noise floor)'],
      columns: this.metrics.map(
        (m) => `${METRICS[m].title} (${METRICS[m].higherIsBetter ? 'higher' : 'lower'} is better)`,
      ),
      values: this.toArray(),
      scale: 'sequential',
      colourBy: 'column',
      higherIsBetter: [...this.metrics.map((m) => METRICS[m].higherIsBetter)],
      marks: [
        ...this.methods.map((method) =>
          this.metrics.map((metric) => (this.beatsFloor(method, metric) ? '' : '~')),
        ),
        this.metrics.map(() => ''),
      ],
      perItem: { label: 'per example', items, values: all.map((e) => this.metrics.map((m) => e.values(m))) },
      caption: "Ranks per metric in the text and CSV; '~' = not better than a random attribution.",
    }
  }
  /** Means, rows = methods then 'random', columns = metrics. */
  toArray(): number[][] {
    return [...this.means, this.floor]
  }
  toCSV(): string {
    const header = ['method', ...this.metrics, ...this.metrics.map((m) => `${m} rank`)].join(',')
    const lines = this.means.map((row, r) =>
      [this.methods[r]!, ...row, ...this.ranks[r]!].map(csvCell).join(','),
    )
    lines.push(['random (noise floor)', ...this.floor, ...this.metrics.map(() => '')].map(csvCell).join(','))
    return [header, ...lines].join('\n') + '\n'
  }
  toString(): string {
    const width = Math.max(22, ...this.methods.map((m) => m.length + 2))
    const header = 'method'.padEnd(width) + this.metrics.map((m) => m.slice(0, 14).padStart(16)).join('')
    const lines = this.means.map(
      (row, r) =>
        this.methods[r]!.padEnd(width) +
        row
          .map((v, c) =>
            `${fmt(v)} #${this.ranks[r]![c]}${this.beatsFloor(this.methods[r]!, this.metrics[c]!) ? '' : '~'}`.padStart(
              16,
            ),
          )
          .join(''),
    )
    lines.push('random (noise floor)'.padEnd(width) + this.floor.map((v) => fmt(v).padStart(16)).join(''))
    return [
      `Explanation quality, preset '${this.evaluations[0]?.data.preset}' (#rank; ~ = not better than random)`,
      header,
      ...lines,
    ].join('\n')
  }
  [JUPYTER_DISPLAY](): MimeBundle {
    const head = `<tr><th>method</th>${this.metrics.map((m) => `<th title="${METRICS[m].higherIsBetter ? 'higher' : 'lower'} is better">${escapeHtml(METRICS[m].title)}</th>`).join('')}</tr>`
    const body = this.means
      .map(
        (row, r) =>
          `<tr><td>${escapeHtml(this.methods[r]!)}</td>${row.map((v, c) => `<td>${fmt(v)} <small>#${this.ranks[r]![c]}${this.beatsFloor(this.methods[r]!, this.metrics[c]!) ? '' : ' ~'}</small></td>`).join('')}</tr>`,
      )
      .join('')
    const floor = `<tr><td><em>random (noise floor)</em></td>${this.floor.map((v) => `<td><em>${fmt(v)}</em></td>`).join('')}</tr>`
    const text = this.toString()
    return {
      ...matrixBundle(this.toMatrixSpec(), this.provenance, text),
      'text/html': `<table class="gw-quality-table">${head}${body}${floor}</table>`,
    }
  }
}
