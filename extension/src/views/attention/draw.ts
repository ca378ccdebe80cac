/**
 * The attention view's drawing: patterns onto canvases (thumbnails max-pooled, the enlarged one at one
 * canvas pixel per weight), the cross-hair over the enlarged pattern, and token shading.
 */
import { colourOf, thumbnail, toRgba, type AttentionModel, type ColourScale, type Selection } from './model'

/** Thumbnails are at most this many pooled cells a side. */
export const THUMBNAIL_CELLS = 64
/** The enlarged pattern's side on the page, at most. */
export const ENLARGED_SIDE = 512

/** Draws a pattern's pooled intensities onto `canvas` (its pixel size is the pooled size). */
export function drawPattern(
  canvas: HTMLCanvasElement,
  model: AttentionModel,
  selection: Selection,
  size: number,
  scale: ColourScale,
): void {
  canvas.width = size
  canvas.height = size
  const g = canvas.getContext('2d')
  if (!g) return
  const pixels = toRgba(thumbnail(model, selection, size, scale))
  g.putImageData(new ImageData(pixels, size, size), 0, 0)
}

/** The side on the page of the enlarged pattern of `tokens` tokens: whole pixels per weight up to 512. */
export function enlargedSide(tokens: number): number {
  if (tokens >= ENLARGED_SIDE) return ENLARGED_SIDE
  return tokens * Math.max(1, Math.floor(384 / tokens))
}

/**
 * The cross-hair over the enlarged pattern: the query's row and the key's column outlined (either may
 * be null), drawn on a transparent overlay so the pattern itself is not redrawn.
 */
export function drawCrossHair(
  overlay: HTMLCanvasElement,
  tokens: number,
  query: number | null,
  key: number | null,
  ratio: number,
): void {
  const side = enlargedSide(tokens)
  overlay.width = Math.ceil(side * ratio)
  overlay.height = Math.ceil(side * ratio)
  const g = overlay.getContext('2d')
  if (!g) return
  g.setTransform(ratio, 0, 0, ratio, 0, 0)
  g.clearRect(0, 0, side, side)
  const cell = side / tokens
  g.strokeStyle = '#ff3d00'
  g.lineWidth = 1
  if (query !== null) g.strokeRect(0.5, query * cell + 0.5, side - 1, Math.max(1, cell - 1))
  if (key !== null) g.strokeRect(key * cell + 0.5, 0.5, Math.max(1, cell - 1), side - 1)
}

/** Colours each token's background by its value relative to the largest (none for NaN or 0). */
export function shadeTokens(spans: readonly HTMLElement[], values: Float32Array | null): void {
  let top = 0
  if (values) for (const v of values) if (v > top) top = v
  spans.forEach((span, k) => {
    const v = values?.[k]
    if (v === undefined || !(v > 0) || top <= 0) {
      span.style.backgroundColor = ''
      span.style.color = ''
      return
    }
    const intensity = v / top
    const [r, g, b] = colourOf(intensity)
    span.style.backgroundColor = `rgb(${r}, ${g}, ${b})`
    span.style.color = intensity > 0.6 ? '#fff' : ''
  })
}
