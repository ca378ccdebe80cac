/**
 * The density picture of an embedding too large to draw point by point: each pixel's colour is the
 * mean colour of the points under it, its opacity grows with their count (log scale), so clusters
 * and their classes stay visible at millions of points. Pure: arrays in, RGBA out.
 */
import type { Coloring } from '../embedding-model'
import { VIRIDIS } from '../colormap'

/** A colour code per point and the RGB of each code (3 bytes a code). */
export interface PointColours {
  codes: Uint16Array
  palette: Uint8Array
}

/** Plotly's colour for a number that is not finite ('#444'), so both views agree. */
const NOT_FINITE_RGB = [68, 68, 68]

const rgbOf = (hex: string): number[] => {
  const value = parseInt(hex.replace('#', '').slice(0, 6), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

/**
 * Colour codes from a colouring: a code per category group, or 256 steps of Viridis for a number
 * column (code 256: not finite).
 *
 * @example
 * pointColours(colorBy(payload, 'label'), n)   // { codes: Uint16Array(n), palette: 3 bytes per group }
 */
export function pointColours(coloring: Coloring, n: number): PointColours {
  const codes = new Uint16Array(n)
  if (coloring.type === 'category') {
    const palette = new Uint8Array(coloring.groups.length * 3)
    coloring.groups.forEach((group, k) => {
      palette.set(rgbOf(group.color), k * 3)
      for (const i of group.indices) codes[i] = k
    })
    return { codes, palette }
  }
  let [lo, hi] = [Infinity, -Infinity]
  for (const v of coloring.values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  const span = hi > lo ? hi - lo : 1
  const palette = new Uint8Array(257 * 3)
  palette.set(VIRIDIS)
  palette.set(NOT_FINITE_RGB, 256 * 3)
  coloring.indices.forEach((point, k) => {
    const v = coloring.values[k]!
    codes[point] = Number.isFinite(v) ? Math.round(((v - lo) / span) * 255) : 256
  })
  return { codes, palette }
}

/** The data range drawn: x0..x1 left to right, y0..y1 bottom to top. */
export interface ViewBox {
  x0: number
  x1: number
  y0: number
  y1: number
}

/**
 * RGBA pixels (width x height) of the points inside `box`: mean colour, opacity 0.35..1 by log count.
 *
 * @example
 * const rgba = densityImage(xs, ys, box, 600, 400, pointColours(coloring, xs.length))
 */
export function densityImage(
  x: Float32Array,
  y: Float32Array,
  box: ViewBox,
  width: number,
  height: number,
  colours: PointColours,
): Uint8ClampedArray {
  const pixels = width * height
  const counts = new Uint32Array(pixels)
  const sums = new Float32Array(pixels * 3)
  const sx = width / (box.x1 - box.x0)
  const sy = height / (box.y1 - box.y0)
  const { codes, palette } = colours
  for (let i = 0; i < x.length; i++) {
    const col = Math.floor((x[i]! - box.x0) * sx)
    const row = Math.floor((box.y1 - y[i]!) * sy)
    // NaN fails both comparisons: points that are not finite fall out here.
    if (!(col >= 0 && col < width && row >= 0 && row < height)) continue
    const p = row * width + col
    const c = codes[i]! * 3
    counts[p]!++
    sums[p * 3]! += palette[c]!
    sums[p * 3 + 1]! += palette[c + 1]!
    sums[p * 3 + 2]! += palette[c + 2]!
  }
  let max = 1
  for (let p = 0; p < pixels; p++) if (counts[p]! > max) max = counts[p]!
  const out = new Uint8ClampedArray(pixels * 4)
  const scale = 1 / Math.log1p(max)
  for (let p = 0; p < pixels; p++) {
    const count = counts[p]!
    if (count === 0) continue
    out[p * 4] = sums[p * 3]! / count
    out[p * 4 + 1] = sums[p * 3 + 1]! / count
    out[p * 4 + 2] = sums[p * 3 + 2]! / count
    out[p * 4 + 3] = 255 * (0.35 + 0.65 * Math.log1p(count) * scale)
  }
  return out
}

/**
 * About `count` round tick values between lo and hi (steps of 1, 2 or 5 times a power of ten).
 *
 * @example
 * ticks(-3.2, 7.9, 5)   // [-2, 0, 2, 4, 6]
 */
export function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count)
  if (!(raw > 0) || !Number.isFinite(raw)) return []
  const power = 10 ** Math.floor(Math.log10(raw))
  // The step of 1, 2, 5 or 10 x 10^k whose number of ticks is nearest to `count`.
  const steps = [1, 2, 5, 10].map((f) => f * power)
  const off = (s: number): number => Math.abs((hi - lo) / s - count)
  const step = steps.reduce((best, s) => (off(s) < off(best) ? s : best))
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Number(v.toPrecision(12)))
  return out
}
