/**
 * Feature attributions: per-example waterfall and bar charts and a global beeswarm for tabular
 * models (grouped bars per method for a `gw.compare`, in features-compare.ts); tokens highlighted
 * with signed colours for text models. Drawn as SVG with text nodes.
 */
import { decodeArray } from '../../../src/display/codec'
import type {
  FeaturesPayload,
  TabularFeaturesPayload,
  TextFeaturesPayload,
} from '../../../src/display/schema'
import { signedCss } from './colormap'
import { el, formatNumber, select, svg } from './dom'
import {
  beeswarmOffsets,
  byMagnitude,
  countOf,
  extentWithZero,
  featureLabels,
  globalImportance,
  lowHighCss,
  numericFeatures,
  ticks,
  waterfall,
} from './features-model'
import { renderComparison } from './features-compare'
import { LABEL, rowLabel, text } from './features-svg'
import type { RenderView } from './view'

const ROW = 22
const PLOT = 320

/** The text with its first letter in upper case: 'example 0' -> 'Example 0'. */
function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function axisScale(lo: number, hi: number): (v: number) => number {
  return (v) => LABEL + ((v - lo) / (hi - lo || 1)) * PLOT
}

function chart(document: Document, rows: number, className: string): SVGElement {
  const height = rows * ROW + 24
  return svg(document, 'svg', {
    width: LABEL + PLOT + 70,
    height,
    class: className,
    viewBox: `0 0 ${LABEL + PLOT + 70} ${height}`,
  })
}

function drawWaterfall(
  document: Document,
  p: TabularFeaturesPayload,
  matrix: Float32Array,
  example: number,
  labels: string[],
): SVGElement {
  const f = p.featureNames.length
  const steps = waterfall(matrix.subarray(example * f, example * f + f), labels, p.baseValues[example]!, 12)
  const all = steps.flatMap((s) => [s.start, s.end])
  const x = axisScale(Math.min(...all), Math.max(...all))
  const root = chart(document, steps.length + 2, 'gw-waterfall')
  steps.forEach((step, row) => {
    const y = row * ROW + 4
    const [a, b] = [x(step.start), x(step.end)]
    root.append(
      svg(document, 'rect', {
        x: Math.min(a, b),
        y,
        width: Math.max(1, Math.abs(b - a)),
        height: ROW - 6,
        fill: step.value >= 0 ? '#d6604d' : '#4393c3',
      }),
    )
    root.append(rowLabel(document, y + ROW / 2 - 3, step.name))
    root.append(
      text(
        document,
        Math.max(a, b) + 4,
        y + ROW / 2 - 3,
        `${step.value >= 0 ? '+' : ''}${formatNumber(step.value)}`,
        'start',
      ),
    )
  })
  const y = steps.length * ROW + 4
  const base = x(p.baseValues[example]!)
  const output = x(steps.length ? steps[steps.length - 1]!.end : p.baseValues[example]!)
  for (const at of [base, output])
    root.append(
      svg(document, 'line', { x1: at, x2: at, y1: 0, y2: y, stroke: '#888', 'stroke-dasharray': '3 3' }),
    )
  root.append(text(document, base, y + 8, `base ${formatNumber(p.baseValues[example]!)}`, 'middle'))
  root.append(
    text(document, output, y + 20, `${p.outputName} = ${formatNumber(p.outputs[example]!)}`, 'middle'),
  )
  return root
}

function drawBars(document: Document, labels: string[], values: Float32Array, title: string): HTMLElement {
  const box = el(document, 'div', 'gw-chart')
  box.append(el(document, 'div', 'gw-subtitle', title))
  const order = byMagnitude(values).slice(0, 12)
  const [lo, hi] = extentWithZero(order.map((i) => values[i]!))
  const x = axisScale(lo, hi)
  const root = chart(document, order.length, 'gw-bars')
  order.forEach((i, row) => {
    const y = row * ROW + 4
    const v = values[i]!
    root.append(
      svg(document, 'rect', {
        x: Math.min(x(0), x(v)),
        y,
        width: Math.max(1, Math.abs(x(v) - x(0))),
        height: ROW - 6,
        fill: v >= 0 ? '#d6604d' : '#4393c3',
      }),
    )
    root.append(rowLabel(document, y + ROW / 2 - 3, labels[i] ?? `feature ${i}`))
    root.append(text(document, Math.max(x(0), x(v)) + 4, y + ROW / 2 - 3, formatNumber(v), 'start'))
  })
  box.append(root)
  return box
}

/** Row height of the beeswarm: room for the dots of one feature to spread. */
const SWARM_ROW = 30
/** Radius of a beeswarm dot. */
const DOT = 2.2
/** How many features the beeswarm shows at most, most important first. */
const SWARM_FEATURES = 30

function drawBeeswarm(
  document: Document,
  p: TabularFeaturesPayload,
  matrix: Float32Array,
  values: Float32Array | null,
): HTMLElement {
  const n = p.outputs.length
  const f = p.featureNames.length
  const numeric = numericFeatures(p.valueLabels, f)
  const box = el(document, 'div', 'gw-chart')
  const colours = values
    ? numeric.every(Boolean)
      ? 'colour: feature value, blue low, red high'
      : 'colour: value of numeric features, blue low, red high; grey: categorical'
    : 'no feature values sent'
  box.append(
    el(document, 'div', 'gw-subtitle', `Global importance over ${countOf(n, 'example')} (${colours})`),
  )
  const order = byMagnitude(globalImportance(p.importance, matrix, n, f)).slice(0, SWARM_FEATURES)
  if (order.length < f)
    box.append(el(document, 'div', 'gw-measures', `the ${order.length} most important of ${f} features`))
  const [lo, hi] = extentWithZero(matrix)
  const x = axisScale(lo, hi)
  const height = order.length * SWARM_ROW
  const root = svg(document, 'svg', {
    width: LABEL + PLOT + 70,
    height: height + 40,
    class: 'gw-beeswarm',
    viewBox: `0 0 ${LABEL + PLOT + 70} ${height + 40}`,
  })
  root.append(svg(document, 'line', { x1: x(0), x2: x(0), y1: 0, y2: height, stroke: '#999' }))
  // Bins one dot wide; a crowded bin's stack is squeezed to fit its row rather than spill over.
  const bins = Math.round(PLOT / (2 * DOT))
  order.forEach((feature, row) => {
    const xs = Float32Array.from({ length: n }, (_, r) => matrix[r * f + feature]!)
    const column =
      values && numeric[feature] ? Float32Array.from({ length: n }, (_, r) => values[r * f + feature]!) : null
    const [vlo, vhi] = column ? [Math.min(...column), Math.max(...column)] : [0, 1]
    const offsets = beeswarmOffsets(xs, bins, lo, hi)
    const widest = Math.max(1, ...Array.from(offsets, Math.abs))
    const spacing = Math.min(2 * DOT, (SWARM_ROW / 2 - DOT) / widest)
    const centre = row * SWARM_ROW + SWARM_ROW / 2
    xs.forEach((v, r) => {
      // A value all examples share is neither low nor high: the scale's middle.
      const colour = column ? lowHighCss(vhi > vlo ? (column[r]! - vlo) / (vhi - vlo) : 0.5) : '#777'
      root.append(
        svg(document, 'circle', { cx: x(v), cy: centre + offsets[r]! * spacing, r: DOT, fill: colour }),
      )
    })
    root.append(rowLabel(document, centre, p.featureNames[feature] ?? `feature ${feature}`))
  })
  // The x scale: round ticks of the attribution, and what it is.
  root.append(svg(document, 'line', { x1: x(lo), x2: x(hi), y1: height, y2: height, stroke: '#999' }))
  for (const tick of ticks(lo, hi, 5)) {
    root.append(
      svg(document, 'line', { x1: x(tick), x2: x(tick), y1: height, y2: height + 4, stroke: '#999' }),
    )
    root.append(text(document, x(tick), height + 12, formatNumber(tick), 'middle'))
  }
  root.append(
    text(document, x((lo + hi) / 2), height + 28, `attribution (change in ${p.outputName})`, 'middle'),
  )
  box.append(root)
  return box
}

function renderTabular(root: HTMLElement, p: TabularFeaturesPayload, document: Document): void {
  const matrix = decodeArray(p.attributions)
  const values = p.values ? decodeArray(p.values) : null
  const f = p.featureNames.length
  const perExample = el(document, 'div', 'gw-example')
  const show = (example: number): void => {
    const row = matrix.subarray(example * f, example * f + f)
    const labels = featureLabels(p.featureNames, p.valueLabels?.[example])
    perExample.replaceChildren(
      el(
        document,
        'div',
        'gw-subtitle',
        `${capitalized(p.exampleNames?.[example] ?? `example ${example}`)}: waterfall from base value to output`,
      ),
      drawWaterfall(document, p, matrix, example, labels),
      drawBars(document, labels, Float32Array.from(row), 'Attribution per feature'),
    )
  }
  const names = p.outputs.map((output, i) => ({
    value: String(i),
    text: `${p.exampleNames?.[i] ?? `example ${i}`} (${formatNumber(output)})`,
  }))
  const controls = el(document, 'div', 'gw-controls')
  controls.append(select(document, 'Example', names, '0', (v) => show(Number(v))).root)
  root.append(controls, perExample)
  // A beeswarm of one example is one dot per feature: the bars above already show it.
  if (p.outputs.length > 1) root.append(drawBeeswarm(document, p, matrix, values))
  show(0)
}

/** A sentence with its tokens coloured by signed value, each token's value in its tooltip. */
function tokenLine(document: Document, tokens: string[], values: number[]): HTMLElement {
  const scale = Math.max(1e-9, ...values.map(Math.abs))
  const line = el(document, 'div', 'gw-tokens')
  tokens.forEach((token, i) => {
    const value = values[i]!
    const span = el(document, 'span', 'gw-token', token)
    span.style.background = signedCss(value / scale)
    span.style.color = Math.abs(value / scale) > 0.6 ? 'white' : 'black'
    span.title = `${token}: ${formatNumber(value)}`
    line.append(span, document.createTextNode(' '))
  })
  return line
}

function renderText(root: HTMLElement, p: TextFeaturesPayload, document: Document): void {
  for (const example of p.examples) {
    const box = el(document, 'div', 'gw-text-example')
    const label = example.label ? ` · label ${example.label}` : ''
    box.append(
      el(
        document,
        'div',
        'gw-subtitle',
        `${p.outputName} = ${formatNumber(example.output)} (base ${formatNumber(example.baseValue)})${label}`,
      ),
    )
    if (p.methods && example.byMethod) {
      // gw.compare: the sentence once per method, each coloured on its own scale.
      p.methods.forEach((method, m) => {
        const row = el(document, 'div', 'gw-compare-tokens')
        row.append(
          el(document, 'div', 'gw-compare-method', method),
          tokenLine(document, example.tokens, example.byMethod![m]!),
        )
        box.append(row)
      })
    } else box.append(tokenLine(document, example.tokens, example.attributions))
    root.append(box)
  }
}

/** Draws feature attributions; see the module comment. */
export const renderFeatures: RenderView<FeaturesPayload> = (host, payload, { document }) => {
  const root = el(document, 'div', 'gw-features')
  root.append(el(document, 'div', 'gw-title', `${payload.provenance.method} · ${payload.outputName}`))
  if (payload.modality === 'tabular' && payload.comparison) renderComparison(root, payload, document)
  else if (payload.modality === 'tabular') renderTabular(root, payload, document)
  else renderText(root, payload, document)
  host.append(root)
  return { dispose: () => root.remove() }
}
