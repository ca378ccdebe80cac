/** Static pictures of the global results (the image/png fallback): their text drawn in the pixel font. */
import { encodePng } from '../display/png'
import { ADVANCE, LINE_HEIGHT, drawText, fitText } from '../display/text-raster'

/** Lines of text (the first as a title) as a base64 PNG, at most `maxColumns` characters wide. */
export function textPicture(lines: readonly string[], maxColumns = 110, maxLines = 60): string {
  const shown = lines.slice(0, maxLines)
  const columns = Math.min(maxColumns, Math.max(10, ...shown.map((l) => l.length)))
  const scale = 2
  const width = columns * ADVANCE * scale + 16
  const height = shown.length * LINE_HEIGHT * scale + 16
  const image = { rgba: new Uint8Array(width * height * 4).fill(255), width, height }
  shown.forEach((line, i) => {
    const colour: [number, number, number] = i === 0 ? [20, 60, 140] : [33, 33, 33]
    drawText(image, 8, 8 + i * LINE_HEIGHT * scale, fitText(line, width - 16, scale), { scale, colour })
  })
  return encodePng(image.rgba, width, height)
}
