/** The embedding view's pure logic: colour columns, traces per category, thumbnails by point. */
import { decodeArray } from '../../../src/display/codec'
import { categoryColour } from '../../../src/display/palette'
import type { EmbeddingPayload } from '../../../src/display/schema'

/** A colouring: named groups of points (categories) or one group with a numeric colour per point. */
export type Coloring =
  | { type: 'category'; groups: { name: string; color: string; indices: Int32Array }[] }
  | { type: 'number'; name: string; values: Float32Array; indices: Int32Array }

/** The columns the view offers to colour by, with 'correctness' when a label and a prediction exist. */
export function colorOptions(payload: EmbeddingPayload): string[] {
  const names = payload.columns.map((c) => c.name)
  const roles = new Set(payload.columns.map((c) => c.role))
  if (roles.has('label') && roles.has('prediction') && !names.includes('correctness'))
    names.push('correctness')
  return names
}

/** The column to colour by first. */
export function defaultColor(payload: EmbeddingPayload): string {
  const options = colorOptions(payload)
  if (payload.colorBy && options.includes(payload.colorBy)) return payload.colorBy
  return payload.columns.find((c) => c.role === 'label')?.name ?? options[0] ?? ''
}

function groupByCode(codes: Float32Array, names: string[]): Coloring {
  const counts = new Int32Array(names.length + 1)
  for (const code of codes) counts[code >= 0 && code < names.length ? code : names.length]!++
  const groups = [...names, 'missing'].map((name, k) => ({
    name,
    color: k < names.length ? categoryColour(k) : '#cccccc',
    indices: new Int32Array(counts[k]!),
  }))
  const fill = new Int32Array(groups.length)
  codes.forEach((code, i) => {
    const k = code >= 0 && code < names.length ? code : names.length
    groups[k]!.indices[fill[k]!++] = i
  })
  return { type: 'category', groups: groups.filter((g) => g.indices.length > 0) }
}

/**
 * Groups points for a colour column: one group per category, or one numeric group.
 *
 * @example
 * colorBy(payload, 'label')   // { type: 'category', groups: [{ name: '0', indices }, ...] }
 */
export function colorBy(payload: EmbeddingPayload, name: string): Coloring {
  const n = payload.coordinates.shape[0]!
  if (name === 'correctness' && !payload.columns.some((c) => c.name === name)) {
    const label = decodeArray(payload.columns.find((c) => c.role === 'label')!.values)
    const prediction = decodeArray(payload.columns.find((c) => c.role === 'prediction')!.values)
    return groupByCode(
      label.map((l, i) => (l === prediction[i] ? 0 : 1)),
      ['correct', 'wrong'],
    )
  }
  const column = payload.columns.find((c) => c.name === name)
  if (!column)
    return {
      type: 'category',
      groups: [
        { name: 'all', color: categoryColour(0), indices: Int32Array.from({ length: n }, (_, i) => i) },
      ],
    }
  const values = decodeArray(column.values)
  if (column.type === 'category') return groupByCode(values, column.categories)
  return { type: 'number', name, values, indices: Int32Array.from({ length: n }, (_, i) => i) }
}

/** Coordinates by axis: `axes[d][i]` is point i's d-th coordinate. */
export function axesOf(payload: EmbeddingPayload): Float32Array[] {
  const flat = decodeArray(payload.coordinates)
  const [n, d] = payload.coordinates.shape as [number, number]
  return Array.from({ length: d }, (_, axis) => {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = flat[i * d + axis]!
    return out
  })
}

/** Which thumbnail slot each point has (-1 for none). */
export function thumbnailSlots(payload: EmbeddingPayload): Int32Array {
  const n = payload.coordinates.shape[0]!
  const slots = new Int32Array(n).fill(-1)
  const thumbnails = payload.thumbnails
  if (!thumbnails) return slots
  const m = thumbnails.images.shape[0]!
  const points = thumbnails.points ? decodeArray(thumbnails.points) : null
  for (let k = 0; k < m; k++) {
    const point = points ? points[k]! : k
    if (point >= 0 && point < n) slots[point] = k
  }
  return slots
}

/**
 * An axis range that fits the data: its finite values' extent with 5 % padding on each side (±1 around
 * a single value). Set on the plot at every draw, so that a live run's last frame is framed by its own
 * points, not by the wider early frames Plotly would otherwise keep.
 *
 * @example
 * axisRange(Float32Array.of(-2, 0, 8))   // [-2.5, 8.5]
 */
export function axisRange(values: Float32Array): [number, number] | null {
  let low = Infinity
  let high = -Infinity
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    if (v < low) low = v
    if (v > high) high = v
  }
  if (low > high) return null
  const pad = high > low ? 0.05 * (high - low) : 1
  return [low - pad, high + pad]
}

/**
 * The selection gallery: up to `limit` selected points, those with a thumbnail first (in index order),
 * and a title that says how many are selected and, where some have no picture, how many.
 *
 * @example
 * galleryOf([3, 700], slots, 64).title   // '2 selected · 1 without a picture (the payload has 256 thumbnails)'
 */
export function galleryOf(
  points: readonly number[],
  slots: Int32Array,
  limit: number,
): { shown: number[]; title: string } {
  const pictured = points.filter((p) => (slots[p] ?? -1) >= 0)
  const bare = points.filter((p) => (slots[p] ?? -1) < 0)
  const shown = [...pictured, ...bare].slice(0, limit)
  let title = `${points.length} selected`
  if (points.length > limit) title += ` (${limit} shown)`
  if (bare.length > 0) {
    const total = slots.reduce((sum, slot) => sum + (slot >= 0 ? 1 : 0), 0)
    title += ` · ${bare.length} without a picture (the payload has ${total.toLocaleString('en')} thumbnails)`
  }
  return { shown, title }
}
