/**
 * The matrix view's drawing: the heatmap cells on a canvas, the colour bar, and a cell's per-item
 * values as bars. Payload strings go in as text only.
 */
import { formatCell } from '../../../../src/display/matrix-scale'
import { el, svg } from '../dom'
import {
  cellItems,
  colourAtFraction,
  colourOf,
  isLight,
  markAt,
  valueAt,
  type MatrixLayout,
  type MatrixModel,
} from './model'

const rgb = ([r, g, b]: [number, number, number]): string => `rgb(${r}, ${g}, ${b})`

/**
 * Draws the cells in `order` on `canvas` at the device's pixel ratio: colour, then the value and mark
 * where they fit; the selected cell outlined.
 */
export function drawCells(
  canvas: HTMLCanvasElement,
  model: MatrixModel,
  layout: MatrixLayout,
  order: number[],
  selected: { row: number; column: number } | null,
  ratio: number,
): void {
  const { cellWidth: w, cellHeight: h } = layout
  const width = model.columnCount * w
  const height = order.length * h
  canvas.width = Math.ceil(width * ratio)
  canvas.height = Math.ceil(height * ratio)
  canvas.style.width = `${width}px`
  canvas.style.height = `${height}px`
  const g = canvas.getContext('2d')
  if (!g) return
  g.setTransform(ratio, 0, 0, ratio, 0, 0)
  g.fillStyle = '#fff'
  g.fillRect(0, 0, width, height)
  const gap = w > 6 && h > 6 ? 1 : 0
  const marks = w >= 12 && h >= 10
  g.font = `${Math.min(12, h - 6)}px var(--jp-code-font-family, monospace)`
  g.textAlign = 'center'
  g.textBaseline = 'middle'
  order.forEach((row, position) => {
    for (let column = 0; column < model.columnCount; column++) {
      const value = valueAt(model, row, column)
      const colour = colourOf(model, value, column)
      const [x, y] = [column * w, position * h]
      g.fillStyle = rgb(colour)
      g.fillRect(x, y, w - gap, h - gap)
      const mark = markAt(model, row, column)
      const text = layout.values ? `${formatCell(value)}${mark}` : marks ? mark : ''
      if (text) {
        g.fillStyle = isLight(colour) ? '#222' : '#fff'
        g.fillText(text, x + (w - gap) / 2, y + (h - gap) / 2 + 0.5, w - 4)
      }
    }
  })
  if (selected) {
    const position = order.indexOf(selected.row)
    g.strokeStyle = '#ff3d00'
    g.lineWidth = 2
    g.strokeRect(
      selected.column * w + 1,
      position * h + 1,
      Math.max(2, w - 2 - gap),
      Math.max(2, h - 2 - gap),
    )
  }
}

/** The colour bar: low end, a gradient, high end, and what the values are. */
export function colourBar(document: Document, model: MatrixModel): HTMLElement {
  const root = el(document, 'div', 'gw-matrix-legend')
  const [low, high] = model.range
  const bar = el(document, 'span', 'gw-matrix-legend-bar')
  const stops = Array.from({ length: 11 }, (_, k) => `${rgb(colourAtFraction(model, k / 10))} ${k * 10}%`)
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`
  if (model.payload.colourBy === 'column') {
    const best = model.payload.higherIsBetter?.some((h) => h !== null && h !== undefined)
    root.append(
      el(document, 'span', 'gw-matrix-legend-low', best ? 'worst' : 'low'),
      bar,
      el(document, 'span', 'gw-matrix-legend-high', best ? 'best' : 'high'),
      el(
        document,
        'span',
        'gw-matrix-legend-label',
        `${model.payload.valueLabel}, each column on its own scale`,
      ),
    )
    return root
  }
  root.append(
    el(document, 'span', 'gw-matrix-legend-low', formatCell(low)),
    bar,
    el(document, 'span', 'gw-matrix-legend-high', formatCell(high)),
    el(document, 'span', 'gw-matrix-legend-label', model.payload.valueLabel),
  )
  return root
}

/** At most this many bars in a cell's detail; the rest are counted. */
const MAX_BARS = 60

/**
 * A cell's detail: its words, and its per-item values as horizontal bars (largest first) when the
 * payload has them.
 */
export function cellDetail(
  document: Document,
  model: MatrixModel,
  row: number,
  column: number,
  words: string,
): HTMLElement {
  const root = el(document, 'div', 'gw-matrix-detail')
  root.append(el(document, 'div', 'gw-matrix-detail-title', words))
  const items = cellItems(model, row, column)
  if (!items) return root
  const label = model.payload.perItem!.label
  const shown = items.slice(0, MAX_BARS)
  root.append(
    el(
      document,
      'div',
      'gw-matrix-detail-caption',
      `${label}: ${items.length} value${items.length === 1 ? '' : 's'}${items.length > shown.length ? `, the ${shown.length} largest and smallest drawn` : ''}`,
    ),
  )
  if (items.length > shown.length) shown.splice(MAX_BARS / 2, shown.length, ...items.slice(-MAX_BARS / 2))
  const values = shown.map((i) => i.value)
  const low = Math.min(0, ...values)
  const high = Math.max(0, ...values)
  const span = high - low || 1
  const [nameWidth, barWidth, rowHeight] = [150, 260, 16]
  const chart = svg(document, 'svg', {
    width: nameWidth + barWidth + 70,
    height: shown.length * rowHeight + 4,
    class: 'gw-matrix-bars',
    role: 'img',
  })
  const zero = nameWidth + ((0 - low) / span) * barWidth
  shown.forEach((item, k) => {
    const y = k * rowHeight + 2
    const group = svg(document, 'g', { class: 'gw-matrix-bar' })
    const name = svg(document, 'text', { x: nameWidth - 6, y: y + 11, 'font-size': 11, 'text-anchor': 'end' })
    name.textContent = item.name.length > 24 ? `${item.name.slice(0, 23)}…` : item.name
    const end = nameWidth + ((item.value - low) / span) * barWidth
    const bar = svg(document, 'rect', {
      x: Math.min(zero, end),
      y: y + 2,
      width: Math.max(1, Math.abs(end - zero)),
      height: rowHeight - 5,
      fill: rgb(colourOf(model, item.value, column)),
      stroke: '#666',
      'stroke-width': 0.5,
    })
    const value = svg(document, 'text', { x: nameWidth + barWidth + 6, y: y + 11, 'font-size': 11 })
    value.textContent = formatCell(item.value)
    const title = svg(document, 'title')
    title.textContent = `${item.name}: ${item.value}`
    group.append(name, bar, value, title)
    chart.append(group)
  })
  chart.append(
    svg(document, 'line', { x1: zero, y1: 0, x2: zero, y2: shown.length * rowHeight + 4, stroke: '#888' }),
  )
  root.append(chart)
  return root
}
