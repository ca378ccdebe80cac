/** The result of gw.counterfactuals: the original row, the counterfactuals, and the set's quality. */
import { JUPYTER_DISPLAY, escapeHtml, type Displayable, type MimeBundle } from '../display/bundle'
import { encodeArray } from '../display/codec'
import { MIME_TYPES, type CounterfactualPayload, type Provenance } from '../display/schema'
import { textPicture } from '../global/picture'
import { triptychPng } from './triptych'

export interface CounterfactualParts {
  original: number[]
  originalProbability: number
  counterfactuals: number[][]
  probabilities: number[]
  target: number
  /** The target class's name, when the caller named the classes. */
  targetName?: string | null
  probability: number
  featureNames: string[]
  /** Per-feature scale of the distances (MAD, or 1). */
  scale: number[]
  immutable: number[]
  requested: number
  /** One example's shape: [features] for rows, [H, W, C] for images (shown as a triptych). */
  exampleShape: number[]
  /** Why none was found (null when some were). */
  reason: string | null
  seconds: number
  provenance: Provenance
}

/**
 * A set of counterfactuals with its validity (share of the requested count that reach the target),
 * proximity (mean scaled L1 distance to the original), sparsity (mean number of changed features) and
 * diversity (mean scaled L1 distance between counterfactuals).
 *
 * @example
 * cf.counterfactuals[0]   // the first row
 * cf.changed(0)           // ['duration', 'credit_amount']
 */
export class CounterfactualSet implements Displayable {
  readonly original: number[]
  readonly originalProbability: number
  readonly counterfactuals: number[][]
  readonly probabilities: number[]
  readonly target: number
  readonly targetName: string | null
  readonly probability: number
  readonly featureNames: string[]
  readonly scale: number[]
  readonly immutable: number[]
  readonly requested: number
  readonly exampleShape: number[]
  readonly reason: string | null
  readonly seconds: number
  readonly provenance: Provenance

  constructor(parts: CounterfactualParts) {
    this.original = parts.original
    this.originalProbability = parts.originalProbability
    this.counterfactuals = parts.counterfactuals
    this.probabilities = parts.probabilities
    this.target = parts.target
    this.targetName = parts.targetName ?? null
    this.probability = parts.probability
    this.featureNames = parts.featureNames
    this.scale = parts.scale
    this.immutable = parts.immutable
    this.requested = parts.requested
    this.exampleShape = parts.exampleShape
    this.reason = parts.reason
    this.seconds = parts.seconds
    this.provenance = parts.provenance
  }

  private distance(a: number[], b: number[]): number {
    return a.reduce((s, v, j) => s + Math.abs(v - b[j]!) / this.scale[j]!, 0)
  }

  /** Names of the features counterfactual `k` changes. */
  changed(k: number): string[] {
    const row = this.counterfactuals[k] ?? []
    return this.featureNames.filter((_, j) => Math.abs(row[j]! - this.original[j]!) > 1e-9)
  }

  get validity(): number {
    return this.counterfactuals.length / this.requested
  }
  get proximity(): number {
    const d = this.counterfactuals.map((r) => this.distance(r, this.original))
    return d.length ? d.reduce((a, b) => a + b, 0) / d.length : NaN
  }
  get sparsity(): number {
    const n = this.counterfactuals.map((_, k) => this.changed(k).length)
    return n.length ? n.reduce((a, b) => a + b, 0) / n.length : NaN
  }
  get diversity(): number {
    let sum = 0
    let pairs = 0
    for (let a = 0; a < this.counterfactuals.length; a++)
      for (let b = a + 1; b < this.counterfactuals.length; b++) {
        sum += this.distance(this.counterfactuals[a]!, this.counterfactuals[b]!)
        pairs++
      }
    return pairs ? sum / pairs : 0
  }

  /** [original, ...counterfactuals] rows, the target probability last. */
  toArray(): number[][] {
    return [
      [...this.original, this.originalProbability],
      ...this.counterfactuals.map((r, k) => [...r, this.probabilities[k]!]),
    ]
  }

  toCSV(): string {
    const head = ['row', ...this.featureNames, `p(${this.targetLabel})`]
    return [
      head.map((h) => `"${h}"`).join(','),
      ...this.toArray().map((r, k) => [k === 0 ? 'original' : `counterfactual ${k}`, ...r].join(',')),
    ].join('\n')
  }

  private summary(): string {
    if (this.reason) return `No counterfactual found: ${this.reason}.`
    return (
      `${this.counterfactuals.length} of ${this.requested} counterfactuals reach p(${this.targetLabel}) >= ${this.probability} ` +
      `(from ${this.originalProbability.toFixed(3)}): validity ${this.validity.toFixed(2)}, proximity ${this.proximity.toFixed(3)}, ` +
      `sparsity ${this.sparsity.toFixed(1)} features, diversity ${this.diversity.toFixed(3)} (${this.seconds.toFixed(2)} s)`
    )
  }

  toString(): string {
    const lines = [this.summary()]
    const rows = this.counterfactuals.map((r, k) => ({ r, k }))
    const shown = this.featureNames
      .map((name, j) => ({ name, j }))
      .filter(({ j }) => rows.some(({ r }) => Math.abs(r[j]! - this.original[j]!) > 1e-9))
    if (rows.length) {
      lines.push(
        `${'feature'.padEnd(22)}${'original'.padStart(11)}${rows.map(({ k }) => `cf ${k + 1}`.padStart(11)).join('')}`,
      )
      for (const { name, j } of shown)
        lines.push(
          `${name.slice(0, 21).padEnd(22)}${fmt(this.original[j]!).padStart(11)}${rows
            .map(({ r }) =>
              (Math.abs(r[j]! - this.original[j]!) > 1e-9 ? `*${fmt(r[j]!)}` : fmt(r[j]!)).padStart(11),
            )
            .join('')}`,
        )
      lines.push(
        `${'p(target)'.padEnd(22)}${fmt(this.originalProbability).padStart(11)}${this.probabilities.map((p) => fmt(p).padStart(11)).join('')}`,
      )
      if (this.immutable.length)
        lines.push(`immutable: ${this.immutable.map((j) => this.featureNames[j]).join(', ')}; * = changed`)
    }
    return lines.join('\n')
  }

  /** An HTML table, changed cells highlighted. */
  toHTML(): string {
    const head = `<tr><th>feature</th><th>original</th>${this.counterfactuals.map((_, k) => `<th>cf ${k + 1}</th>`).join('')}</tr>`
    const body = this.featureNames
      .map((name, j) => {
        const cells = this.counterfactuals
          .map((r) => {
            const changed = Math.abs(r[j]! - this.original[j]!) > 1e-9
            return `<td${changed ? ' style="background:#fde68a;font-weight:600"' : ''}>${escapeHtml(fmt(r[j]!))}</td>`
          })
          .join('')
        return `<tr><td>${escapeHtml(name)}${this.immutable.includes(j) ? ' (immutable)' : ''}</td><td>${escapeHtml(fmt(this.original[j]!))}</td>${cells}</tr>`
      })
      .join('')
    const foot = `<tr><td>p(${escapeHtml(this.targetLabel)})</td><td>${fmt(this.originalProbability)}</td>${this.probabilities.map((p) => `<td>${fmt(p)}</td>`).join('')}</tr>`
    return `<div><p>${escapeHtml(this.summary())}</p><table>${head}${body}${foot}</table></div>`
  }

  /** Whether the examples are images ([H, W, C]), shown as original / counterfactual / difference. */
  get isImage(): boolean {
    return this.exampleShape.length === 3 && (this.exampleShape[2] === 1 || this.exampleShape[2] === 3)
  }

  /** The target as the text names it: its class name, else 'class k'. */
  private get targetLabel(): string {
    return this.targetName ?? `class ${this.target}`
  }

  /** Base64 PNG of original | counterfactual `k` | difference (images only). */
  triptych(k = 0): string {
    return triptychPng(this.original, this.counterfactuals[k] ?? this.original, this.exampleShape)
  }

  /** The counterfactual view's payload: the arrays, the probabilities and the set's quality. */
  toPayload(): CounterfactualPayload {
    const k = this.counterfactuals.length
    // Tabular rows travel flat (a sequence [steps, features] is shown as its flat features).
    const shape = this.isImage ? [...this.exampleShape] : [this.original.length]
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)
    return {
      version: 1,
      provenance: this.provenance,
      kind: 'counterfactual',
      modality: this.isImage ? 'image' : 'tabular',
      featureNames: this.isImage ? [] : [...this.featureNames],
      original: encodeArray(this.original, shape, 'float32'),
      counterfactuals: encodeArray(this.counterfactuals.flat(), [k, ...shape], 'float32'),
      target: this.target,
      targetName: this.targetName,
      threshold: this.probability,
      originalProbability: this.originalProbability,
      probabilities: [...this.probabilities],
      immutable: [...this.immutable],
      requested: this.requested,
      validity: this.validity,
      proximity: finite(this.proximity),
      sparsity: finite(this.sparsity),
      diversity: k > 1 ? finite(this.diversity) : null, // no pair to measure
      reason: this.reason,
      seconds: this.seconds,
    }
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const payload = { [MIME_TYPES.counterfactual]: this.toPayload() }
    if (this.isImage) {
      const summary =
        this.summary() +
        (this.counterfactuals.length ? ` ${this.changed(0).length} pixels changed in the first.` : '')
      const png = this.triptych(0)
      return {
        ...payload,
        'text/plain': summary,
        'text/html': `<div><p>${escapeHtml(summary)}</p><img alt="original | counterfactual | difference" src="data:image/png;base64,${png}"/></div>`,
        'image/png': png,
      }
    }
    const text = this.toString()
    return {
      ...payload,
      'text/plain': text,
      'text/html': this.toHTML(),
      'image/png': textPicture(text.split('\n'), 160),
    }
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3)
}
