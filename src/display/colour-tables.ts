/**
 * Colour tables shared by the library's static pictures and the extension's views (dependency-free:
 * the JupyterLab extension bundles it).
 */

/** A 256-entry RGB lookup table (768 bytes). */
export type ColorTable = Uint8Array

/** Linear interpolation through colour stops `[position 0..1, r, g, b]`. */
export function makeTable(stops: [number, number, number, number][]): ColorTable {
  const table = new Uint8Array(256 * 3)
  for (let i = 0; i < 256; i++) {
    const t = i / 255
    let k = 0
    while (k < stops.length - 2 && t > stops[k + 1]![0]) k++
    const [t0, r0, g0, b0] = stops[k]!
    const [t1, r1, g1, b1] = stops[k + 1]!
    const f = t1 === t0 ? 0 : Math.min(1, Math.max(0, (t - t0) / (t1 - t0)))
    table[i * 3] = Math.round(r0 + (r1 - r0) * f)
    table[i * 3 + 1] = Math.round(g0 + (g1 - g0) * f)
    table[i * 3 + 2] = Math.round(b0 + (b1 - b0) * f)
  }
  return table
}

/** Diverging blue (negative) - white - red (positive), like matplotlib's RdBu reversed. */
export const DIVERGING = makeTable([
  [0, 5, 48, 97],
  [0.25, 67, 147, 195],
  [0.5, 247, 247, 247],
  [0.75, 214, 96, 77],
  [1, 103, 0, 31],
])

/** Sequential dark-to-bright for magnitudes, close to matplotlib's inferno. */
export const SEQUENTIAL = makeTable([
  [0, 0, 0, 4],
  [0.25, 87, 16, 110],
  [0.5, 188, 55, 84],
  [0.75, 249, 142, 9],
  [1, 252, 255, 164],
])

/** Viridis, as Plotly's colour scale draws number columns in the point-by-point view. */
export const VIRIDIS = makeTable([
  [0, 68, 1, 84],
  [0.25, 59, 82, 139],
  [0.5, 33, 145, 140],
  [0.75, 94, 201, 98],
  [1, 253, 231, 37],
])

/** The RGB of `t` in 0..1 (clamped) from a table. */
export function colourAt(table: ColorTable, t: number): [number, number, number] {
  const i = 3 * Math.round(255 * Math.min(1, Math.max(0, t)))
  return [table[i]!, table[i + 1]!, table[i + 2]!]
}
