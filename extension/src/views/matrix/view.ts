/**
 * The matrix view: a labelled heatmap of any rows x columns table (CKA between layers, accuracy change
 * per unit and class, quality metrics per method, TCAV scores, patching sweeps). Hover a cell for its
 * value, click a column's name to sort the rows by it (again to reverse), click a cell for the values
 * behind it, download the table as CSV.
 */
import type { MatrixPayload } from '../../../../src/display/schema'
import { el, select, svg } from '../dom'
import type { RenderView } from '../view'
import { cellDetail, colourBar, drawCells } from './draw'
import { cellAt, cellText, firstSort, layoutOf, matrixModel, modelCSV, rowOrder, type RowSort } from './model'

const HEADER_HEIGHT = 84
const NAME_WIDTH = 170

/** Column names, turned 45 degrees above their columns; a click sorts by the column. */
function columnHeader(
  document: Document,
  names: string[],
  cellWidth: number,
  onClick: (column: number) => void,
): SVGElement {
  const width = names.length * cellWidth + HEADER_HEIGHT
  const root = svg(document, 'svg', { width, height: HEADER_HEIGHT, class: 'gw-matrix-columns' })
  const every = Math.max(1, Math.ceil(12 / cellWidth))
  names.forEach((name, j) => {
    if (j % every !== 0) return
    const x = j * cellWidth + cellWidth / 2
    const text = svg(document, 'text', {
      x,
      y: HEADER_HEIGHT - 4,
      transform: `rotate(-40 ${x} ${HEADER_HEIGHT - 4})`,
      'font-size': 11,
      class: 'gw-matrix-column',
      'data-column': j,
    })
    text.textContent = name.length > 22 ? `${name.slice(0, 21)}…` : name
    const title = svg(document, 'title')
    title.textContent = `${name}: click to sort the rows by it`
    text.append(title)
    text.addEventListener('click', () => onClick(j))
    root.append(text)
  })
  return root
}

/** Strips the isolation marks the view puts around shown strings, for the CSV. */
const plain = (text: string): string => text.replace(/[\u2066-\u2069]/g, '')

/** Draws the heatmap with its names, colour bar, sort control, tooltip and cell detail. */
export const renderMatrix: RenderView<MatrixPayload> = (host, payload, { document }) => {
  const model = matrixModel(payload)
  const square =
    payload.rows.length === payload.columns.length && payload.rows.every((r, i) => r === payload.columns[i])
  const layout = layoutOf(model.rowCount, model.columnCount, square)
  let sort: RowSort = null
  let order = rowOrder(model, sort)
  let selected: { row: number; column: number } | null = null

  const root = el(document, 'div', 'gw-matrix')
  root.append(el(document, 'div', 'gw-matrix-title', payload.title))
  if (payload.caption) root.append(el(document, 'div', 'gw-matrix-caption', payload.caption))
  if (payload.notes?.length) root.append(el(document, 'pre', 'gw-matrix-notes', payload.notes.join('\n')))

  const controls = el(document, 'div', 'gw-controls')
  const sortOptions = [
    { value: '', text: 'as given' },
    ...payload.columns.flatMap((c, j) => [
      { value: `${j}:d`, text: `${c} (high to low)` },
      { value: `${j}:a`, text: `${c} (low to high)` },
    ]),
  ]
  const sorter = select(document, `Sort ${payload.rowTitle} by`, sortOptions, '', (value) => {
    const [column, way] = value.split(':')
    setSort(value ? { column: Number(column), descending: way === 'd' } : null)
  })
  sorter.input.classList.add('gw-matrix-sort')
  const download = el(document, 'button', 'gw-button gw-matrix-csv', 'CSV')
  download.title = 'Download the table as CSV'
  download.addEventListener('click', () => {
    const blob = new Blob([plain(modelCSV(model))], { type: 'text/csv' })
    const link = el(document, 'a')
    link.href = URL.createObjectURL(blob)
    link.download = `${
      plain(payload.title)
        .replace(/[^\w.-]+/g, '-')
        .slice(0, 60) || 'matrix'
    }.csv`
    link.click()
    setTimeout(() => URL.revokeObjectURL(link.href), 1000)
  })
  controls.append(sorter.root, download, colourBar(document, model))
  root.append(controls)

  const grid = el(document, 'div', 'gw-matrix-grid')
  grid.style.gridTemplateColumns = `${layout.rowNames ? NAME_WIDTH : 0}px auto`
  const corner = el(document, 'div', 'gw-matrix-corner', `${payload.rowTitle} \\ ${payload.columnTitle}`)
  const header = columnHeader(document, payload.columns, layout.cellWidth, (column) =>
    setSort(sort?.column === column ? { column, descending: !sort.descending } : firstSort(model, column)),
  )
  const names = el(document, 'div', 'gw-matrix-rows')
  const canvas = el(document, 'canvas', 'gw-matrix-cells')
  canvas.setAttribute('role', 'img')
  canvas.setAttribute('aria-label', payload.title)
  grid.append(corner, header, names, canvas)
  root.append(grid)

  const tooltip = el(document, 'div', 'gw-matrix-tooltip')
  tooltip.hidden = true
  root.append(tooltip)
  const detail = el(document, 'div', 'gw-matrix-detail-host')
  root.append(detail)

  const ratio = () => document.defaultView?.devicePixelRatio ?? 1
  function drawNames(): void {
    names.replaceChildren()
    if (!layout.rowNames) return
    for (const row of order) {
      const name = el(document, 'div', 'gw-matrix-row', payload.rows[row])
      name.style.height = `${layout.cellHeight}px`
      name.style.lineHeight = `${layout.cellHeight}px`
      names.append(name)
    }
  }
  function redraw(): void {
    drawCells(canvas, model, layout, order, selected, ratio())
  }
  function setSort(next: RowSort): void {
    sort = next
    order = rowOrder(model, sort)
    sorter.input.value = sort ? `${sort.column}:${sort.descending ? 'd' : 'a'}` : ''
    header.querySelectorAll('.gw-matrix-column').forEach((node) => {
      node.classList.toggle('gw-matrix-sorted', Number(node.getAttribute('data-column')) === sort?.column)
    })
    drawNames()
    redraw()
  }
  const pointer = (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect()
    return cellAt(model, layout, order, event.clientX - box.left, event.clientY - box.top)
  }
  canvas.addEventListener('mousemove', (event) => {
    const cell = pointer(event)
    tooltip.hidden = !cell
    if (!cell) return
    tooltip.textContent = cellText(model, cell.row, cell.column)
    const box = root.getBoundingClientRect()
    tooltip.style.left = `${event.clientX - box.left + 14}px`
    tooltip.style.top = `${event.clientY - box.top + 14}px`
  })
  canvas.addEventListener('mouseleave', () => (tooltip.hidden = true))
  canvas.addEventListener('click', (event) => {
    const cell = pointer(event)
    if (!cell) return
    selected = cell
    detail.replaceChildren(
      cellDetail(document, model, cell.row, cell.column, cellText(model, cell.row, cell.column)),
    )
    redraw()
  })

  drawNames()
  redraw()
  host.append(root)
  return { dispose: () => root.remove() }
}
