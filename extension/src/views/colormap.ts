/**
 * Colour maps and attribution-to-pixels conversion for saliency overlays: pure functions of arrays,
 * tested without a browser.
 */
import type { SaliencyMode } from '../../../src/display/schema'

import { DIVERGING, SEQUENTIAL } from '../../../src/display/colour-tables'

export {
  DIVERGING,
  SEQUENTIAL,
  VIRIDIS,
  makeTable,
  type ColorTable,
} from '../../../src/display/colour-tables'

/**
 * The `percentile` (0..100) of |values| by selection on a copy: the value at which colours saturate.
 *
 * @example
 * percentileOfMagnitude(new Float32Array([1, -2, 3, -4]), 50) // 2
 */
export function percentileOfMagnitude(values: Float32Array, percentile: number): number {
  if (values.length === 0) return 0
  const magnitudes = Float32Array.from(values, Math.abs).sort()
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil((percentile / 100) * values.length) - 1))
  return magnitudes[rank]!
}

/** What each attribution becomes for a display mode: signed in -1..1, or a magnitude in 0..1. */
export function modeValue(value: number, mode: SaliencyMode, scale: number): number {
  const v = scale > 0 ? value / scale : 0
  const clipped = v > 1 ? 1 : v < -1 ? -1 : v
  if (mode === 'signed') return clipped
  if (mode === 'absolute') return Math.abs(clipped)
  if (mode === 'positive') return clipped > 0 ? clipped : 0
  return clipped < 0 ? -clipped : 0
}

/**
 * The hues of signed overlays: one bright colour per sign, its strength carried by alpha alone. The
 * diverging table's dark ends (right for bars on white) vanish over dark inputs such as MNIST's black
 * background, exactly where attributions are strongest.
 */
export const OVERLAY_POSITIVE: readonly [number, number, number] = [255, 48, 32]
export const OVERLAY_NEGATIVE: readonly [number, number, number] = [32, 132, 255]

/**
 * RGBA pixels of an attribution map: alpha from the magnitude, so that near-zero attributions leave the
 * input visible; signed mode colours by sign (see `OVERLAY_POSITIVE`), every other mode by magnitude
 * through the sequential table.
 *
 * @example
 * const rgba = attributionToRgba(values, { mode: 'signed', clipPercentile: 99 })
 */
export function attributionToRgba(
  values: Float32Array,
  options: { mode: SaliencyMode; clipPercentile: number },
): Uint8ClampedArray {
  const scale = percentileOfMagnitude(values, options.clipPercentile)
  const signed = options.mode === 'signed'
  const out = new Uint8ClampedArray(values.length * 4)
  for (let i = 0; i < values.length; i++) {
    const v = modeValue(values[i]!, options.mode, scale)
    if (signed) {
      const [r, g, b] = v < 0 ? OVERLAY_NEGATIVE : OVERLAY_POSITIVE
      out[i * 4] = r
      out[i * 4 + 1] = g
      out[i * 4 + 2] = b
    } else {
      const index = Math.round(v * 255) * 3
      out[i * 4] = SEQUENTIAL[index]!
      out[i * 4 + 1] = SEQUENTIAL[index + 1]!
      out[i * 4 + 2] = SEQUENTIAL[index + 2]!
    }
    out[i * 4 + 3] = Math.round(Math.min(1, Math.abs(v) * 1.5) * 255)
  }
  return out
}

/** A CSS colour for a signed value scaled to -1..1 (token highlighting, bars). */
export function signedCss(v: number): string {
  const clipped = Math.max(-1, Math.min(1, v))
  const i = Math.round((clipped + 1) * 127.5) * 3
  return `rgb(${DIVERGING[i]}, ${DIVERGING[i + 1]}, ${DIVERGING[i + 2]})`
}
