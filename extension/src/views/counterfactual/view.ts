/**
 * The counterfactual view (gw.counterfactuals). Tabular: the original row and each counterfactual side
 * by side, changed cells highlighted (hover one for original -> new), immutable features marked, the
 * probability of the target before and after, "only changed features" on by default. Images: original |
 * counterfactual | difference drawn from the arrays, the changed pixels counted (hover a pixel for its
 * values). Both show validity, proximity, sparsity and diversity, and the reason when none was found.
 */
import type { CounterfactualPayload } from '../../../../src/display/schema'
import { el, formatNumber, select } from '../dom'
import { rgbaToCanvas } from '../image'
import type { RenderView } from '../view'
import {
  cellText,
  changedOf,
  counterfactualModel,
  headline,
  imageShape,
  isChanged,
  isValid,
  metrics,
  pixelText,
  predictionText,
  shownFeatures,
  tableCSV,
  targetLabel,
  triptych,
  valueAt,
  type CounterfactualModel,
} from './model'

/** Strips the isolation marks the view puts around shown strings, for the CSV. */
const plain = (text: string): string => text.replace(/[\u2066-\u2069]/g, '')

/** The head every counterfactual view shares: headline, metrics, and the reason when none was found. */
function header(document: Document, model: CounterfactualModel): HTMLElement {
  const head = el(document, 'div', 'gw-cf-head')
  head.append(el(document, 'div', 'gw-cf-title', headline(model)))
  const list = el(document, 'div', 'gw-cf-metrics')
  for (const [name, value, meaning] of metrics(model)) {
    const item = el(document, 'span', 'gw-cf-metric')
    item.dataset.metric = name
    item.title = meaning
    item.append(
      el(document, 'span', 'gw-cf-metric-name', name),
      el(document, 'span', 'gw-cf-metric-value', value),
    )
    list.append(item)
  }
  head.append(list)
  if (model.payload.reason) {
    const reason = el(document, 'div', 'gw-cf-reason')
    reason.append(
      el(document, 'strong', '', 'Why none was found: '),
      el(document, 'span', '', model.payload.reason),
    )
    head.append(reason)
  }
  return head
}

/** Places the tooltip near the pointer inside `root`. */
function showTooltip(tooltip: HTMLElement, root: HTMLElement, event: MouseEvent, text: string): void {
  tooltip.textContent = text
  tooltip.hidden = false
  const box = root.getBoundingClientRect()
  tooltip.style.left = `${event.clientX - box.left + 14}px`
  tooltip.style.top = `${event.clientY - box.top + 14}px`
}

function renderTable(document: Document, root: HTMLElement, model: CounterfactualModel): void {
  const payload = model.payload
  const ks = Array.from({ length: model.count }, (_, k) => k)
  let onlyChanged = model.count > 0
  const controls = el(document, 'div', 'gw-controls')
  const toggle = el(document, 'label', 'gw-control gw-cf-only-changed')
  const box = el(document, 'input')
  box.type = 'checkbox'
  box.checked = onlyChanged
  box.disabled = model.count === 0
  toggle.append(box, document.createTextNode(' only changed features'))
  const download = el(document, 'button', 'gw-button gw-cf-csv', 'CSV')
  download.title = 'Download the table as CSV'
  download.addEventListener('click', () => {
    const blob = new Blob([plain(tableCSV(model))], { type: 'text/csv' })
    const link = el(document, 'a')
    link.href = URL.createObjectURL(blob)
    link.download = 'counterfactuals.csv'
    link.click()
    setTimeout(() => URL.revokeObjectURL(link.href), 1000)
  })
  controls.append(toggle, download)
  root.append(controls)

  const table = el(document, 'table', 'gw-cf-table')
  const head = el(document, 'tr')
  head.append(el(document, 'th', '', 'feature'), el(document, 'th', '', 'original'))
  for (const k of ks) {
    const th = el(
      document,
      'th',
      isValid(model, k) ? 'gw-cf-valid' : 'gw-cf-invalid',
      `counterfactual ${k + 1}`,
    )
    th.title = `${changedOf(model, k).length} features changed`
    head.append(th)
  }
  const thead = el(document, 'thead')
  thead.append(head)
  const body = el(document, 'tbody')
  const foot = el(document, 'tfoot')
  const prediction = el(document, 'tr', 'gw-cf-prediction')
  prediction.append(el(document, 'th', '', `p(${targetLabel(payload)})`))
  for (const k of [-1, ...ks]) {
    const td = el(
      document,
      'td',
      k >= 0 ? (isValid(model, k) ? 'gw-cf-valid' : 'gw-cf-invalid') : '',
      predictionText(model, k),
    )
    td.title =
      k < 0
        ? `the original: p(${targetLabel(payload)}) = ${payload.originalProbability}`
        : `${formatNumber(payload.originalProbability)} → ${formatNumber(payload.probabilities[k]!)}; needs ≥ ${payload.threshold}`
    prediction.append(td)
  }
  const counts = el(document, 'tr', 'gw-cf-counts')
  counts.append(el(document, 'th', '', 'changed'), el(document, 'td', '', '–'))
  for (const k of ks) counts.append(el(document, 'td', '', String(changedOf(model, k).length)))
  foot.append(prediction, counts)
  table.append(thead, body, foot)
  const scroller = el(document, 'div', 'gw-cf-scroll')
  scroller.append(table)
  root.append(scroller)

  if (model.immutable.size) {
    const names = [...model.immutable].sort((a, b) => a - b).map((j) => payload.featureNames[j]!)
    root.append(
      el(document, 'div', 'gw-cf-immutable-list', `Immutable (held as they are): ${names.join(', ')}`),
    )
  }

  function drawRows(): void {
    body.replaceChildren()
    for (const j of shownFeatures(model, onlyChanged)) {
      const tr = el(document, 'tr', model.immutable.has(j) ? 'gw-cf-row gw-cf-row-immutable' : 'gw-cf-row')
      const name = el(document, 'th', 'gw-cf-name', payload.featureNames[j])
      if (model.immutable.has(j)) name.append(el(document, 'span', 'gw-cf-immutable', 'immutable'))
      tr.append(name)
      for (const k of [-1, ...ks]) {
        const changed = k >= 0 && isChanged(model, k, j)
        const td = el(
          document,
          'td',
          changed ? 'gw-cf-cell gw-cf-changed' : 'gw-cf-cell',
          formatNumber(valueAt(model, k, j)),
        )
        td.dataset.k = String(k)
        td.dataset.j = String(j)
        td.title = cellText(model, k, j)
        tr.append(td)
      }
      body.append(tr)
    }
  }
  box.addEventListener('change', () => {
    onlyChanged = box.checked
    drawRows()
  })
  const tooltip = el(document, 'div', 'gw-cf-tooltip')
  tooltip.hidden = true
  root.append(tooltip)
  body.addEventListener('mouseover', (event) => {
    const cell = (event.target as HTMLElement).closest?.('td.gw-cf-cell') as HTMLElement | null
    if (!cell) return
    showTooltip(tooltip, root, event, cellText(model, Number(cell.dataset.k), Number(cell.dataset.j)))
  })
  body.addEventListener('mouseleave', () => (tooltip.hidden = true))
  drawRows()
}

/** Whole-number enlargement of small images so that single pixels can be seen and hovered. */
const enlargement = (width: number): number => Math.max(1, Math.min(10, Math.floor(240 / width)))

function renderImages(document: Document, root: HTMLElement, model: CounterfactualModel): void {
  const [height, width] = imageShape(model)
  const scale = enlargement(width)
  let k = 0
  if (model.count > 1) {
    const options = Array.from({ length: model.count }, (_, i) => ({
      value: String(i),
      text: `counterfactual ${i + 1}`,
    }))
    const chooser = select(document, 'Show', options, '0', (value) => {
      k = Number(value)
      draw()
    })
    chooser.input.classList.add('gw-cf-choose')
    const controls = el(document, 'div', 'gw-controls')
    controls.append(chooser.root)
    root.append(controls)
  }
  const panels = el(document, 'div', 'gw-cf-panels')
  root.append(panels)
  const tooltip = el(document, 'div', 'gw-cf-tooltip')
  tooltip.hidden = true
  root.append(tooltip)

  function panel(name: string, rgba: Uint8ClampedArray | null, caption: string): HTMLElement {
    const figure = el(document, 'figure', `gw-cf-panel gw-cf-panel-${name}`)
    if (rgba) {
      const canvas = rgbaToCanvas(rgba, width, height, document)
      canvas.style.width = `${width * scale}px`
      canvas.style.height = `${height * scale}px`
      canvas.classList.add('gw-cf-picture')
      canvas.addEventListener('mousemove', (event) => {
        const box = canvas.getBoundingClientRect()
        const column = Math.floor(((event.clientX - box.left) / box.width) * width)
        const row = Math.floor(((event.clientY - box.top) / box.height) * height)
        if (row < 0 || column < 0 || row >= height || column >= width) return
        showTooltip(
          tooltip,
          root,
          event,
          model.count ? pixelText(model, k, row, column) : pixelText(model, -1, row, column),
        )
      })
      canvas.addEventListener('mouseleave', () => (tooltip.hidden = true))
      figure.append(canvas)
    }
    figure.append(el(document, 'figcaption', '', caption))
    return figure
  }

  function draw(): void {
    panels.replaceChildren()
    const p = model.payload
    const label = targetLabel(p)
    if (model.count === 0) {
      const only = triptychOfOriginal(model)
      panels.append(panel('original', only, `original · p(${label}) ${p.originalProbability.toFixed(3)}`))
      return
    }
    const pictures = triptych(model, k)
    panels.append(
      panel('original', pictures.original, `original · p(${label}) ${p.originalProbability.toFixed(3)}`),
      panel(
        'counterfactual',
        pictures.counterfactual,
        `counterfactual ${k + 1} · p(${label}) ${p.probabilities[k]!.toFixed(3)}`,
      ),
      panel(
        'difference',
        pictures.difference,
        `difference · ${pictures.changed} of ${width * height} pixels changed`,
      ),
    )
    panels.querySelector('.gw-cf-panel-difference')!.setAttribute('data-changed', String(pictures.changed))
  }
  draw()
}

/** The original alone (no counterfactual to compare with), on its own grey scale. */
function triptychOfOriginal(model: CounterfactualModel): Uint8ClampedArray {
  const alone: CounterfactualModel = { ...model, count: 1, counterfactuals: model.original }
  return triptych(alone, 0).original
}

/** Draws a counterfactual set: the table for rows, the triptych for images. */
export const renderCounterfactual: RenderView<CounterfactualPayload> = (host, payload, { document }) => {
  const model = counterfactualModel(payload)
  const root = el(document, 'div', `gw-counterfactual gw-cf-${payload.modality}`)
  root.append(header(document, model))
  if (payload.modality === 'image') renderImages(document, root, model)
  else renderTable(document, root, model)
  host.append(root)
  return { dispose: () => root.remove() }
}
