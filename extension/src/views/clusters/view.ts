/**
 * The clusters view: a dendrogram of the units beside their correlation heatmap in leaf order, a colour
 * band of the flat clusters between them. Hover a unit (name, band or heatmap row) for its cluster and
 * top examples; click a cluster's band, a link of the dendrogram or pick it in the list to highlight its
 * units.
 */
import { colourAt, DIVERGING } from '../../../../src/display/colour-tables'
import { base64ToBytes } from '../../../../src/display/codec'
import { categoryColour } from '../../../../src/display/palette'
import type { ClustersPayload } from '../../../../src/display/schema'
import { el, select, svg } from '../dom'
import type { RenderView } from '../view'
import {
  cellSize,
  cellText,
  clustersModel,
  correlationOf,
  dendrogram,
  unitText,
  type ClustersModel,
} from './model'

const TREE_WIDTH = 150
const NAME_WIDTH = 96
const BAND_WIDTH = 10

const rgb = ([r, g, b]: [number, number, number]): string => `rgb(${r}, ${g}, ${b})`

function drawHeatmap(
  canvas: HTMLCanvasElement,
  model: ClustersModel,
  cell: number,
  highlight: Set<number> | null,
  ratio: number,
): void {
  const d = model.units
  const side = d * cell
  canvas.width = Math.ceil(side * ratio)
  canvas.height = Math.ceil(side * ratio)
  canvas.style.width = `${side}px`
  canvas.style.height = `${side}px`
  const g = canvas.getContext('2d')
  if (!g) return
  g.setTransform(ratio, 0, 0, ratio, 0, 0)
  const order = model.payload.order
  const gap = cell > 6 ? 1 : 0
  g.fillStyle = '#fff'
  g.fillRect(0, 0, side, side)
  order.forEach((a, i) =>
    order.forEach((b, j) => {
      const r = correlationOf(model, a, b)
      g.fillStyle = Number.isFinite(r)
        ? rgb(colourAt(DIVERGING, (Math.max(-1, Math.min(1, r)) + 1) / 2))
        : '#e0e0e0'
      g.fillRect(j * cell, i * cell, cell - gap, cell - gap)
    }),
  )
  if (highlight && highlight.size > 0) {
    g.fillStyle = 'rgba(255, 255, 255, 0.6)'
    order.forEach((a, i) => {
      if (!highlight.has(a)) {
        g.fillRect(0, i * cell, side, cell)
        g.fillRect(i * cell, 0, cell, side)
      }
    })
    const positions = order.map((u, i) => (highlight.has(u) ? i : -1)).filter((i) => i >= 0)
    const [first, last] = [Math.min(...positions), Math.max(...positions)]
    g.strokeStyle = '#ff3d00'
    g.lineWidth = 2
    g.strokeRect(
      first * cell + 1,
      first * cell + 1,
      (last - first + 1) * cell - 2,
      (last - first + 1) * cell - 2,
    )
  }
}

/** Draws the dendrogram, names, cluster band and heatmap, with the tooltip and examples panel. */
export const renderClusters: RenderView<ClustersPayload> = (host, payload, { document }) => {
  const model = clustersModel(payload)
  const d = model.units
  const cell = cellSize(d)
  const names = cell >= 11
  let highlight: Set<number> | null = null

  const root = el(document, 'div', 'gw-clusters')
  root.append(el(document, 'div', 'gw-clusters-title', payload.title))
  root.append(
    el(
      document,
      'div',
      'gw-clusters-caption',
      `Pearson r between units in the dendrogram's leaf order (${payload.linkage} linkage on 1 - r); ` +
        `the band's colours are the ${model.members.length} clusters`,
    ),
  )
  const controls = el(document, 'div', 'gw-controls')
  const chooser = select(
    document,
    'Highlight',
    [
      { value: '', text: 'no cluster' },
      ...model.members.map((m, k) => ({ value: String(k), text: `cluster ${k} (${m.length} units)` })),
    ],
    '',
    (value) => setHighlight(value === '' ? null : new Set(model.members[Number(value)]), value),
  )
  chooser.input.classList.add('gw-clusters-choose')
  const legend = el(document, 'span', 'gw-matrix-legend')
  const bar = el(document, 'span', 'gw-matrix-legend-bar')
  const stops = Array.from({ length: 11 }, (_, k) => `${rgb(colourAt(DIVERGING, k / 10))} ${k * 10}%`)
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`
  legend.append(
    el(document, 'span', '', '-1'),
    bar,
    el(document, 'span', '', '1'),
    el(document, 'span', 'gw-matrix-legend-label', 'Pearson r'),
  )
  const selection = el(document, 'span', 'gw-clusters-selection')
  controls.append(chooser.root, legend, selection)
  root.append(controls)

  const body = el(document, 'div', 'gw-clusters-body')
  const height = d * cell
  const sideWidth = TREE_WIDTH + (names ? NAME_WIDTH : 0) + BAND_WIDTH + 2
  const side = svg(document, 'svg', { width: sideWidth, height, class: 'gw-clusters-tree' })
  for (const link of dendrogram(model, TREE_WIDTH, cell)) {
    const [a, b] = link.children as [{ x: number; y: number }, { x: number; y: number }]
    const path = svg(document, 'path', {
      d: `M ${a.x} ${a.y} H ${link.x} V ${b.y} H ${b.x}`,
      class: 'gw-clusters-link',
      stroke: link.cluster === null ? '#555' : categoryColour(link.cluster),
      'data-merge': link.merge,
    })
    const title = svg(document, 'title')
    title.textContent = `${model.leaves[link.merge]!.length} units merged at distance ${payload.merges[link.merge]![2].toFixed(3)}: click to highlight them`
    path.append(title)
    path.addEventListener('click', () => setHighlight(new Set(model.leaves[link.merge]), ''))
    side.append(path)
  }
  payload.order.forEach((unit, i) => {
    const y = i * cell
    if (names) {
      const text = svg(document, 'text', {
        x: TREE_WIDTH + NAME_WIDTH - 4,
        y: y + cell / 2 + 4,
        'text-anchor': 'end',
        'font-size': 11,
        class: 'gw-clusters-unit',
        'data-unit': unit,
      })
      const name = payload.units[unit]!
      text.textContent = name.length > 14 ? `${name.slice(0, 13)}…` : name
      side.append(text)
    }
    const k = payload.clusters[unit]!
    const band = svg(document, 'rect', {
      x: sideWidth - BAND_WIDTH - 1,
      y,
      width: BAND_WIDTH,
      height: cell,
      fill: categoryColour(k),
      class: 'gw-clusters-band',
      'data-unit': unit,
      'data-cluster': k,
    })
    band.addEventListener('click', () => {
      chooser.input.value = String(k)
      setHighlight(new Set(model.members[k]), String(k))
    })
    side.append(band)
  })
  const canvas = el(document, 'canvas', 'gw-clusters-cells')
  canvas.setAttribute('role', 'img')
  canvas.setAttribute('aria-label', payload.title)
  body.append(side, canvas)
  root.append(body)

  const tooltip = el(document, 'div', 'gw-matrix-tooltip gw-clusters-tooltip')
  tooltip.hidden = true
  root.append(tooltip)
  const examples = el(document, 'div', 'gw-clusters-examples')
  root.append(examples)

  const pictures = payload.examples ? base64ToBytes(payload.examples.data) : null
  function showExamples(unit: number): void {
    examples.replaceChildren()
    if (!payload.examples || !pictures) return
    const [, k, h, w, channels] = payload.examples.shape as [number, number, number, number, number]
    examples.append(
      el(document, 'div', 'gw-clusters-examples-title', `Top examples of ${payload.units[unit]}`),
    )
    for (let j = 0; j < k; j++) {
      const c = el(document, 'canvas', 'gw-clusters-example')
      c.width = w
      c.height = h
      c.style.width = `${w * 2}px`
      c.style.height = `${h * 2}px`
      const g = c.getContext('2d')
      if (g) {
        const image = g.createImageData(w, h)
        const offset = (unit * k + j) * h * w * channels
        for (let p = 0; p < h * w; p++) {
          for (let q = 0; q < 3; q++)
            image.data[p * 4 + q] = pictures[offset + p * channels + (channels === 3 ? q : 0)]!
          image.data[p * 4 + 3] = 255
        }
        g.putImageData(image, 0, 0)
      }
      examples.append(c)
    }
  }
  const place = (event: MouseEvent, text: string) => {
    tooltip.hidden = false
    tooltip.textContent = text
    const box = root.getBoundingClientRect()
    tooltip.style.left = `${event.clientX - box.left + 14}px`
    tooltip.style.top = `${event.clientY - box.top + 14}px`
  }
  side.addEventListener('mousemove', (event) => {
    const target = event.target as Element
    const unit = target.getAttribute?.('data-unit')
    if (unit === null || unit === undefined) return void (tooltip.hidden = true)
    place(event, unitText(model, Number(unit)))
    showExamples(Number(unit))
  })
  side.addEventListener('mouseleave', () => (tooltip.hidden = true))
  canvas.addEventListener('mousemove', (event) => {
    const box = canvas.getBoundingClientRect()
    const i = Math.floor((event.clientY - box.top) / cell)
    const j = Math.floor((event.clientX - box.left) / cell)
    if (i < 0 || j < 0 || i >= d || j >= d) return void (tooltip.hidden = true)
    const [a, b] = [payload.order[i]!, payload.order[j]!]
    place(event, `${cellText(model, a, b)} · ${unitText(model, a)}`)
    showExamples(a)
  })
  canvas.addEventListener('mouseleave', () => (tooltip.hidden = true))

  const ratio = () => document.defaultView?.devicePixelRatio ?? 1
  function setHighlight(units: Set<number> | null, chosen: string): void {
    highlight = units && units.size > 0 ? units : null
    chooser.input.value = chosen
    side.querySelectorAll('.gw-clusters-unit, .gw-clusters-band').forEach((node) => {
      node.classList.toggle(
        'gw-clusters-highlighted',
        !!highlight?.has(Number(node.getAttribute('data-unit'))),
      )
    })
    selection.textContent = highlight
      ? `${highlight.size} unit${highlight.size === 1 ? '' : 's'} highlighted: ${payload.order
          .filter((u) => highlight!.has(u))
          .slice(0, 12)
          .map((u) => payload.units[u])
          .join(', ')}${highlight.size > 12 ? ', …' : ''}`
      : ''
    drawHeatmap(canvas, model, cell, highlight, ratio())
  }
  setHighlight(null, '')
  host.append(root)
  return { dispose: () => root.remove() }
}
