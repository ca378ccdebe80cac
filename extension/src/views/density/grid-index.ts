/**
 * A uniform grid over 2-D points, for hover and lasso over millions of them: the nearest point to the
 * pointer looks at a few cells around it, a lasso tests points one by one only in the cells its
 * outline crosses (cells wholly inside are taken whole, cells outside skipped).
 *
 * Built in O(n) by a counting sort of the points by cell. Points whose coordinates are not finite are
 * left out. Pure: typed arrays in, typed arrays out.
 */

/** The grid: cell (col, row) holds `order[cellStart[c]] .. order[cellStart[c + 1] - 1]`, c = row * cols + col. */
export interface GridIndex {
  x: Float32Array
  y: Float32Array
  /** The extent of the finite points. */
  bounds: { x0: number; x1: number; y0: number; y1: number }
  cols: number
  rows: number
  cellStart: Int32Array
  order: Int32Array
  /** How many points have finite coordinates (the length of `order`). */
  count: number
}

/** About this many points per cell on average. */
const POINTS_PER_CELL = 8
/** At most this many cells a side (4 million cells in all). */
const MAX_SIDE = 2048

/** The extent of the finite values of x and y. */
export function extentOf(x: Float32Array, y: Float32Array): GridIndex['bounds'] {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (let i = 0; i < x.length; i++) {
    const [a, b] = [x[i]!, y[i]!]
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue
    if (a < x0) x0 = a
    if (a > x1) x1 = a
    if (b < y0) y0 = b
    if (b > y1) y1 = b
  }
  if (x0 > x1) return { x0: 0, x1: 1, y0: 0, y1: 1 }
  return { x0, x1: x1 > x0 ? x1 : x0 + 1, y0, y1: y1 > y0 ? y1 : y0 + 1 }
}

/**
 * Builds the grid over points (x[i], y[i]).
 *
 * @example
 * const grid = buildGridIndex(xs, ys)
 * nearestPoint(grid, 0.5, 0.5, 0.1)   // the index of the nearest point within 0.1, or -1
 */
export function buildGridIndex(x: Float32Array, y: Float32Array): GridIndex {
  const n = x.length
  const bounds = extentOf(x, y)
  const side = Math.max(1, Math.min(MAX_SIDE, Math.ceil(Math.sqrt(n / POINTS_PER_CELL))))
  const [cols, rows] = [side, side]
  const cellOf = new Int32Array(n)
  const cellStart = new Int32Array(cols * rows + 1)
  const sx = cols / (bounds.x1 - bounds.x0)
  const sy = rows / (bounds.y1 - bounds.y0)
  let count = 0
  for (let i = 0; i < n; i++) {
    const [a, b] = [x[i]!, y[i]!]
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      cellOf[i] = -1
      continue
    }
    const col = Math.min(cols - 1, Math.floor((a - bounds.x0) * sx))
    const row = Math.min(rows - 1, Math.floor((b - bounds.y0) * sy))
    const cell = row * cols + col
    cellOf[i] = cell
    cellStart[cell + 1]!++
    count++
  }
  for (let c = 0; c < cols * rows; c++) cellStart[c + 1]! += cellStart[c]!
  const fill = cellStart.slice(0, cols * rows)
  const order = new Int32Array(count)
  for (let i = 0; i < n; i++) if (cellOf[i]! >= 0) order[fill[cellOf[i]!]!++] = i
  return { x, y, bounds, cols, rows, cellStart, order, count }
}

const cellWidth = (g: GridIndex): number => (g.bounds.x1 - g.bounds.x0) / g.cols
const cellHeight = (g: GridIndex): number => (g.bounds.y1 - g.bounds.y0) / g.rows

/**
 * The nearest point to (px, py) within `radius` (data units; distances scaled by `aspect` = how many
 * x units one y unit is on screen, so that 'nearest' is nearest on screen), or -1. Looks at rings of
 * cells around the pointer's, nearest first, and stops once no farther ring can hold a nearer point:
 * in a dense cluster that is a few dozen points, not every point within the radius.
 */
export function nearestPoint(g: GridIndex, px: number, py: number, radius: number, aspect = 1): number {
  const [w, h] = [cellWidth(g), cellHeight(g)]
  const col = Math.floor((px - g.bounds.x0) / w)
  const row = Math.floor((py - g.bounds.y0) / h)
  const rings = Math.max(Math.ceil(radius / w), Math.ceil(radius / aspect / h)) + 1
  // A point in ring r + 1 is at least this far (on screen) from the pointer.
  const step = Math.min(w, h * aspect)
  let best = -1
  let bestDistance = radius * radius
  const visit = (c: number, r: number): void => {
    if (c < 0 || c >= g.cols || r < 0 || r >= g.rows) return
    const cell = r * g.cols + c
    for (let k = g.cellStart[cell]!; k < g.cellStart[cell + 1]!; k++) {
      const i = g.order[k]!
      const dx = g.x[i]! - px
      const dy = (g.y[i]! - py) * aspect
      const d = dx * dx + dy * dy
      if (d < bestDistance || (d === bestDistance && best < 0)) [best, bestDistance] = [i, d]
    }
  }
  for (let ring = 0; ring <= rings; ring++) {
    if (best >= 0 && (ring - 1) * step > 0 && ((ring - 1) * step) ** 2 > bestDistance) break
    if (ring === 0) visit(col, row)
    for (let d = -ring; d <= ring && ring > 0; d++) {
      visit(col + d, row - ring)
      visit(col + d, row + ring)
      if (d > -ring && d < ring) {
        visit(col - ring, row + d)
        visit(col + ring, row + d)
      }
    }
  }
  return best
}

/** Whether (px, py) is inside the polygon (even-odd rule); `polygon` is [x0, y0, x1, y1, ...]. */
export function insidePolygon(polygon: ArrayLike<number>, px: number, py: number): boolean {
  let inside = false
  const m = polygon.length / 2
  for (let a = 0, b = m - 1; a < m; b = a++) {
    const [ax, ay, bx, by] = [polygon[a * 2]!, polygon[a * 2 + 1]!, polygon[b * 2]!, polygon[b * 2 + 1]!]
    if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside
  }
  return inside
}

/**
 * The points inside a lasso (polygon in data units, [x0, y0, x1, y1, ...]), in ascending order.
 * Cells the outline passes through are tested point by point; every other cell is inside or outside
 * as a whole, decided by its centre.
 *
 * @example
 * selectInPolygon(grid, [0, 0, 1, 0, 1, 1, 0, 1])   // Int32Array of the points in the unit square
 */
export function selectInPolygon(g: GridIndex, polygon: ArrayLike<number>): Int32Array {
  const m = polygon.length / 2
  if (m < 3) return new Int32Array(0)
  const [w, h] = [cellWidth(g), cellHeight(g)]
  const colOf = (x: number): number => Math.floor((x - g.bounds.x0) / w)
  const rowOf = (y: number): number => Math.floor((y - g.bounds.y0) / h)
  // The outline's cells: each edge walked in steps of a quarter cell.
  const boundary = new Set<number>()
  for (let a = 0; a < m; a++) {
    const b = (a + 1) % m
    const [ax, ay, bx, by] = [polygon[a * 2]!, polygon[a * 2 + 1]!, polygon[b * 2]!, polygon[b * 2 + 1]!]
    const steps = Math.ceil(Math.max(Math.abs(bx - ax) / w, Math.abs(by - ay) / h) * 4) + 1
    for (let s = 0; s <= steps; s++) {
      const t = s / steps
      const [col, row] = [colOf(ax + (bx - ax) * t), rowOf(ay + (by - ay) * t)]
      // The neighbours too: a step can cut a cell's corner between two samples.
      for (let dr = -1; dr <= 1; dr++)
        for (let dc = -1; dc <= 1; dc++) {
          const [c, r] = [col + dc, row + dr]
          if (c >= 0 && c < g.cols && r >= 0 && r < g.rows) boundary.add(r * g.cols + c)
        }
    }
  }
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (let a = 0; a < m; a++) {
    x0 = Math.min(x0, polygon[a * 2]!)
    x1 = Math.max(x1, polygon[a * 2]!)
    y0 = Math.min(y0, polygon[a * 2 + 1]!)
    y1 = Math.max(y1, polygon[a * 2 + 1]!)
  }
  const selected = new Uint8Array(g.x.length)
  let count = 0
  for (let row = Math.max(0, rowOf(y0)); row <= Math.min(g.rows - 1, rowOf(y1)); row++)
    for (let col = Math.max(0, colOf(x0)); col <= Math.min(g.cols - 1, colOf(x1)); col++) {
      const cell = row * g.cols + col
      const [start, end] = [g.cellStart[cell]!, g.cellStart[cell + 1]!]
      if (start === end) continue
      if (boundary.has(cell)) {
        for (let k = start; k < end; k++) {
          const i = g.order[k]!
          if (insidePolygon(polygon, g.x[i]!, g.y[i]!)) [selected[i], count] = [1, count + 1]
        }
      } else if (insidePolygon(polygon, g.bounds.x0 + (col + 0.5) * w, g.bounds.y0 + (row + 0.5) * h)) {
        for (let k = start; k < end; k++) selected[g.order[k]!] = 1
        count += end - start
      }
    }
  const out = new Int32Array(count)
  for (let i = 0, o = 0; o < count; i++) if (selected[i]) out[o++] = i
  return out
}
