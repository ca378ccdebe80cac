/** Pixels for the features view's PNG fallback: horizontal signed bars, drawn without any font. */
import { encodePng } from '../../display/png'

const BAR_HEIGHT = 12
const GAP = 4
const WIDTH = 320
const POSITIVE = [220, 40, 30]
const NEGATIVE = [30, 90, 220]

/**
 * One horizontal bar per value, top to bottom, around a zero line: red to the right for positive,
 * blue to the left for negative. Returns a base64 PNG.
 *
 * @example
 * barChartPng([0.3, -0.1, 0.05])
 */
export function barChartPng(values: readonly number[]): string {
  const rows = Math.max(1, values.length)
  const height = rows * (BAR_HEIGHT + GAP) + GAP
  const rgba = new Uint8Array(WIDTH * height * 4).fill(255)
  const negative = values.some((v) => v < 0)
  const positive = values.some((v) => v > 0) || !negative
  const zero = negative && positive ? WIDTH / 2 : negative ? WIDTH - 8 : 8
  const reach = Math.max(...values.map(Math.abs), 1e-12)
  const room = negative && positive ? WIDTH / 2 - 8 : WIDTH - 16
  values.forEach((value, row) => {
    if (!Number.isFinite(value)) return
    const length = Math.round((Math.abs(value) / reach) * room)
    const [from, to] = value >= 0 ? [zero, zero + length] : [zero - length, zero]
    const color = value >= 0 ? POSITIVE : NEGATIVE
    const top = GAP + row * (BAR_HEIGHT + GAP)
    for (let y = top; y < top + BAR_HEIGHT; y++)
      for (let x = Math.floor(from); x < Math.ceil(to); x++) paint(rgba, x, y, color)
  })
  for (let y = 0; y < height; y++) paint(rgba, Math.round(zero), y, [90, 90, 90])
  return encodePng(rgba, WIDTH, height)
}

function paint(rgba: Uint8Array, x: number, y: number, color: number[]): void {
  const at = (y * WIDTH + x) * 4
  for (let c = 0; c < 3; c++) rgba[at + c] = color[c]!
}
