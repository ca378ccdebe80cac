/**
 * The saliency view's grid: one overlay per input and method (methods as rows in a comparison), drawn
 * from the maps of the chosen target; hover read-out, click to enlarge, a score slot under each overlay.
 */
import { decodeArray } from '../../../src/display/codec'
import type { SaliencyMode, SaliencyPayload } from '../../../src/display/schema'
import { attributionToRgba } from './colormap'
import { el, formatNumber } from './dom'
import { zeroNonFinite } from './finite'
import { displayScale, imageToCanvas, rgbaToCanvas } from './image'
import { caption, className, indexMaps, modeOf, targetFor, type TargetChoice } from './saliency-model'
import { rowLabel } from './saliency-controls'

/** What the view's parts share: the payload (maps merged in as they arrive) and the controls' values. */
export interface SaliencyState {
  payload: SaliencyPayload
  mode: SaliencyMode
  opacity: number
  clip: number
  choice: TargetChoice
}

/** The drawn grid. */
export interface SaliencyGrid {
  /** Recomputes the overlays (another target, mode or clip, new maps). */
  recolor(): void
  /** Draws again with the same overlays (another opacity). */
  redraw(): void
  /** The element under the overlay of (input, method) where its score is written. */
  scoreSlot(input: number, method: number): HTMLElement | undefined
}

interface Cell {
  input: number
  method: number
  canvas: HTMLCanvasElement
  base: HTMLCanvasElement
  heat: HTMLCanvasElement | null
  values: Float32Array | null
}

/** Draws the grid into `parts.grid`; `parts.readout` says what the pointer is over, `parts.enlarged` holds a big copy. */
export async function drawGrid(
  document: Document,
  state: SaliencyState,
  parts: { grid: HTMLElement; readout: HTMLElement; enlarged: HTMLElement },
): Promise<SaliencyGrid> {
  const { grid, readout, enlarged } = parts
  const cells: Cell[] = []
  const slots = new Map<string, HTMLElement>()
  const decoded = new Map<object, Float32Array>()
  const valuesOf = (map: SaliencyPayload['maps'][number]): Float32Array => {
    let values = decoded.get(map)
    if (!values) decoded.set(map, (values = zeroNonFinite(decodeArray(map.values))))
    return values
  }

  const draw = (cell: Cell): void => {
    const context = cell.canvas.getContext('2d')
    if (!context) return
    context.imageSmoothingEnabled = cell.canvas.width % cell.base.width !== 0
    context.clearRect(0, 0, cell.canvas.width, cell.canvas.height)
    context.globalAlpha = 1
    context.drawImage(cell.base, 0, 0, cell.canvas.width, cell.canvas.height)
    if (cell.heat) {
      // A veil dims the input under the overlay (as far as the opacity asks), so that colours read even
      // over white ink.
      context.fillStyle = `rgba(0, 0, 0, ${0.5 * state.opacity})`
      context.fillRect(0, 0, cell.canvas.width, cell.canvas.height)
      context.globalAlpha = state.opacity
      context.drawImage(cell.heat, 0, 0, cell.canvas.width, cell.canvas.height)
      context.globalAlpha = 1
    }
  }
  let enlargedCell: Cell | null = null
  const redraw = (): void => {
    cells.forEach(draw)
    if (enlargedCell) draw(enlargedCell)
  }
  const recolor = (): void => {
    const payload = state.payload
    const index = indexMaps(payload.maps)
    for (const cell of cells) {
      const target = targetFor(payload, cell.input, state.choice)
      const map = target === null ? undefined : index.get(`${cell.input}/${cell.method}/${target}`)
      cell.values = map ? valuesOf(map) : null
      cell.heat = cell.values
        ? rgbaToCanvas(
            attributionToRgba(cell.values, {
              mode: modeOf(payload, cell.method, state.mode),
              clipPercentile: state.clip,
            }),
            cell.base.width,
            cell.base.height,
            document,
          )
        : null
      cell.canvas.title = map ? `explains class ${className(payload, target)}` : 'no map for this target'
    }
    if (enlargedCell) {
      const source = cells.find((c) => c.input === enlargedCell!.input && c.method === enlargedCell!.method)!
      enlargedCell = { ...source, canvas: enlargedCell.canvas }
    }
    redraw()
  }

  const hover = (cell: Cell, event: MouseEvent): void => {
    const rect = cell.canvas.getBoundingClientRect()
    const width = cell.base.width
    const x = Math.min(width - 1, Math.floor(((event.clientX - rect.left) / rect.width) * width))
    const y = Math.min(
      cell.base.height - 1,
      Math.floor(((event.clientY - rect.top) / rect.height) * cell.base.height),
    )
    const pixel = cell.base.getContext('2d')?.getImageData(x, y, 1, 1).data
    const value = cell.values ? formatNumber(cell.values[y * width + x]!) : 'none'
    const rgb = pixel
      ? pixel[0] === pixel[1] && pixel[1] === pixel[2]
        ? `${pixel[0]}`
        : `${pixel[0]},${pixel[1]},${pixel[2]}`
      : '?'
    readout.textContent = `${state.payload.methods[cell.method]} · input ${cell.input} · (${x}, ${y}) · pixel ${rgb} · attribution ${value}`
  }

  const enlarge = (cell: Cell): void => {
    if (enlarged.dataset.cell === `${cell.input}/${cell.method}`) {
      enlarged.replaceChildren()
      delete enlarged.dataset.cell
      enlargedCell = null
      return
    }
    enlarged.dataset.cell = `${cell.input}/${cell.method}`
    const big = el(document, 'canvas', 'gw-overlay gw-big')
    const scale = Math.max(1, Math.floor(448 / cell.base.width))
    big.width = cell.base.width * scale
    big.height = cell.base.height * scale
    const current = cells.find((c) => c.input === cell.input && c.method === cell.method) ?? cell
    const bigCell: Cell = { ...current, canvas: big }
    enlargedCell = bigCell
    draw(bigCell)
    big.addEventListener('mousemove', (event) => hover(bigCell, event))
    big.addEventListener('click', () => enlarge(cell))
    const { text } = caption(state.payload, cell.input)
    enlarged.replaceChildren(
      big,
      el(
        document,
        'div',
        'gw-caption',
        `${state.payload.methods[cell.method]} · input ${cell.input} · ${text}`,
      ),
    )
  }

  const payload = state.payload
  const bases = await Promise.all(payload.inputs.map((input) => imageToCanvas(input.image, document)))
  // One method wraps its inputs over rows; a comparison keeps methods as rows and scrolls sideways.
  grid.style.gridTemplateColumns =
    payload.methods.length > 1
      ? `max-content repeat(${payload.inputs.length}, max-content)`
      : 'repeat(auto-fill, minmax(max-content, 124px))'
  payload.methods.forEach((_, m) => {
    if (payload.methods.length > 1) grid.append(rowLabel(document, payload, m))
    payload.inputs.forEach((input, i) => {
      const figure = el(document, 'figure', 'gw-cell')
      const scale = displayScale(input.image.width)
      const canvas = el(document, 'canvas', 'gw-overlay')
      canvas.width = Math.round(input.image.width * scale)
      canvas.height = Math.round(input.image.height * scale)
      const cell: Cell = { input: i, method: m, canvas, base: bases[i]!, heat: null, values: null }
      canvas.addEventListener('mousemove', (event) => hover(cell, event))
      canvas.addEventListener('click', () => enlarge(cell))
      const slot = el(document, 'div', 'gw-score')
      slots.set(`${i}/${m}`, slot)
      figure.append(canvas, slot)
      if (m === payload.methods.length - 1) {
        const { text, wrong } = caption(payload, i)
        figure.append(el(document, 'figcaption', wrong ? 'gw-wrong' : '', text))
      }
      grid.append(figure)
      cells.push(cell)
    })
  })

  return { recolor, redraw, scoreSlot: (input, method) => slots.get(`${input}/${method}`) }
}
