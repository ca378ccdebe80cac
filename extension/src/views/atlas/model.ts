/**
 * The atlas view's pure part: icons decoded to RGBA, the cell under a point of the zoomed and panned
 * grid, zooming about a point, the class filter, and what a cell says on hover. Tested without a browser.
 */
import { base64ToBytes } from '../../../../src/display/codec'
import type { AtlasCell, AtlasPayload, EncodedArray } from '../../../../src/display/schema'

/** Icons as RGBA tiles. */
export interface IconSet {
  size: number
  count: number
  /** count x size x size x 4 bytes. */
  rgba: Uint8ClampedArray
}

/** A payload's cells and icons, decoded once. */
export interface AtlasModel {
  payload: AtlasPayload
  /** Grid index (row * columns + column) -> index into payload.cells. */
  cellAt: Map<number, number>
  patches: IconSet
  visualizations: IconSet | null
  /** The largest count of a cell. */
  maxCount: number
}

/** uint8 [m, size, size, 1 or 3] to RGBA tiles. */
export function iconSet(array: EncodedArray): IconSet {
  const [count, size, , channels] = array.shape as [number, number, number, number]
  const bytes = base64ToBytes(array.data)
  const rgba = new Uint8ClampedArray(count * size * size * 4)
  for (let p = 0; p < count * size * size; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = bytes[p * channels + (channels === 3 ? k : 0)]!
    rgba[p * 4 + 3] = 255
  }
  return { size, count, rgba }
}

/** Decodes a validated payload. */
export function atlasModel(payload: AtlasPayload): AtlasModel {
  const cellAt = new Map<number, number>()
  payload.cells.forEach((c, i) => cellAt.set(c.row * payload.columns + c.column, i))
  return {
    payload,
    cellAt,
    patches: iconSet(payload.icons),
    visualizations: payload.visualizations ? iconSet(payload.visualizations) : null,
    maxCount: Math.max(1, ...payload.cells.map((c) => c.count)),
  }
}

/** Zoom and pan: a grid cell is `cell * scale` pixels; the grid's corner sits at (x, y) of the canvas. */
export interface Viewport {
  scale: number
  x: number
  y: number
}

export const MIN_SCALE = 1
export const MAX_SCALE = 16

/** The viewport zoomed by `factor` about the canvas point (px, py), within [MIN_SCALE, MAX_SCALE]. */
export function zoomAt(view: Viewport, factor: number, px: number, py: number, side: number): Viewport {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale * factor))
  const k = scale / view.scale
  return clampView({ scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k }, side)
}

/** Keeps the grid covering the canvas of `side` pixels (no empty margin when zoomed in). */
export function clampView(view: Viewport, side: number): Viewport {
  const extent = side * view.scale
  const low = Math.min(0, side - extent)
  return {
    scale: view.scale,
    x: Math.min(0, Math.max(low, view.x)),
    y: Math.min(0, Math.max(low, view.y)),
  }
}

/** The grid cell (column, row) under canvas point (px, py) of a `side` pixel canvas, or null. */
export function gridCellAt(
  model: AtlasModel,
  view: Viewport,
  side: number,
  px: number,
  py: number,
): { column: number; row: number } | null {
  const { columns, rows } = model.payload
  const cellWidth = (side / columns) * view.scale
  const cellHeight = (side / rows) * view.scale
  const column = Math.floor((px - view.x) / cellWidth)
  const row = Math.floor((py - view.y) / cellHeight)
  if (column < 0 || row < 0 || column >= columns || row >= rows) return null
  return { column, row }
}

/** The payload cell at a grid position, or null where the cell is empty. */
export function cellOf(model: AtlasModel, column: number, row: number): AtlasCell | null {
  const i = model.cellAt.get(row * model.payload.columns + column)
  return i === undefined ? null : model.payload.cells[i]!
}

/** A class's name (its index where the payload has none). */
export function className(model: AtlasModel, index: number): string {
  return model.payload.classNames?.[index] ?? String(index)
}

/** Whether a cell passes the class filter (null: every cell): `label` is its most frequent class. */
export function passesFilter(cell: AtlasCell, label: number | null): boolean {
  return label === null || cell.classes[0]?.class === label
}

/** The classes that dominate at least one cell, with how many cells, most cells first. */
export function dominantClasses(model: AtlasModel): { label: number; cells: number }[] {
  const counts = new Map<number, number>()
  for (const c of model.payload.cells) {
    const top = c.classes[0]
    if (top) counts.set(top.class, (counts.get(top.class) ?? 0) + 1)
  }
  return [...counts.entries()]
    .map(([label, cells]) => ({ label, cells }))
    .sort((a, b) => b.cells - a.cells || a.label - b.label)
}

/**
 * What a cell says on hover: its position, count and top classes with their shares.
 *
 * @example
 * hoverText(model, cell)   // 'cell (3, 0): 41 samples · 7 73 %, 1 12 %'
 */
export function hoverText(model: AtlasModel, cell: AtlasCell): string {
  const classes = cell.classes
    .map((k) => `${className(model, k.class)} ${Math.round((100 * k.count) / Math.max(1, cell.count))} %`)
    .join(', ')
  return `cell (${cell.column}, ${cell.row}): ${cell.count} sample${cell.count === 1 ? '' : 's'}${classes ? ` · ${classes}` : ''}`
}
