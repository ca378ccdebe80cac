/**
 * Neuron dictionary: a grid of unit cards (feature visualization, top examples, concept and IoU,
 * tuning sparkline, measures); sort, filter by concept, search; a detail panel per unit.
 */
import { decodeArray } from '../../../src/display/codec'
import type { EncodedArray, EncodedImage, NeuronsPayload, NeuronUnit } from '../../../src/display/schema'
import { attributionToRgba } from './colormap'
import { el, formatNumber, select, svg } from './dom'
import { displayScale, imageToCanvas, rgbaToCanvas } from './image'
import {
  ablationText,
  arrangeUnits,
  conceptText,
  tuningAxis,
  availableSorts,
  conceptsOf,
  SORT_LABELS,
  sparklinePoints,
  type NeuronSort,
} from './neurons-model'
import type { RenderView } from './view'

async function picture(
  image: NonNullable<NeuronUnit['visualization']>,
  size: number,
  document: Document,
): Promise<HTMLCanvasElement> {
  const source = await imageToCanvas(image, document)
  const canvas = el(document, 'canvas', 'gw-picture')
  const scale = displayScale(image.width, size)
  canvas.width = Math.round(image.width * scale)
  canvas.height = Math.round(image.height * scale)
  const context = canvas.getContext('2d')
  if (context) {
    context.imageSmoothingEnabled = false
    context.drawImage(source, 0, 0, canvas.width, canvas.height)
  }
  return canvas
}

function sparkline(values: number[], document: Document, width = 80, height = 20): SVGElement {
  const root = svg(document, 'svg', {
    width,
    height,
    class: 'gw-sparkline',
    viewBox: `0 0 ${width} ${height}`,
  })
  root.append(
    svg(document, 'polyline', {
      points: sparklinePoints(values, width, height),
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.5,
    }),
  )
  return root
}

function measures(unit: NeuronUnit): string {
  const parts: string[] = []
  if (unit.selectivity != null) parts.push(`sel ${formatNumber(unit.selectivity)}`)
  const ablation = ablationText(unit)
  if (ablation) parts.push(ablation)
  return parts.join(' · ')
}

/** A concept line, weak matches marked as such. */
function conceptLine(document: Document, concept: { label: string; iou: number }): HTMLElement {
  const { text, weak } = conceptText(concept)
  return el(document, 'div', weak ? 'gw-concept gw-concept-weak' : 'gw-concept', text)
}

/** A top example's activation map (the layer's resolution) as a picture of the example's size. */
function activationMap(
  map: EncodedArray,
  image: EncodedImage,
  size: number,
  document: Document,
): HTMLCanvasElement {
  const [height, width] = map.shape as [number, number]
  const small = rgbaToCanvas(
    attributionToRgba(decodeArray(map), { mode: 'absolute', clipPercentile: 100 }),
    width,
    height,
    document,
  )
  const canvas = el(document, 'canvas', 'gw-picture gw-activation-map')
  const scale = displayScale(image.width, size)
  canvas.width = Math.round(image.width * scale)
  canvas.height = Math.round(image.height * scale)
  const context = canvas.getContext('2d')
  if (context) {
    context.fillStyle = '#000'
    context.fillRect(0, 0, canvas.width, canvas.height)
    context.imageSmoothingEnabled = false
    context.drawImage(small, 0, 0, canvas.width, canvas.height)
  }
  canvas.title = 'where the unit fires on this example'
  return canvas
}

/**
 * The detail panel's tuning curve: the sparkline with its axes, the swept values (orientations in
 * degrees) along x and the unit's mean activation, lowest and highest, along y.
 */
function tuningChart(unit: NeuronUnit, labels: string[] | null, document: Document): SVGElement {
  const tuning = unit.tuning!
  const axis = tuningAxis(unit)
  const [left, bottom, width, height] = [44, 30, 240, 60]
  const root = svg(document, 'svg', {
    width: left + width + 12,
    height: height + bottom + 20,
    class: 'gw-tuning-chart',
  })
  const plot = svg(document, 'g', { transform: `translate(${left}, 20)` })
  plot.append(
    svg(document, 'polyline', {
      points: sparklinePoints(tuning, width, height),
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 1.5,
    }),
    svg(document, 'line', { x1: 0, y1: height, x2: width, y2: height, stroke: '#999' }),
    svg(document, 'line', { x1: 0, y1: 0, x2: 0, y2: height, stroke: '#999' }),
  )
  const text = (content: string, attributes: Record<string, string | number>): SVGElement => {
    const node = svg(document, 'text', { 'font-size': 10, fill: 'currentColor', ...attributes })
    node.textContent = content
    return node
  }
  const name = (k: number): string => labels?.[k] ?? `${formatNumber(axis.values[k] ?? k)}${axis.unit}`
  const last = tuning.length - 1
  for (const k of [...new Set([0, Math.round(last / 2), last])])
    plot.append(
      text(name(k), {
        x: last > 0 ? (k / last) * width : 0,
        y: height + 12,
        'text-anchor': k === 0 ? 'start' : k === last ? 'end' : 'middle',
      }),
    )
  plot.append(
    text(axis.name, { x: width / 2, y: height + 25, 'text-anchor': 'middle' }),
    text(formatNumber(Math.max(...tuning)), { x: -4, y: 8, 'text-anchor': 'end' }),
    text(formatNumber(Math.min(...tuning)), { x: -4, y: height, 'text-anchor': 'end' }),
  )
  // The y axis's name above it, where it needs no rotation.
  plot.append(text('mean activation', { x: -left, y: -8 }))
  root.append(plot)
  return root
}

/** Draws the neuron dictionary; see the module comment. */
export const renderNeurons: RenderView<NeuronsPayload> = async (host, payload, { document }) => {
  const state = { sort: 'index' as NeuronSort, concept: null as string | null, query: '', open: -1 }
  const root = el(document, 'div', 'gw-neurons')
  root.append(
    el(
      document,
      'div',
      'gw-title',
      `${payload.layer} · ${payload.units.length} units · ${payload.provenance.method}`,
    ),
  )
  const controls = el(document, 'div', 'gw-controls')
  const grid = el(document, 'div', 'gw-unit-grid')
  const detail = el(document, 'div', 'gw-detail')
  root.append(controls, grid, detail)
  host.append(root)

  const sorts = availableSorts(payload.units)
  controls.append(
    select(
      document,
      'Sort by',
      sorts.map((s) => ({ value: s, text: SORT_LABELS[s] })),
      state.sort,
      (v) => {
        state.sort = v as NeuronSort
        arrange()
      },
    ).root,
  )
  const concepts = conceptsOf(payload.units)
  if (concepts.length > 0)
    controls.append(
      select(
        document,
        'Concept',
        [{ value: '', text: 'all' }, ...concepts.map((c) => ({ value: `=${c}`, text: c }))],
        '',
        (v) => {
          state.concept = v ? v.slice(1) : null
          arrange()
        },
      ).root,
    )
  const search = el(document, 'input', 'gw-search')
  search.type = 'search'
  search.placeholder = 'search unit or concept'
  search.addEventListener('input', () => {
    state.query = search.value
    arrange()
  })
  controls.append(search)
  const count = el(document, 'span', 'gw-status')
  controls.append(count)

  const cards = await Promise.all(
    payload.units.map(async (unit, position) => {
      const card = el(document, 'div', 'gw-unit')
      card.dataset.unit = String(unit.index)
      card.append(el(document, 'div', 'gw-unit-name', `unit ${unit.index}`))
      if (unit.visualization) card.append(await picture(unit.visualization, 72, document))
      if (unit.topExamples?.length) {
        const strip = el(document, 'div', 'gw-examples')
        for (const example of unit.topExamples.slice(0, 4))
          strip.append(await picture(example.image, 24, document))
        card.append(strip)
      }
      if (unit.concept) card.append(conceptLine(document, unit.concept))
      if (unit.tuning?.length) card.append(sparkline(unit.tuning, document))
      const text = measures(unit)
      if (text) card.append(el(document, 'div', 'gw-measures', text))
      if (unit.note) card.append(el(document, 'div', 'gw-unit-note', unit.note))
      card.addEventListener('click', () => void open(position))
      return card
    }),
  )

  const arrange = (): void => {
    const order = arrangeUnits(payload.units, state)
    grid.replaceChildren(...order.map((position) => cards[position]!))
    count.textContent = `${order.length} of ${payload.units.length}`
  }

  const open = async (position: number): Promise<void> => {
    if (state.open === position) {
      state.open = -1
      detail.replaceChildren()
      return
    }
    state.open = position
    const unit = payload.units[position]!
    const parts: Node[] = [el(document, 'div', 'gw-subtitle', `unit ${unit.index} of ${payload.layer}`)]
    if (unit.visualization) parts.push(await picture(unit.visualization, 160, document))
    if (unit.topExamples?.length) {
      const strip = el(document, 'div', 'gw-examples gw-examples-large')
      parts.push(
        el(
          document,
          'div',
          'gw-measures',
          'Top examples, each with where the unit fires on it (brighter: stronger), and its activation.',
        ),
      )
      for (const example of unit.topExamples) {
        const figure = el(document, 'figure', '')
        figure.append(await picture(example.image, 64, document))
        if (example.map) figure.append(activationMap(example.map, example.image, 64, document))
        const label = example.label ? ` · ${example.label}` : ''
        figure.append(el(document, 'figcaption', '', `${formatNumber(example.activation)}${label}`))
        strip.append(figure)
      }
      parts.push(strip)
    }
    const concepts = unit.concepts?.length ? unit.concepts : unit.concept ? [unit.concept] : []
    for (const concept of concepts) parts.push(conceptLine(document, concept))
    if (unit.tuning?.length) parts.push(tuningChart(unit, payload.tuningLabels ?? null, document))
    const text = measures(unit)
    if (text) parts.push(el(document, 'div', 'gw-measures', text))
    if (unit.note) parts.push(el(document, 'div', 'gw-unit-note', unit.note))
    detail.replaceChildren(...parts)
  }

  arrange()
  return { dispose: () => root.remove() }
}
