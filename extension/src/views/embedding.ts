/**
 * Embedding view: Plotly scattergl (2-D) or scatter3d (3-D), loaded lazily and purged on dispose;
 * colour by any column; a hover card with the input's thumbnail; lasso/box selection gallery sent to
 * the kernel; PCA explained-variance bars; live updates in place.
 */
import { base64ToBytes, decodeArray } from '../../../src/display/codec'
import type { EmbeddingPayload } from '../../../src/display/schema'
import { el, select } from './dom'
import {
  axesOf,
  axisRange,
  colorBy,
  colorOptions,
  defaultColor,
  galleryOf,
  thumbnailSlots,
  type Coloring,
} from './embedding-model'
import { smoothPan } from './embedding-pan'
import { loadPlotly } from './embedding-plotly'
import type { RenderView } from './view'

interface PlotlyEvent {
  points: { curveNumber: number; pointIndex?: number; pointNumber?: number }[]
  event?: MouseEvent
}
type PlotRoot = HTMLElement & { on?(name: string, handler: (event: PlotlyEvent) => void): void }

/** Whether this browser can draw WebGL (scattergl); without it the view falls back to SVG scatter. */
function hasWebGl(document: Document): boolean {
  return document.createElement('canvas').getContext('webgl') !== null
}

/** Plotly traces for a colouring (one per category; legends are drawn by the view, as text). */
export function tracesFor(coloring: Coloring, axes: Float32Array[], webgl: boolean): object[] {
  const three = axes.length === 3
  const type = three ? 'scatter3d' : webgl ? 'scattergl' : 'scatter'
  const pick = (indices: Int32Array, axis: number): Float32Array =>
    indices.length === axes[axis]!.length && indices[indices.length - 1] === indices.length - 1
      ? axes[axis]!
      : Float32Array.from(indices, (i) => axes[axis]![i]!)
  const base = (indices: Int32Array): Record<string, unknown> => ({
    type,
    mode: 'markers',
    hoverinfo: 'none',
    x: pick(indices, 0),
    y: pick(indices, 1),
    ...(three ? { z: pick(indices, 2) } : {}),
  })
  const size = axes[0]!.length > 20_000 ? 3 : three ? 3 : 5
  if (coloring.type === 'number')
    return [
      {
        ...base(coloring.indices),
        marker: { size, color: coloring.values, colorscale: 'Viridis', showscale: true },
      },
    ]
  return coloring.groups.map((group) => ({
    ...base(group.indices),
    marker: { size, color: group.color, opacity: 0.8 },
  }))
}

/** A method's name as papers write it: 't-SNE', 'PCA', 'UMAP'; another method's as sent. */
function methodName(method: string): string {
  return ({ tsne: 't-SNE', pca: 'PCA', umap: 'UMAP' } as Record<string, string>)[method] ?? method
}

/** A Plotly axis range that fits these values, or nothing (autorange) where none is finite. */
function rangeOf(values: Float32Array): { range?: [number, number] } {
  const range = axisRange(values)
  return range ? { range } : {}
}

/** Draws the embedding view; see the module comment. */
export const renderEmbedding: RenderView<EmbeddingPayload> = async (host, initial, { document, link }) => {
  // Loading starts before the payload is decoded, so that the two overlap.
  const plotlyLoading = loadPlotly(initial.dimensions)
  let payload = initial
  let color = defaultColor(payload)
  let coloring: Coloring = colorBy(payload, color)
  let axes = axesOf(payload)
  let slots = thumbnailSlots(payload)
  let thumbnails = payload.thumbnails ? base64ToBytes(payload.thumbnails.images.data) : null
  const webgl = hasWebGl(document)
  const Plotly = await plotlyLoading

  const root = el(document, 'div', 'gw-embedding')
  const header = el(document, 'div', 'gw-title')
  const controls = el(document, 'div', 'gw-controls')
  const body = el(document, 'div', 'gw-embedding-body')
  const plot: PlotRoot = el(document, 'div', 'gw-plot')
  const legend = el(document, 'div', 'gw-legend')
  const variance = el(document, 'div', 'gw-variance')
  const card = el(document, 'div', 'gw-hover-card')
  const gallery = el(document, 'div', 'gw-gallery')
  body.append(plot, legend)
  root.append(header, controls, body, variance, gallery, card)
  host.append(root)

  const colorSelect = select(
    document,
    'Colour by',
    colorOptions(payload).map((c) => ({ value: c, text: c })),
    color,
    (v) => {
      color = v
      coloring = colorBy(payload, color)
      void draw()
    },
  )
  controls.append(colorSelect.root)

  const thumbnail = (point: number, scale: number): HTMLCanvasElement | null => {
    const slot = slots[point] ?? -1
    if (slot < 0 || !thumbnails || !payload.thumbnails) return null
    const [, h, w, c] = payload.thumbnails.images.shape as [number, number, number, number]
    const canvas = el(document, 'canvas', 'gw-thumb')
    canvas.width = w
    canvas.height = h
    canvas.style.width = `${w * scale}px`
    canvas.style.height = `${h * scale}px`
    const rgba = new Uint8ClampedArray(w * h * 4)
    const offset = slot * w * h * c
    for (let p = 0; p < w * h; p++) {
      for (let k = 0; k < 3; k++) rgba[p * 4 + k] = thumbnails[offset + p * c + (c === 1 ? 0 : k)]!
      rgba[p * 4 + 3] = 255
    }
    canvas.getContext('2d')?.putImageData(new ImageData(rgba, w, h), 0, 0)
    return canvas
  }
  const pointOf = (p: PlotlyEvent['points'][number]): number => {
    const indices = coloring.type === 'number' ? coloring.indices : coloring.groups[p.curveNumber]?.indices
    return indices?.[p.pointIndex ?? p.pointNumber ?? 0] ?? -1
  }
  const decodedColumns = new Map<string, Float32Array>()
  const columnValue = (column: EmbeddingPayload['columns'][number], point: number): string => {
    let values = decodedColumns.get(column.name)
    if (!values) decodedColumns.set(column.name, (values = decodeArray(column.values)))
    const v = values[point]!
    return column.type === 'category' ? (column.categories[v] ?? 'missing') : v.toPrecision(3)
  }
  const describePoint = (point: number): string =>
    payload.columns.map((column) => `${column.name}: ${columnValue(column, point)}`).join(' · ')

  const showSelection = (points: number[]): void => {
    gallery.replaceChildren()
    if (points.length === 0) return
    const { shown, title } = galleryOf(points, slots, 64)
    gallery.append(el(document, 'div', 'gw-gallery-title', title))
    for (const point of shown) {
      const figure = el(document, 'figure', 'gw-gallery-item')
      const canvas = thumbnail(point, 3)
      if (canvas) figure.append(canvas)
      figure.append(el(document, 'figcaption', '', `#${point}`))
      figure.title = describePoint(point)
      gallery.append(figure)
    }
  }

  const pan = smoothPan(plot, document.defaultView ?? window)
  const draw = async (): Promise<void> => {
    const progress = payload.progress ? ` · step ${payload.progress.step} of ${payload.progress.total}` : ''
    header.textContent = `${methodName(payload.method)} of ${payload.layer ?? 'inputs'} · ${axes[0]!.length} points${progress}`
    legend.replaceChildren()
    if (coloring.type === 'category')
      for (const group of coloring.groups) {
        const item = el(document, 'div', 'gw-legend-item')
        const swatch = el(document, 'span', 'gw-swatch')
        swatch.style.background = group.color
        item.append(swatch, el(document, 'span', '', `${group.name} (${group.indices.length})`))
        legend.append(item)
      }
    variance.replaceChildren()
    if (payload.explainedVariance?.length) {
      variance.append(el(document, 'div', 'gw-subtitle', 'Explained variance'))
      payload.explainedVariance.forEach((fraction, k) => {
        const row = el(document, 'div', 'gw-bar-row')
        const bar = el(document, 'span', 'gw-bar')
        bar.style.width = `${Math.max(1, fraction * 300)}px`
        row.append(
          el(document, 'span', 'gw-bar-label', `PC${k + 1}`),
          bar,
          el(document, 'span', '', `${(fraction * 100).toFixed(1)}%`),
        )
        variance.append(row)
      })
    }
    const three = payload.dimensions === 3
    const layout = {
      margin: { l: 30, r: 10, t: 10, b: 30 },
      height: 420,
      showlegend: false,
      dragmode: three ? 'orbit' : 'lasso',
      hovermode: 'closest',
      uirevision: 'keep',
      // Ranges from the data at every draw: a live run's last frame fits its own points (a user's zoom
      // stays, through uirevision, until new data changes the extent).
      xaxis: { zeroline: false, ...rangeOf(axes[0]!) },
      // PCA's axes share units (variance along each): one scale for both. t-SNE's and UMAP's have no
      // units to share, so each axis fits its points and the plot is filled.
      yaxis: {
        zeroline: false,
        ...(payload.method === 'pca' ? { scaleanchor: 'x' } : {}),
        ...rangeOf(axes[1]!),
      },
    }
    await Plotly.react(plot, tracesFor(coloring, axes, webgl), layout, {
      displaylogo: false,
      responsive: true,
      // WebGL canvases at the screen's resolution: Plotly's default (2) draws 4 times the pixels on a
      // 1x screen, which software WebGL pays for on every redraw.
      plotGlPixelRatio: Math.min(4, Math.max(1, Math.ceil(document.defaultView?.devicePixelRatio ?? 1))),
    })
    plot.dataset.points = String(axes[0]!.length)
    card.style.display = 'none'
    pan.timeFrame()
  }

  await draw()
  plot.on?.('plotly_hover', (event) => {
    const point = event.points[0] ? pointOf(event.points[0]) : -1
    if (point < 0) return
    card.replaceChildren()
    const canvas = thumbnail(point, 4)
    if (canvas) card.append(canvas)
    card.append(el(document, 'div', '', `#${point} · ${describePoint(point)}`))
    const box = root.getBoundingClientRect()
    card.style.left = `${(event.event?.clientX ?? box.left) - box.left + 12}px`
    card.style.top = `${(event.event?.clientY ?? box.top) - box.top + 12}px`
    card.style.display = 'block'
  })
  plot.on?.('plotly_unhover', () => (card.style.display = 'none'))
  // Plotly sends no unhover when the pointer leaves the plot fast or the points are redrawn under it.
  plot.addEventListener('mouseleave', () => (card.style.display = 'none'))
  // A drag (pan, lasso) hides the card at once: a smooth pan keeps moves, and so unhover, from Plotly.
  plot.addEventListener('mousedown', () => (card.style.display = 'none'))
  const select_ = (event: PlotlyEvent | undefined): void => {
    const points = [...new Set((event?.points ?? []).map(pointOf).filter((p) => p >= 0))].sort(
      (a, b) => a - b,
    )
    showSelection(points)
    if (payload.displayId) link?.send({ type: 'selection', displayId: payload.displayId, indices: points })
  }
  plot.on?.('plotly_selected', select_)
  plot.on?.('plotly_deselect', () => select_(undefined))

  return {
    async update(next) {
      if (next.dimensions !== payload.dimensions) return false
      payload = next
      axes = axesOf(payload)
      slots = thumbnailSlots(payload)
      thumbnails = payload.thumbnails ? base64ToBytes(payload.thumbnails.images.data) : null
      decodedColumns.clear()
      if (!colorOptions(payload).includes(color)) color = defaultColor(payload)
      coloring = colorBy(payload, color)
      await draw()
      return true
    },
    dispose() {
      pan.dispose()
      Plotly.purge(plot)
      root.remove()
    },
  }
}
