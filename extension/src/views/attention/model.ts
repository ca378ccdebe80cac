/**
 * The attention view's pure part: the payload's packed patterns decoded once, a weight by (layer, head,
 * query, key), a query's row and a key's column, max-pooled thumbnails, the pixels of an enlarged
 * pattern, and the heads ranked by a score. Tested without a browser.
 */
import { base64ToBytes, decodeArray } from '../../../../src/display/codec'
import type { AttentionPayload } from '../../../../src/display/schema'

/** What a pattern is: one head's, or the rollout's. */
export type Selection = { kind: 'head'; layer: number; head: number } | { kind: 'rollout' }

/** How weights become colours: on one scale for every head, or each row to its own largest weight. */
export type ColourScale = 'shared' | 'row'

/** A payload's arrays, decoded once. */
export interface AttentionModel {
  payload: AttentionPayload
  tokens: number
  layers: number
  heads: number
  /** The packed uint8 fractions [layers, heads, cells]. */
  bytes: Uint8Array
  /** Cells per pattern: T x T, or T (T + 1) / 2 for the lower layout. */
  cells: number
  /** Each row's largest weight [layers, heads, T]; NaN for a row drawn empty. */
  rowMax: Float32Array
  /** The largest weight of every head (the shared scale's top). */
  top: number
  rollout: Float32Array | null
  rolloutTop: number
  flow: Float32Array | null
}

function finiteMax(values: ArrayLike<number>): number {
  let top = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v > top) top = v
  }
  return top
}

/** Decodes a validated payload. */
export function attentionModel(payload: AttentionPayload): AttentionModel {
  const bytes = base64ToBytes(payload.patterns.data)
  const rowMax = decodeArray(payload.rowMax)
  const rollout = payload.rollout ? decodeArray(payload.rollout.values) : null
  return {
    payload,
    tokens: payload.tokens.length,
    layers: payload.layers,
    heads: payload.heads,
    bytes,
    cells: payload.patterns.shape[2]!,
    rowMax,
    top: finiteMax(rowMax),
    rollout,
    rolloutTop: rollout ? finiteMax(rollout) : 0,
    flow: payload.flow ? decodeArray(payload.flow.values) : null,
  }
}

/** Where row `query` of a pattern starts among its cells, and how many keys it holds. */
function rowSpan(model: AttentionModel, query: number): [start: number, length: number] {
  return model.payload.layout === 'lower'
    ? [(query * (query + 1)) / 2, query + 1]
    : [query * model.tokens, model.tokens]
}

/** One weight of a head (0 above the diagonal of a lower layout, NaN in a row drawn empty). */
export function weightAt(
  model: AttentionModel,
  layer: number,
  head: number,
  query: number,
  key: number,
): number {
  const [start, length] = rowSpan(model, query)
  const pattern = layer * model.heads + head
  const top = model.rowMax[pattern * model.tokens + query]!
  if (key >= length) return Number.isNaN(top) ? NaN : 0
  return (model.bytes[pattern * model.cells + start + key]! / 255) * top
}

/** A weight of the selected pattern. */
export function selectedWeight(
  model: AttentionModel,
  selection: Selection,
  query: number,
  key: number,
): number {
  if (selection.kind === 'rollout') return model.rollout ? model.rollout[query * model.tokens + key]! : NaN
  return weightAt(model, selection.layer, selection.head, query, key)
}

/**
 * What the token view shades: with `direction` 'from', where `position` (as the query) attends; with
 * 'to', how much each query attends to `position` (as the key).
 */
export function tokenWeights(
  model: AttentionModel,
  selection: Selection,
  position: number,
  direction: 'from' | 'to',
): Float32Array {
  const t = model.tokens
  const out = new Float32Array(t)
  for (let k = 0; k < t; k++)
    out[k] =
      direction === 'from'
        ? selectedWeight(model, selection, position, k)
        : selectedWeight(model, selection, k, position)
  return out
}

/** The `count` largest finite entries of `values`, as [position, value], largest first. */
export function strongest(values: Float32Array, count: number): [number, number][] {
  const order: [number, number][] = []
  values.forEach((v, i) => {
    if (Number.isFinite(v)) order.push([i, v])
  })
  return order.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count)
}

/**
 * A pattern max-pooled to `size` x `size` intensities 0..1 (a sharp stripe stays visible): one scale
 * for all heads (`shared`: weight / largest weight of any head) or each row to its own largest.
 * NaN where every pooled row was drawn empty.
 */
export function thumbnail(
  model: AttentionModel,
  selection: Selection,
  size: number,
  scale: ColourScale,
): Float32Array {
  const t = model.tokens
  const out = new Float32Array(size * size).fill(NaN)
  const into = (i: number, j: number, v: number) => {
    const at = Math.floor((i * size) / t) * size + Math.floor((j * size) / t)
    const now = out[at]!
    if (Number.isNaN(now) || v > now) out[at] = v
  }
  if (selection.kind === 'rollout') {
    const values = model.rollout
    if (!values) return out
    for (let i = 0; i < t; i++) {
      const rowTop = scale === 'row' ? finiteMax(values.subarray(i * t, (i + 1) * t)) : model.rolloutTop
      for (let j = 0; j < t; j++) {
        const v = values[i * t + j]!
        if (Number.isFinite(v)) into(i, j, rowTop > 0 ? v / rowTop : 0)
      }
    }
    return out
  }
  const pattern = selection.layer * model.heads + selection.head
  const base = pattern * model.cells
  for (let i = 0; i < t; i++) {
    const top = model.rowMax[pattern * t + i]!
    if (Number.isNaN(top)) continue
    const [start, length] = rowSpan(model, i)
    const factor = scale === 'row' ? 1 / 255 : model.top > 0 ? top / model.top / 255 : 0
    const y = Math.floor((i * size) / t) * size
    for (let j = 0; j < length; j++) {
      const v = model.bytes[base + start + j]! * factor
      const at = y + Math.floor((j * size) / t)
      const now = out[at]!
      if (Number.isNaN(now) || v > now) out[at] = v
    }
    // The masked keys of a lower layout are 0, not empty.
    for (let j = length; j < t; j++) into(i, j, 0)
  }
  return out
}

/** The view's colour for an intensity 0..1: white to dark blue, as the static PNG; NaN light grey. */
export function colourOf(intensity: number): [number, number, number] {
  if (Number.isNaN(intensity)) return [232, 232, 232]
  const v = intensity < 0 ? 0 : intensity > 1 ? 1 : intensity
  return [Math.round(255 - v * 222), Math.round(255 - v * 178), Math.round(255 - v * 75)]
}

/** RGBA pixels (size x size) of intensities, for a canvas's ImageData. */
export function toRgba(intensities: Float32Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(intensities.length * 4)
  for (let i = 0; i < intensities.length; i++) {
    const [r, g, b] = colourOf(intensities[i]!)
    out[i * 4] = r
    out[i * 4 + 1] = g
    out[i * 4 + 2] = b
    out[i * 4 + 3] = 255
  }
  return out
}

/** A head's value of a score (null where undefined). */
export function scoreOf(model: AttentionModel, score: number, layer: number, head: number): number | null {
  return model.payload.scores[score]?.values[layer * model.heads + head] ?? null
}

/** The heads ranked by a score, highest first (heads without a value left out). */
export function rankedHeads(
  model: AttentionModel,
  score: number,
  count: number,
): { layer: number; head: number; value: number }[] {
  const out: { layer: number; head: number; value: number }[] = []
  for (let l = 0; l < model.layers; l++)
    for (let h = 0; h < model.heads; h++) {
      const value = scoreOf(model, score, l, h)
      if (value !== null) out.push({ layer: l, head: h, value })
    }
  // Entropy: low is the notable end.
  const lowFirst = model.payload.scores[score]?.name.includes('entropy') ?? false
  return out.sort((a, b) => (lowFirst ? a.value - b.value : b.value - a.value)).slice(0, count)
}

/** The name of a selection, 'L1H0' or 'rollout'. */
export function selectionName(selection: Selection): string {
  return selection.kind === 'rollout' ? 'rollout' : `L${selection.layer}H${selection.head}`
}
