/**
 * The matrix view's static picture (image/png, for exports, GitHub and front ends without the
 * extension): the heatmap with its row and column names, values in the cells where they fit, and a
 * colour bar with its ends.
 */
import { colourAt, DIVERGING, VIRIDIS } from './colour-tables'
import type { MatrixSpec } from './matrix'
import { colourFraction, colourRange, columnScales, formatCell as format } from './matrix-scale'
import { encodePng } from './png'
import { ADVANCE, LINE_HEIGHT, drawText, fitText, type RgbaImage } from './text-raster'

const SCALE = 2
const CHAR = ADVANCE * SCALE
const LINE = LINE_HEIGHT * SCALE
const PAD = 12
/** The widest and tallest picture drawn; a larger matrix gets thinner cells without names. */
const MAX_BODY = 1200

function fill(image: RgbaImage, x: number, y: number, w: number, h: number, rgb: readonly number[]): void {
  for (let yy = Math.max(0, y); yy < Math.min(image.height, y + h); yy++)
    for (let xx = Math.max(0, x); xx < Math.min(image.width, x + w); xx++) {
      const at = (yy * image.width + xx) * 4
      image.rgba[at] = rgb[0]!
      image.rgba[at + 1] = rgb[1]!
      image.rgba[at + 2] = rgb[2]!
      image.rgba[at + 3] = 255
    }
}

const light = (rgb: readonly number[]): boolean => 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]! > 140

/** The heatmap of a spec as a base64 PNG. */
export function matrixPicture(spec: MatrixSpec): string {
  const [r, c] = [spec.rows.length, spec.columns.length]
  const table = spec.scale === 'diverging' ? DIVERGING : VIRIDIS
  const scale = spec.scale ?? 'sequential'
  const [low, high] = colourRange(spec.values.flat(), scale, spec.range)
  const scales = columnScales(spec.values.flat(), c, { ...spec, scale })
  const cellText = spec.values.map((row, i) =>
    row.map((v, j) => (Number.isNaN(v) ? '' : `${format(v)}${spec.marks?.[i]?.[j] ?? ''}`)),
  )
  const valueChars = Math.max(3, ...cellText.flat().map((s) => s.length))
  const fullWidth = valueChars * CHAR + 8
  const withValues = c * fullWidth <= MAX_BODY && r * (LINE + 8) <= MAX_BODY
  const cellW = withValues ? fullWidth : Math.max(1, Math.min(48, Math.floor(MAX_BODY / c)))
  const cellH = withValues ? LINE + 8 : Math.max(1, Math.min(28, Math.floor(MAX_BODY / r)))
  const rowNames = cellH >= LINE
  const columnNames = cellW >= 3 * CHAR
  const labelWidth = rowNames ? Math.min(24, Math.max(...spec.rows.map((s) => s.length))) * CHAR + 8 : 0
  const headerHeight = columnNames ? 2 * LINE + 6 : 0
  const bodyLeft = PAD + labelWidth
  const bodyTop = PAD + LINE + 6 + (spec.caption ? LINE : 0) + headerHeight
  const width = Math.max(bodyLeft + c * cellW + PAD, 40 * CHAR)
  const height = bodyTop + r * cellH + 10 + LINE + 10 + LINE + PAD
  const image: RgbaImage = { rgba: new Uint8Array(width * height * 4).fill(255), width, height }
  drawText(image, PAD, PAD, fitText(spec.title, width - 2 * PAD, SCALE), {
    scale: SCALE,
    colour: [20, 60, 140],
  })
  if (spec.caption)
    drawText(image, PAD, PAD + LINE + 4, fitText(spec.caption, width - 2 * PAD, SCALE), {
      scale: SCALE,
      colour: [90, 90, 90],
    })
  if (columnNames)
    spec.columns.forEach((name, j) => {
      const chars = Math.floor((cellW - 4) / CHAR)
      const first = name.slice(0, chars)
      const second = fitText(name.slice(chars), cellW - 4, SCALE)
      drawText(image, bodyLeft + j * cellW + 2, bodyTop - headerHeight, first, { scale: SCALE })
      if (second)
        drawText(image, bodyLeft + j * cellW + 2, bodyTop - headerHeight + LINE, second, { scale: SCALE })
    })
  spec.values.forEach((row, i) => {
    const y = bodyTop + i * cellH
    if (rowNames)
      drawText(image, PAD, y + (cellH - LINE) / 2 + 2, fitText(spec.rows[i]!, labelWidth - 8, SCALE), {
        scale: SCALE,
      })
    row.forEach((v, j) => {
      const x = bodyLeft + j * cellW
      const rgb = Number.isNaN(v) ? [224, 224, 224] : colourAt(table, colourFraction(scales, j, v))
      fill(image, x, y, cellW - (cellW > 3 ? 1 : 0), cellH - (cellH > 3 ? 1 : 0), rgb)
      if (withValues && cellText[i]![j])
        drawText(image, x + 4, y + 5, cellText[i]![j]!, {
          scale: SCALE,
          colour: light(rgb) ? [20, 20, 20] : [255, 255, 255],
        })
    })
  })
  // The colour bar: low end, the colours, high end, and what the values are.
  const barTop = bodyTop + r * cellH + 10
  const lowText = format(low)
  const barLeft = PAD + lowText.length * CHAR + 8
  const barWidth = Math.min(240, width - barLeft - 2 * PAD - 10 * CHAR)
  drawText(image, PAD, barTop + 2, lowText, { scale: SCALE })
  for (let k = 0; k < Math.max(barWidth, 1); k++)
    fill(image, barLeft + k, barTop, 1, LINE, colourAt(table, k / Math.max(1, barWidth - 1)))
  drawText(image, barLeft + barWidth + 8, barTop + 2, format(high), { scale: SCALE })
  drawText(image, PAD, barTop + LINE + 10, fitText(spec.valueLabel, width - 2 * PAD, SCALE), {
    scale: SCALE,
    colour: [90, 90, 90],
  })
  return encodePng(image.rgba, width, height)
}
