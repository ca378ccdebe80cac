/**
 * A tabular `gw.compare`: for one example (or all of them), each feature's attribution under each
 * method as grouped horizontal bars, one colour per method, labelled `name = value`. Payload strings
 * are shown as text only.
 */
import { decodeArray } from '../../../src/display/codec'
import { methodColour, type ComparisonScale } from '../../../src/display/feature-comparison'
import type { TabularFeaturesPayload } from '../../../src/display/schema'
import { el, formatNumber, select, svg } from './dom'
import { comparisonLayout } from './features-compare-model'
import { LABEL, rowLabel, text } from './features-svg'

const PLOT = 320
const GEOMETRY = { left: LABEL, width: PLOT, bar: 7, gap: 10, max: 15 }
const ALL = 'all'

function legend(document: Document, methods: string[]): HTMLElement {
  const box = el(document, 'div', 'gw-compare-legend')
  box.style.display = 'flex'
  box.style.flexWrap = 'wrap'
  box.style.gap = '4px 14px'
  methods.forEach((method, m) => {
    const item = el(document, 'span', 'gw-legend-item')
    const swatch = el(document, 'span', 'gw-swatch')
    swatch.style.background = methodColour(m)
    swatch.style.borderRadius = '2px'
    item.append(swatch, el(document, 'span', 'gw-compare-method', method))
    box.append(item)
  })
  return box
}

function drawChart(
  document: Document,
  p: TabularFeaturesPayload,
  values: Float32Array,
  example: number | null,
  scale: ComparisonScale,
): SVGElement {
  const methods = p.comparison!.methods
  const layout = comparisonLayout(p, values, methods.length, example, scale, GEOMETRY)
  const height = layout.height + 24
  const width = LABEL + PLOT + 30
  const root = svg(document, 'svg', { width, height, class: 'gw-compare', viewBox: `0 0 ${width} ${height}` })
  root.append(
    svg(document, 'line', { x1: layout.zero, x2: layout.zero, y1: 0, y2: layout.height, stroke: '#999' }),
  )
  for (const row of layout.rows) {
    const group = svg(document, 'g', { class: 'gw-compare-group' })
    group.append(rowLabel(document, row.centre, row.label))
    for (const bar of row.bars) {
      const rect = svg(document, 'rect', {
        x: bar.x,
        y: bar.y,
        width: bar.width,
        height: GEOMETRY.bar - 1,
        fill: bar.colour,
        class: 'gw-compare-bar',
        'data-method': bar.method,
      })
      const tooltip = svg(document, 'title')
      tooltip.textContent = `${methods[bar.method]}: ${formatNumber(bar.value)}`
      rect.append(tooltip)
      group.append(rect)
    }
    root.append(group)
  }
  if (layout.others > 0)
    root.append(text(document, LABEL, layout.height + 12, `and ${layout.others} other features`, 'start'))
  return root
}

/** Draws a comparison payload (`p.comparison` set) into `root`. */
export function renderComparison(root: HTMLElement, p: TabularFeaturesPayload, document: Document): void {
  const values = decodeArray(p.comparison!.attributions)
  const body = el(document, 'div', 'gw-example')
  let example: number | null = 0
  let scale: ComparisonScale = 'relative'
  const show = (): void => {
    const what =
      example === null
        ? `Mean |attribution| over ${p.outputs.length} examples`
        : `${p.exampleNames?.[example] ?? `Example ${example}`}: ${p.outputName} = ${formatNumber(p.outputs[example]!)}`
    const how = scale === 'relative' ? 'each method / its largest |value| here' : 'raw values, shared axis'
    body.replaceChildren(
      el(document, 'div', 'gw-subtitle', `${what} · ${how}`),
      drawChart(document, p, values, example, scale),
    )
  }
  const examples = [
    ...(p.outputs.length > 1
      ? [{ value: ALL, text: `All ${p.outputs.length} examples (mean |attribution|)` }]
      : []),
    ...p.outputs.map((output, i) => ({
      value: String(i),
      text: `${p.exampleNames?.[i] ?? `example ${i}`} (${formatNumber(output)})`,
    })),
  ]
  const scales = [
    { value: 'relative', text: 'Each method / its largest |value|' },
    { value: 'raw', text: 'Raw values' },
  ]
  const controls = el(document, 'div', 'gw-controls')
  controls.append(
    select(document, 'Example', examples, '0', (v) => {
      example = v === ALL ? null : Number(v)
      show()
    }).root,
    select(document, 'Scale', scales, scale, (v) => {
      scale = v === 'raw' ? 'raw' : 'relative'
      show()
    }).root,
  )
  root.append(
    el(document, 'div', 'gw-subtitle', `${p.comparison!.methods.length} methods, side by side`),
    legend(document, p.comparison!.methods),
    controls,
    body,
  )
  show()
}
