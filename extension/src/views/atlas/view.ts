/**
 * The atlas view: the grid of icons of an activation atlas on a canvas. Zoom with the wheel or the
 * buttons, pan by dragging, hover a cell for its count and top classes, filter to the cells where one
 * class dominates, switch between input patches and feature visualizations where the payload has both.
 */
import type { AtlasPayload } from '../../../../src/display/schema'
import { base64ToBytes } from '../../../../src/display/codec'
import { el, select } from '../dom'
import type { RenderView } from '../view'
import {
  atlasModel,
  cellOf,
  className,
  clampView,
  dominantClasses,
  gridCellAt,
  hoverText,
  passesFilter,
  zoomAt,
  type AtlasModel,
  type IconSet,
  type Viewport,
} from './model'

/** The canvas side in CSS pixels. */
const SIDE = 600

/** One offscreen canvas per icon, drawn scaled without smoothing. */
function iconCanvases(document: Document, icons: IconSet): HTMLCanvasElement[] {
  const out: HTMLCanvasElement[] = []
  const bytes = icons.size * icons.size * 4
  for (let i = 0; i < icons.count; i++) {
    const canvas = el(document, 'canvas')
    canvas.width = icons.size
    canvas.height = icons.size
    const g = canvas.getContext('2d')
    if (g) {
      const image = g.createImageData(icons.size, icons.size)
      image.data.set(icons.rgba.subarray(i * bytes, (i + 1) * bytes))
      g.putImageData(image, 0, 0)
    }
    out.push(canvas)
  }
  return out
}

function draw(
  canvas: HTMLCanvasElement,
  model: AtlasModel,
  view: Viewport,
  icons: { patches: HTMLCanvasElement[]; visualizations: HTMLCanvasElement[] },
  useVisualizations: boolean,
  filter: number | null,
  hovered: { column: number; row: number } | null,
  ratio: number,
): void {
  const { columns, rows } = model.payload
  canvas.width = Math.round(SIDE * ratio)
  canvas.height = Math.round(SIDE * ratio)
  const g = canvas.getContext('2d')
  if (!g) return
  g.setTransform(ratio, 0, 0, ratio, 0, 0)
  g.imageSmoothingEnabled = false
  g.fillStyle = '#f2f2f2'
  g.fillRect(0, 0, SIDE, SIDE)
  const w = (SIDE / columns) * view.scale
  const h = (SIDE / rows) * view.scale
  const gap = w > 12 ? 1 : 0
  for (const cell of model.payload.cells) {
    const x = view.x + cell.column * w
    const y = view.y + cell.row * h
    if (x > SIDE || y > SIDE || x + w < 0 || y + h < 0) continue
    g.globalAlpha = passesFilter(cell, filter) ? 1 : 0.12
    const picture =
      useVisualizations && cell.visualization !== null && cell.visualization !== undefined
        ? icons.visualizations[cell.visualization]
        : cell.icon !== null
          ? icons.patches[cell.icon]
          : undefined
    if (picture) g.drawImage(picture, x, y, w - gap, h - gap)
    else {
      g.fillStyle = '#999'
      g.fillRect(x, y, w - gap, h - gap)
    }
  }
  g.globalAlpha = 1
  if (hovered) {
    g.strokeStyle = '#ff3d00'
    g.lineWidth = 2
    g.strokeRect(view.x + hovered.column * w + 1, view.y + hovered.row * h + 1, w - 2, h - 2)
  }
}

/** Draws the atlas with its controls, tooltip and zoom read-out. */
export const renderAtlas: RenderView<AtlasPayload> = (host, payload, { document }) => {
  const model = atlasModel(payload)
  const icons = {
    patches: iconCanvases(document, model.patches),
    visualizations: model.visualizations ? iconCanvases(document, model.visualizations) : [],
  }
  let view: Viewport = { scale: 1, x: 0, y: 0 }
  let filter: number | null = null
  let useVisualizations = false
  let hovered: { column: number; row: number } | null = null

  const root = el(document, 'div', 'gw-atlas')
  root.append(el(document, 'div', 'gw-atlas-title', payload.title))
  if (payload.caption) root.append(el(document, 'div', 'gw-atlas-caption', payload.caption))

  const controls = el(document, 'div', 'gw-controls')
  const classes = dominantClasses(model)
  const filterControl = select(
    document,
    'Cells where this class dominates',
    [
      { value: '', text: `all classes (${payload.cells.length} cells)` },
      ...classes.map((c) => ({
        value: String(c.label),
        text: `${className(model, c.label)} (${c.cells} cell${c.cells === 1 ? '' : 's'})`,
      })),
    ],
    '',
    (value) => {
      filter = value === '' ? null : Number(value)
      status()
      redraw()
    },
  )
  filterControl.input.classList.add('gw-atlas-filter')
  filterControl.input.disabled = classes.length === 0
  controls.append(filterControl.root)
  if (model.visualizations) {
    const iconControl = select(
      document,
      'Icons',
      [
        { value: 'patch', text: 'input patches' },
        { value: 'visualization', text: `feature visualizations (${model.visualizations.count} cells)` },
      ],
      'patch',
      (value) => {
        useVisualizations = value === 'visualization'
        redraw()
      },
    )
    iconControl.input.classList.add('gw-atlas-icons')
    controls.append(iconControl.root)
  }
  const button = (text: string, title: string, className: string, action: () => void) => {
    const b = el(document, 'button', `gw-button ${className}`, text)
    b.title = title
    b.addEventListener('click', action)
    controls.append(b)
    return b
  }
  button('+', 'Zoom in', 'gw-atlas-zoom-in', () => zoomBy(2, SIDE / 2, SIDE / 2))
  button('−', 'Zoom out', 'gw-atlas-zoom-out', () => zoomBy(0.5, SIDE / 2, SIDE / 2))
  button('Reset', 'Show the whole atlas', 'gw-atlas-reset', () => {
    view = { scale: 1, x: 0, y: 0 }
    status()
    redraw()
  })
  const readout = el(document, 'span', 'gw-atlas-status')
  controls.append(readout)
  root.append(controls)

  const frame = el(document, 'div', 'gw-atlas-frame')
  const canvas = el(document, 'canvas', 'gw-atlas-canvas')
  canvas.style.width = `${SIDE}px`
  canvas.style.height = `${SIDE}px`
  canvas.setAttribute('role', 'img')
  canvas.setAttribute('aria-label', payload.title)
  frame.append(canvas)
  root.append(frame)
  const tooltip = el(document, 'div', 'gw-atlas-tooltip')
  tooltip.hidden = true
  root.append(tooltip)
  const examples = el(document, 'div', 'gw-atlas-examples')
  root.append(examples)
  const examplePatches = payload.examplePatches ? base64ToBytes(payload.examplePatches.data) : null
  let examplesOf = -1
  /** The hovered cell's nearest images, as their input patches (four times their size). */
  function showExamples(index: number): void {
    if (index === examplesOf) return
    examplesOf = index
    examples.replaceChildren()
    const cell = payload.cells[index]
    if (!cell || !payload.examplePatches || !examplePatches) return
    const [, k, size, , channels] = payload.examplePatches.shape as [number, number, number, number, number]
    const shown = Math.min(k, cell.examples?.length ?? k)
    examples.append(
      el(
        document,
        'div',
        'gw-atlas-examples-title',
        `Nearest images of cell (${cell.column}, ${cell.row})` +
          (cell.examples?.length ? `: ${cell.examples.map((i) => `#${i}`).join(', ')}` : ''),
      ),
    )
    for (let j = 0; j < shown; j++) {
      const c = el(document, 'canvas', 'gw-atlas-example')
      c.width = size
      c.height = size
      c.style.width = `${size * 4}px`
      c.style.height = `${size * 4}px`
      const g = c.getContext('2d')
      if (g) {
        const image = g.createImageData(size, size)
        const offset = (index * k + j) * size * size * channels
        for (let p = 0; p < size * size; p++) {
          for (let q = 0; q < 3; q++)
            image.data[p * 4 + q] = examplePatches[offset + p * channels + (channels === 3 ? q : 0)]!
          image.data[p * 4 + 3] = 255
        }
        g.putImageData(image, 0, 0)
      }
      examples.append(c)
    }
  }

  const ratio = () => document.defaultView?.devicePixelRatio ?? 1
  function redraw(): void {
    draw(canvas, model, view, icons, useVisualizations, filter, hovered, ratio())
  }
  function status(): void {
    const shown = payload.cells.filter((c) => passesFilter(c, filter)).length
    readout.textContent =
      `zoom ${view.scale.toFixed(view.scale < 10 ? 1 : 0)}×` +
      (filter === null
        ? ''
        : ` · ${shown} of ${payload.cells.length} cells where ${className(model, filter)} dominates`)
  }
  function zoomBy(factor: number, px: number, py: number): void {
    view = zoomAt(view, factor, px, py, SIDE)
    status()
    redraw()
  }
  const local = (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect()
    return [
      ((event.clientX - box.left) * SIDE) / (box.width || SIDE),
      ((event.clientY - box.top) * SIDE) / (box.height || SIDE),
    ] as const
  }
  canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault()
      const [px, py] = local(event)
      zoomBy(event.deltaY < 0 ? 1.25 : 0.8, px, py)
    },
    { passive: false },
  )
  let drag: { x: number; y: number; view: Viewport } | null = null
  canvas.addEventListener('mousedown', (event) => {
    const [px, py] = local(event)
    drag = { x: px, y: py, view }
  })
  const stopDrag = () => (drag = null)
  canvas.addEventListener('mouseup', stopDrag)
  canvas.addEventListener('mousemove', (event) => {
    const [px, py] = local(event)
    if (drag && (event.buttons & 1) === 1) {
      view = clampView(
        { scale: drag.view.scale, x: drag.view.x + px - drag.x, y: drag.view.y + py - drag.y },
        SIDE,
      )
      tooltip.hidden = true
      redraw()
      return
    }
    const at = gridCellAt(model, view, SIDE, px, py)
    const cell = at ? cellOf(model, at.column, at.row) : null
    const changed =
      (hovered?.column ?? -1) !== (cell?.column ?? -1) || (hovered?.row ?? -1) !== (cell?.row ?? -1)
    hovered = cell ? { column: cell.column, row: cell.row } : null
    tooltip.hidden = !cell
    if (cell) {
      showExamples(model.cellAt.get(cell.row * payload.columns + cell.column) ?? -1)
      tooltip.textContent = hoverText(model, cell)
      const box = root.getBoundingClientRect()
      tooltip.style.left = `${event.clientX - box.left + 14}px`
      tooltip.style.top = `${event.clientY - box.top + 14}px`
    }
    if (changed) redraw()
  })
  canvas.addEventListener('mouseleave', () => {
    drag = null
    tooltip.hidden = true
    hovered = null
    redraw()
  })

  status()
  redraw()
  host.append(root)
  return { dispose: () => root.remove() }
}
