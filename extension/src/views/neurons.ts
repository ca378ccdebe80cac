/**
 * Neuron dictionary: a grid of unit cards (feature visualization, top examples, concept and IoU,
 * tuning sparkline, measures); sort, filter by concept, search; a detail panel per unit.
 */
import type { NeuronsPayload, NeuronUnit } from '../../../src/display/schema'
import { el, formatNumber, select, svg } from './dom'
import { displayScale, imageToCanvas } from './image'
import {
  arrangeUnits,
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
  if (unit.ablationEffect != null) parts.push(`ablation ${formatNumber(unit.ablationEffect)}`)
  return parts.join(' · ')
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
      if (unit.concept)
        card.append(
          el(document, 'div', 'gw-concept', `${unit.concept.label} · IoU ${unit.concept.iou.toFixed(2)}`),
        )
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
      for (const example of unit.topExamples) {
        const figure = el(document, 'figure', '')
        figure.append(await picture(example.image, 64, document))
        const label = example.label ? ` · ${example.label}` : ''
        figure.append(el(document, 'figcaption', '', `${formatNumber(example.activation)}${label}`))
        strip.append(figure)
      }
      parts.push(strip)
    }
    const concepts = unit.concepts?.length ? unit.concepts : unit.concept ? [unit.concept] : []
    for (const concept of concepts)
      parts.push(el(document, 'div', 'gw-concept', `${concept.label}: IoU ${concept.iou.toFixed(3)}`))
    if (unit.tuning?.length) {
      parts.push(sparkline(unit.tuning, document, 240, 48))
      const labels = payload.tuningLabels ?? unit.tuning.map((_, k) => String(k))
      parts.push(
        el(
          document,
          'div',
          'gw-measures',
          unit.tuning.map((v, k) => `${labels[k] ?? k}: ${formatNumber(v)}`).join('  '),
        ),
      )
    }
    const text = measures(unit)
    if (text) parts.push(el(document, 'div', 'gw-measures', text))
    if (unit.note) parts.push(el(document, 'div', 'gw-unit-note', unit.note))
    detail.replaceChildren(...parts)
  }

  arrange()
  return { dispose: () => root.remove() }
}
