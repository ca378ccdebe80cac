/**
 * The embedding view above DENSITY_ABOVE points: a density picture on a canvas instead of one WebGL
 * marker per point (Plotly froze a tab for minutes on one pointer move over 4.7 million), with hover
 * and lasso through a grid index, so that a pointer move costs a few cells' points, not all of them.
 * Drag to lasso (the selection goes to the kernel as in the point-by-point view), wheel to zoom,
 * double-click to see everything again. The view says all this above the picture.
 */
import { decodeArray, indicesToMask } from '../../../../src/display/codec'
import type { EmbeddingPayload } from '../../../../src/display/schema'
import { el, formatNumber, select } from '../dom'
import { axesOf, colorBy, colorOptions, defaultColor, type Coloring } from '../embedding-model'
import type { RenderView } from '../view'
import { densityImage, pointColours, ticks, type PointColours, type ViewBox } from './density-image'
import { buildGridIndex, nearestPoint, selectInPolygon, type GridIndex } from './grid-index'

/** Above this many points the embedding view draws a density picture instead of each point. */
export const DENSITY_ABOVE = 100_000

const WIDTH = 640
const HEIGHT = 420
const MARGIN = { left: 44, right: 8, top: 8, bottom: 24 }
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom
/** Selections larger than this go to the kernel as a bitmask (a JSON list of a million is 8 MB). */
const MASK_ABOVE = 100_000
/** How long the wheel rests before a zoom draws every point again. */
const ZOOM_SETTLE_MS = 200
/** How near the pointer (pixels) a point must be for the hover card to show it. */
const HOVER_PIXELS = 8

/** The whole data at equal scales on both axes, with a 4% margin. */
function fitBox(grid: GridIndex): ViewBox {
  const { x0, x1, y0, y1 } = grid.bounds
  const scale = Math.max((x1 - x0) / PLOT_W, (y1 - y0) / PLOT_H) * 1.08
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2]
  return {
    x0: cx - (scale * PLOT_W) / 2,
    x1: cx + (scale * PLOT_W) / 2,
    y0: cy - (scale * PLOT_H) / 2,
    y1: cy + (scale * PLOT_H) / 2,
  }
}

/** Draws the density view of an embedding; see the module comment. */
export const renderDensity: RenderView<EmbeddingPayload> = (host, initial, { document, link }) => {
  let payload = initial
  let color = defaultColor(payload)
  let axes: Float32Array[] = []
  let grid: GridIndex
  let coloring: Coloring
  let colours: PointColours
  let box: ViewBox
  // The range the picture was last drawn for (a zoom shows it scaled until the wheel rests).
  let drawnBox: ViewBox
  let zoomTimer = 0
  const window = document.defaultView!

  const root = el(document, 'div', 'gw-embedding gw-density')
  root.dataset.mode = 'density'
  const header = el(document, 'div', 'gw-title')
  const note = el(document, 'div', 'gw-density-note')
  const controls = el(document, 'div', 'gw-controls')
  const body = el(document, 'div', 'gw-embedding-body')
  const plot = el(document, 'div', 'gw-plot gw-density-plot')
  const picture = el(document, 'canvas', 'gw-density-picture')
  const overlay = el(document, 'canvas', 'gw-density-overlay')
  const legend = el(document, 'div', 'gw-legend')
  const card = el(document, 'div', 'gw-hover-card')
  const gallery = el(document, 'div', 'gw-gallery')
  for (const canvas of [picture, overlay]) {
    canvas.width = WIDTH
    canvas.height = HEIGHT
  }
  plot.append(picture, overlay)
  body.append(plot, legend)
  root.append(header, note, controls, body, gallery, card)
  host.append(root)

  const colorSelect = select(
    document,
    'Colour by',
    colorOptions(payload).map((c) => ({ value: c, text: c })),
    color,
    (v) => {
      color = v
      recolour()
      draw()
    },
  )
  controls.append(colorSelect.root)

  const toScreen = (x: number, y: number): [number, number] => [
    MARGIN.left + ((x - box.x0) / (box.x1 - box.x0)) * PLOT_W,
    MARGIN.top + ((box.y1 - y) / (box.y1 - box.y0)) * PLOT_H,
  ]
  const toData = (px: number, py: number): [number, number] => [
    box.x0 + ((px - MARGIN.left) / PLOT_W) * (box.x1 - box.x0),
    box.y1 - ((py - MARGIN.top) / PLOT_H) * (box.y1 - box.y0),
  ]
  const pointerAt = (event: MouseEvent): [number, number] => {
    const rect = overlay.getBoundingClientRect()
    return [
      ((event.clientX - rect.left) * WIDTH) / rect.width,
      ((event.clientY - rect.top) * HEIGHT) / rect.height,
    ]
  }

  const recolour = (): void => {
    coloring = colorBy(payload, color)
    colours = pointColours(coloring, axes[0]!.length)
    legend.replaceChildren()
    if (coloring.type === 'category')
      for (const group of coloring.groups) {
        const item = el(document, 'div', 'gw-legend-item')
        const swatch = el(document, 'span', 'gw-swatch')
        swatch.style.background = group.color
        item.append(
          swatch,
          el(document, 'span', '', `${group.name} (${group.indices.length.toLocaleString('en-US')})`),
        )
        legend.append(item)
      }
  }

  const load = (): void => {
    axes = axesOf(payload)
    decoded.clear()
    grid = buildGridIndex(axes[0]!, axes[1]!)
    box = fitBox(grid)
    const n = axes[0]!.length
    const progress = payload.progress ? ` · step ${payload.progress.step} of ${payload.progress.total}` : ''
    header.textContent = `${payload.method.toUpperCase()} of ${payload.layer ?? 'inputs'} · ${n.toLocaleString('en-US')} points${progress}`
    const third = payload.dimensions === 3 ? ' Only the first two of the 3 dimensions are drawn.' : ''
    note.textContent =
      `Above ${DENSITY_ABOVE.toLocaleString('en-US')} points this view draws their density, not each point: ` +
      "a pixel's colour is the mean colour of the points under it, stronger where there are more. " +
      `Hover finds the nearest point; drag to lasso; wheel to zoom; double-click to see all.${third}`
    plot.dataset.points = String(n)
    recolour()
  }

  const draw = (): void => {
    const context = picture.getContext('2d')
    if (!context) return
    drawnBox = box
    picture.style.transform = ''
    context.clearRect(0, 0, WIDTH, HEIGHT)
    const rgba = densityImage(axes[0]!, axes[1]!, box, PLOT_W, PLOT_H, colours)
    context.putImageData(new ImageData(rgba, PLOT_W, PLOT_H), MARGIN.left, MARGIN.top)
    context.strokeStyle = '#999'
    context.strokeRect(MARGIN.left - 0.5, MARGIN.top - 0.5, PLOT_W + 1, PLOT_H + 1)
    context.fillStyle = '#555'
    context.font = '11px sans-serif'
    context.textAlign = 'center'
    context.textBaseline = 'top'
    for (const t of ticks(box.x0, box.x1, 6))
      context.fillText(formatNumber(t), toScreen(t, box.y0)[0], HEIGHT - MARGIN.bottom + 6)
    context.textAlign = 'right'
    context.textBaseline = 'middle'
    for (const t of ticks(box.y0, box.y1, 5))
      context.fillText(formatNumber(t), MARGIN.left - 6, toScreen(box.x0, t)[1])
  }

  // Columns are decoded when a point is first described (hover, selection), once each.
  const decoded = new Map<string, Float32Array>()
  const describePoint = (point: number): string =>
    payload.columns
      .map((column) => {
        let values = decoded.get(column.name)
        if (!values) decoded.set(column.name, (values = decodeArray(column.values)))
        const v = values[point]!
        const text = column.type === 'category' ? (column.categories[v] ?? 'missing') : formatNumber(v)
        return `${column.name}: ${text}`
      })
      .join(' · ')

  // Pointer moves are handled once per frame, whatever their rate.
  let pending: MouseEvent | null = null
  let lasso: number[] | null = null
  let hovered = -1
  const frame = (): void => {
    const event = pending
    pending = null
    if (!event) return
    const [px, py] = pointerAt(event)
    const context = overlay.getContext('2d')!
    context.clearRect(0, 0, WIDTH, HEIGHT)
    if (lasso) {
      lasso.push(px, py)
      context.strokeStyle = '#333'
      context.setLineDash([4, 3])
      context.beginPath()
      for (let k = 0; k < lasso.length; k += 2) context.lineTo(lasso[k]!, lasso[k + 1]!)
      context.stroke()
      return
    }
    const [x, y] = toData(px, py)
    const radius = (HOVER_PIXELS / PLOT_W) * (box.x1 - box.x0)
    const previous = hovered
    hovered = nearestPoint(grid, x, y, radius)
    if (hovered < 0) {
      card.style.display = 'none'
      return
    }
    if (hovered === previous && card.style.display === 'block') {
      drawMarker(context)
      return
    }
    drawMarker(context)
    const described = describePoint(hovered)
    card.textContent = `#${hovered}${described ? ` · ${described}` : ''}`
    const rect = root.getBoundingClientRect()
    card.style.left = `${event.clientX - rect.left + 12}px`
    card.style.top = `${event.clientY - rect.top + 12}px`
    card.style.display = 'block'
  }
  // A ring around the hovered point (the card moves only when the point changes).
  const drawMarker = (context: CanvasRenderingContext2D): void => {
    const [sx, sy] = toScreen(axes[0]![hovered]!, axes[1]![hovered]!)
    context.strokeStyle = '#000'
    context.beginPath()
    context.arc(sx, sy, 5, 0, 2 * Math.PI)
    context.stroke()
  }
  const onMove = (event: MouseEvent): void => {
    if (pending === null) requestAnimationFrame(frame)
    pending = event
  }
  const onDown = (event: PointerEvent): void => {
    if (event.button !== 0) return
    overlay.setPointerCapture?.(event.pointerId)
    card.style.display = 'none'
    lasso = [...pointerAt(event)]
  }
  const onUp = (): void => {
    if (!lasso) return
    const outline = lasso
    lasso = null
    overlay.getContext('2d')!.clearRect(0, 0, WIDTH, HEIGHT)
    const polygon: number[] = []
    for (let k = 0; k < outline.length; k += 2) polygon.push(...toData(outline[k]!, outline[k + 1]!))
    // A click (no outline) clears the selection, as in the point-by-point view.
    const points = outline.length >= 6 ? selectInPolygon(grid, polygon) : new Int32Array(0)
    showSelection(points)
    // Large selections as a bitmask: the Jupyter server drops browser messages over 10 MiB.
    if (payload.displayId)
      link?.send(
        points.length > MASK_ABOVE
          ? {
              type: 'selection',
              displayId: payload.displayId,
              indices: [],
              mask: indicesToMask(points, axes[0]!.length),
            }
          : { type: 'selection', displayId: payload.displayId, indices: Array.from(points) },
      )
  }
  const onWheel = (event: WheelEvent): void => {
    event.preventDefault()
    const [x, y] = toData(...pointerAt(event))
    const factor = Math.exp(event.deltaY * 0.002)
    box = {
      x0: x + (box.x0 - x) * factor,
      x1: x + (box.x1 - x) * factor,
      y0: y + (box.y0 - y) * factor,
      y1: y + (box.y1 - y) * factor,
    }
    // The picture drawn is scaled to the new range at once (compositing only); every point is drawn
    // again when the wheel rests, which takes a second at 4.7 million points on a loaded machine.
    const scale = (drawnBox.x1 - drawnBox.x0) / (box.x1 - box.x0)
    const tx = MARGIN.left * (1 - scale) + ((drawnBox.x0 - box.x0) / (box.x1 - box.x0)) * PLOT_W
    const ty = MARGIN.top * (1 - scale) + ((box.y1 - drawnBox.y1) / (box.y1 - box.y0)) * PLOT_H
    picture.style.transform = `translate(${tx}px, ${ty}px) scale(${scale})`
    window.clearTimeout(zoomTimer)
    zoomTimer = window.setTimeout(draw, ZOOM_SETTLE_MS)
  }
  const onDoubleClick = (): void => {
    box = fitBox(grid)
    draw()
  }
  overlay.addEventListener('pointermove', onMove)
  overlay.addEventListener('pointerdown', onDown)
  overlay.addEventListener('pointerup', onUp)
  overlay.addEventListener('wheel', onWheel, { passive: false })
  overlay.addEventListener('dblclick', onDoubleClick)
  overlay.addEventListener('pointerleave', () => (card.style.display = 'none'))

  const showSelection = (points: Int32Array): void => {
    gallery.replaceChildren()
    plot.dataset.selected = String(points.length)
    if (points.length === 0) return
    const shown = Math.min(64, points.length)
    gallery.append(
      el(
        document,
        'div',
        'gw-gallery-title',
        `${points.length.toLocaleString('en-US')} selected${points.length > shown ? ` (first ${shown} shown)` : ''}`,
      ),
    )
    for (const point of points.subarray(0, shown)) {
      const item = el(document, 'figure', 'gw-gallery-item')
      item.append(el(document, 'figcaption', '', `#${point}`))
      item.title = describePoint(point)
      gallery.append(item)
    }
  }

  load()
  draw()
  return {
    update(next) {
      if (next.dimensions !== payload.dimensions || next.coordinates.shape[0]! <= DENSITY_ABOVE) return false
      payload = next
      if (!colorOptions(payload).includes(color)) color = defaultColor(payload)
      load()
      draw()
      return true
    },
    dispose() {
      window.clearTimeout(zoomTimer)
      root.remove()
    },
  }
}
