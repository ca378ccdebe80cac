/**
 * The static pictures of an embedding: a scatter plot drawn to RGBA pixels (for `image/png`) and a
 * Plotly figure (for `application/vnd.plotly.v1+json`). Both colour points by category; drawing is kept
 * apart from the computation (which never sees colours).
 */
import { encodePng } from '../display/png'
import { categoryColour } from '../display/palette'
import { drawText, fitText, textWidth, type RgbaImage } from '../display/text-raster'

/** What a scatter plot draws: 2-D points, and optionally a category per point with its names. */
export interface ScatterData {
  coordinates: Float32Array
  /** Category code per point (-1 or absent: grey). */
  categories?: Int32Array | null
  categoryNames?: readonly string[] | null
  title: string
}

/** Height of the title strip above the plot. */
const TITLE_HEIGHT = 18
/** Width of the legend at the right, where there are category names: swatch, name and count. */
const LEGEND_WIDTH = 150
/** One legend row: a 9-pixel swatch beside one line of text. */
const LEGEND_ROW = 14
const TEXT: [number, number, number] = [33, 33, 33]
const MUTED: [number, number, number] = [110, 110, 110]

/**
 * A PNG (base64) scatter plot: a title line (the title and the number of points), the square plot with
 * points as small discs, and where categories have names a legend at the right, each colour beside
 * its class name and how many points it has, so a reader without the extension can tell them apart.
 *
 * @example
 * const png = scatterPng({ coordinates, categories: labels, categoryNames: ['0', '1'], title: 't-SNE' })
 */
export function scatterPng(data: ScatterData, size = 480): string {
  const legend = data.categoryNames ? LEGEND_WIDTH : 0
  const image = { width: size + legend, height: size + TITLE_HEIGHT, rgba: new Uint8Array(0) }
  image.rgba = new Uint8Array(image.width * image.height * 4).fill(255)
  const { rgba, width, height } = image
  const n = data.coordinates.length / 2
  const { low, high } = bounds(data.coordinates)
  const margin = 12
  const scale = (size - 2 * margin) / Math.max(high[0] - low[0], high[1] - low[1], 1e-12)
  const radius = n > 20_000 ? 1 : n > 2000 ? 1.5 : 2.5
  for (let i = 0; i < n; i++) {
    const x = margin + (data.coordinates[2 * i]! - low[0]) * scale
    // Screen y grows downwards; data y upwards.
    const y = TITLE_HEIGHT + size - margin - (data.coordinates[2 * i + 1]! - low[1]) * scale
    const code = data.categories?.[i] ?? -1
    disc(rgba, width, height, x, y, radius, rgb(code >= 0 ? categoryColour(code) : '#9e9e9e'))
  }
  const points = `${n.toLocaleString('en')} point${n === 1 ? '' : 's'}`
  const title = data.title ? `${data.title} · ${points}` : points
  drawText(image, 6, 5, fitText(title, width - 12), { colour: TEXT })
  if (data.categoryNames) drawLegend(image, size, data.categoryNames, data.categories ?? null)
  return encodePng(rgba, width, height)
}

/** The legend: a swatch per category, its name cut to fit and its count; '+k more' past the room. */
function drawLegend(
  image: RgbaImage,
  left: number,
  names: readonly string[],
  categories: Int32Array | null,
): void {
  const counts = new Map<number, number>()
  if (categories) for (const code of categories) counts.set(code, (counts.get(code) ?? 0) + 1)
  const room = Math.floor((image.height - TITLE_HEIGHT - 8) / LEGEND_ROW)
  const shown = names.length > room ? room - 1 : names.length
  const textLeft = left + 24
  const textRoom = image.width - textLeft - 4
  for (let code = 0; code < shown; code++) {
    const top = TITLE_HEIGHT + 6 + code * LEGEND_ROW
    const colour = rgb(categoryColour(code))
    for (let dy = 0; dy < 9; dy++)
      for (let dx = 0; dx < 9; dx++)
        setPixel(image.rgba, image.width, image.height, left + 10 + dx, top + dy, colour, 1)
    const count = categories ? ` (${(counts.get(code) ?? 0).toLocaleString('en')})` : ''
    const name = fitText(names[code]!, textRoom - textWidth(count))
    const end = drawText(image, textLeft, top + 1, name, { colour: TEXT })
    drawText(image, end, top + 1, count, { colour: MUTED })
  }
  if (shown < names.length) {
    const top = TITLE_HEIGHT + 6 + shown * LEGEND_ROW
    drawText(image, textLeft, top + 1, `+${names.length - shown} more`, { colour: MUTED })
  }
}

/**
 * A Plotly figure: one WebGL scatter trace per category (so the legend toggles classes), hover text
 * naming each point's index and category.
 *
 * @example
 * const figure = plotlyFigure({ coordinates, categories: labels, categoryNames, title: 'PCA' })
 */
export function plotlyFigure(data: ScatterData): { data: unknown[]; layout: Record<string, unknown> } {
  const n = data.coordinates.length / 2
  const groups = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const code = data.categories?.[i] ?? -1
    if (!groups.has(code)) groups.set(code, [])
    groups.get(code)!.push(i)
  }
  const round = (v: number): number => Math.round(v * 1000) / 1000
  const traces = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([code, members]) => {
      const name = code >= 0 ? (data.categoryNames?.[code] ?? String(code)) : 'points'
      return {
        type: n > 5000 ? 'scattergl' : 'scatter',
        mode: 'markers',
        name,
        x: members.map((i) => round(data.coordinates[2 * i]!)),
        y: members.map((i) => round(data.coordinates[2 * i + 1]!)),
        text: members.map((i) => `#${i} ${name}`),
        hoverinfo: 'text',
        marker: { size: n > 2000 ? 3 : 6, color: code >= 0 ? categoryColour(code) : '#9e9e9e' },
      }
    })
  return {
    data: traces,
    layout: {
      title: { text: data.title },
      xaxis: { zeroline: false, showticklabels: false },
      yaxis: { zeroline: false, showticklabels: false, scaleanchor: 'x' },
      legend: { itemsizing: 'constant' },
      margin: { l: 20, r: 20, t: 40, b: 20 },
      width: 600,
      height: 520,
    },
  }
}

function bounds(coordinates: Float32Array): { low: [number, number]; high: [number, number] } {
  const low: [number, number] = [Infinity, Infinity]
  const high: [number, number] = [-Infinity, -Infinity]
  for (let i = 0; i < coordinates.length; i++) {
    const axis = i & 1
    low[axis] = Math.min(low[axis], coordinates[i]!)
    high[axis] = Math.max(high[axis], coordinates[i]!)
  }
  return { low, high }
}

function rgb(hex: string): [number, number, number] {
  const value = parseInt(hex.slice(1), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

function disc(
  rgba: Uint8Array,
  width: number,
  height: number,
  cx: number,
  cy: number,
  radius: number,
  colour: [number, number, number],
): void {
  const r = Math.ceil(radius)
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const distance = Math.hypot(dx, dy)
      if (distance > radius + 0.5) continue
      // Soft edge and some transparency, so dense clusters read as dense.
      const alpha = Math.min(1, radius + 0.5 - distance) * 0.75
      setPixel(rgba, width, height, Math.round(cx) + dx, Math.round(cy) + dy, colour, alpha)
    }
  }
}

function setPixel(
  rgba: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  colour: [number, number, number],
  alpha: number,
): void {
  if (x < 0 || y < 0 || x >= width || y >= height) return
  const at = (y * width + x) * 4
  for (let c = 0; c < 3; c++) rgba[at + c] = Math.round(rgba[at + c]! * (1 - alpha) + colour[c]! * alpha)
}
