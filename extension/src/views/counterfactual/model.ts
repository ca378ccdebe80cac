/**
 * The counterfactual view's pure part: decoded arrays, which features (pixels) each counterfactual
 * changes, the rows the table shows, the words of a hovered cell or pixel, and the three pictures of
 * an image counterfactual (original, counterfactual, difference) as RGBA. Tested without a browser.
 */
import { decodeArray } from '../../../../src/display/codec'
import type { CounterfactualPayload } from '../../../../src/display/schema'
import { formatNumber } from '../dom'

/** A change smaller than this is no change (as the library's sparsity counts). */
const CHANGED = 1e-9

/** A payload's arrays, decoded once. */
export interface CounterfactualModel {
  payload: CounterfactualPayload
  /** Values per example: features, or height x width x channels. */
  size: number
  /** How many counterfactuals there are. */
  count: number
  original: Float32Array
  /** Row-major [count, size]. */
  counterfactuals: Float32Array
  immutable: Set<number>
}

/** Decodes a validated payload. */
export function counterfactualModel(payload: CounterfactualPayload): CounterfactualModel {
  const original = decodeArray(payload.original)
  return {
    payload,
    size: original.length,
    count: payload.counterfactuals.shape[0] ?? 0,
    original,
    counterfactuals: decodeArray(payload.counterfactuals),
    immutable: new Set(payload.immutable),
  }
}

/** Value `j` of counterfactual `k`, or of the original when `k` is -1. */
export function valueAt(model: CounterfactualModel, k: number, j: number): number {
  return k < 0 ? model.original[j]! : model.counterfactuals[k * model.size + j]!
}

/** Whether counterfactual `k` changes value `j`. */
export function isChanged(model: CounterfactualModel, k: number, j: number): boolean {
  return Math.abs(valueAt(model, k, j) - model.original[j]!) > CHANGED
}

/** The features (values) counterfactual `k` changes. */
export function changedOf(model: CounterfactualModel, k: number): number[] {
  const changed: number[] = []
  for (let j = 0; j < model.size; j++) if (isChanged(model, k, j)) changed.push(j)
  return changed
}

/**
 * The features the table shows, in order: every one, or only those some counterfactual changes
 * (all of them again where none changes any, so that the table is never empty).
 */
export function shownFeatures(model: CounterfactualModel, onlyChanged: boolean): number[] {
  const all = Array.from({ length: model.size }, (_, j) => j)
  if (!onlyChanged) return all
  const changed = all.filter((j) =>
    Array.from({ length: model.count }, (_, k) => k).some((k) => isChanged(model, k, j)),
  )
  return changed.length ? changed : all
}

/** What the target is called: its name, else 'class k'. */
export function targetLabel(payload: CounterfactualPayload): string {
  return payload.targetName ?? `class ${payload.target}`
}

/** The headline: how many reach the target from where. */
export function headline(model: CounterfactualModel): string {
  const p = model.payload
  const reach = `p(${targetLabel(p)}) ≥ ${formatNumber(p.threshold)}`
  if (model.count === 0)
    return `No counterfactual reaches ${reach} (from ${p.originalProbability.toFixed(3)})`
  return `${model.count} of ${p.requested} counterfactual${p.requested === 1 ? '' : 's'} reach ${reach} (from ${p.originalProbability.toFixed(3)})`
}

/** The set's quality as [name, value, what it means] triples. */
export function metrics(model: CounterfactualModel): [string, string, string][] {
  const p = model.payload
  const unit = p.modality === 'image' ? 'pixels' : 'features'
  const shown = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits))
  return [
    ['validity', p.validity.toFixed(2), 'share of the requested counterfactuals that reach the target'],
    ['proximity', shown(p.proximity, 3), 'mean scaled L1 distance to the original (lower is closer)'],
    [
      'sparsity',
      p.sparsity === null ? 'n/a' : `${p.sparsity.toFixed(1)} ${unit}`,
      `mean number of changed ${unit}`,
    ],
    ['diversity', shown(p.diversity, 3), 'mean scaled L1 distance between the counterfactuals'],
    ['time', `${p.seconds.toFixed(2)} s`, 'wall time of the search'],
  ]
}

/** A hovered table cell in words: 'credit_amount: 0.254 → -0.731 (-0.985)', or why it did not change. */
export function cellText(model: CounterfactualModel, k: number, j: number): string {
  const name = model.payload.featureNames[j] ?? `feature ${j}`
  const before = valueAt(model, -1, j)
  if (k < 0)
    return `${name}: ${formatNumber(before)} in the original${model.immutable.has(j) ? ' (immutable)' : ''}`
  const after = valueAt(model, k, j)
  if (!isChanged(model, k, j))
    return `${name}: ${formatNumber(before)}, unchanged in counterfactual ${k + 1}${model.immutable.has(j) ? ' (immutable)' : ''}`
  const delta = after - before
  return `${name}: ${formatNumber(before)} → ${formatNumber(after)} (${delta > 0 ? '+' : ''}${formatNumber(delta)}) in counterfactual ${k + 1}`
}

/** The prediction cell of counterfactual `k` (or of the original, -1): its probability and its change. */
export function predictionText(model: CounterfactualModel, k: number): string {
  const p = model.payload
  if (k < 0) return p.originalProbability.toFixed(3)
  const after = p.probabilities[k]!
  const delta = after - p.originalProbability
  return `${after.toFixed(3)} (${delta >= 0 ? '+' : ''}${delta.toFixed(3)})`
}

/** Whether counterfactual `k` reaches the threshold. */
export function isValid(model: CounterfactualModel, k: number): boolean {
  return model.payload.probabilities[k]! >= model.payload.threshold - 1e-4
}

/** The table as CSV: a header of 'feature,original,counterfactual 1,...', one line per feature. */
export function tableCSV(model: CounterfactualModel): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`
  const ks = Array.from({ length: model.count }, (_, k) => k)
  const lines = [['feature', 'original', ...ks.map((k) => `counterfactual ${k + 1}`)].join(',')]
  for (let j = 0; j < model.size; j++)
    lines.push(
      [
        quote(model.payload.featureNames[j] ?? `feature ${j}`),
        ...[-1, ...ks].map((k) => valueAt(model, k, j)),
      ].join(','),
    )
  lines.push(
    [
      quote(`p(${targetLabel(model.payload)})`),
      model.payload.originalProbability,
      ...model.payload.probabilities,
    ].join(','),
  )
  return `${lines.join('\n')}\n`
}

// ---------------------------------------------------------------------------------------------------
// Images

/** Height, width and channels of an image payload. */
export function imageShape(model: CounterfactualModel): [number, number, number] {
  const [height, width, channels] = model.payload.original.shape as [number, number, number]
  return [height, width, channels]
}

/** The pixels counterfactual `k` changes (a pixel changes when any of its channels does). */
export function changedPixels(model: CounterfactualModel, k: number): number {
  const [height, width, channels] = imageShape(model)
  let count = 0
  for (let p = 0; p < height * width; p++)
    for (let c = 0; c < channels; c++)
      if (isChanged(model, k, p * channels + c)) {
        count++
        break
      }
  return count
}

/** The three pictures of counterfactual `k` as RGBA at the image's own size. */
export interface Triptych {
  original: Uint8ClampedArray
  counterfactual: Uint8ClampedArray
  /** White where nothing changed; red where the edit brightens, blue where it darkens (every changed pixel visibly tinted). */
  difference: Uint8ClampedArray
  changed: number
}

/**
 * The original, counterfactual `k` and their difference, on one grey (or colour) scale spanning the
 * values of both; in the difference, a changed pixel is never paler than a quarter of the full tint, so
 * that every changed pixel can be seen and counted.
 */
export function triptych(model: CounterfactualModel, k: number): Triptych {
  const [height, width, channels] = imageShape(model)
  const n = height * width
  let low = Infinity
  let high = -Infinity
  let largest = 0
  for (let i = 0; i < model.size; i++) {
    const [a, b] = [model.original[i]!, valueAt(model, k, i)]
    low = Math.min(low, a, b)
    high = Math.max(high, a, b)
    largest = Math.max(largest, Math.abs(b - a))
  }
  const span = high - low || 1
  const out = { original: new Uint8ClampedArray(n * 4), counterfactual: new Uint8ClampedArray(n * 4) }
  const difference = new Uint8ClampedArray(n * 4)
  let changed = 0
  for (let p = 0; p < n; p++) {
    let change = 0
    let moved = false
    for (const [key, row] of [
      ['original', -1],
      ['counterfactual', k],
    ] as const)
      for (let c = 0; c < 3; c++) {
        const v = valueAt(model, row, p * channels + (channels === 3 ? c : 0))
        out[key][p * 4 + c] = Math.round((255 * (v - low)) / span)
        out[key][p * 4 + 3] = 255
      }
    for (let c = 0; c < channels; c++) {
      change += valueAt(model, k, p * channels + c) - model.original[p * channels + c]!
      moved ||= isChanged(model, k, p * channels + c)
    }
    const t = moved ? Math.max(0.25, Math.min(1, Math.abs(change / channels) / (largest || 1))) : 0
    const fade = Math.round(255 * (1 - t))
    difference.set(change > 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], p * 4)
    if (!moved) difference.set([255, 255, 255, 255], p * 4)
    if (moved) changed++
  }
  return { ...out, difference, changed }
}

/** A hovered pixel in words: 'pixel (row 5, column 12): 0 → 0.734'. */
export function pixelText(model: CounterfactualModel, k: number, row: number, column: number): string {
  const [, width, channels] = imageShape(model)
  const at = (row * width + column) * channels
  const values = (which: number) =>
    Array.from({ length: channels }, (_, c) => formatNumber(valueAt(model, which, at + c))).join(', ')
  const moved = Array.from({ length: channels }, (_, c) => isChanged(model, k, at + c)).some(Boolean)
  const where = `pixel (row ${row}, column ${column})`
  return moved ? `${where}: ${values(-1)} → ${values(k)}` : `${where}: ${values(-1)}, unchanged`
}
