/**
 * The surrogate view (gw.distill): the fidelity-versus-depth curve (agreement with the model on the
 * training rows and held out, the chosen depth marked) beside the tree drawn as a tree; a rule list as
 * an ordered list with each rule's coverage and precision; a GAM as one small step chart per feature,
 * strongest first, per class; and the rules or equations as text. Every payload string goes in as text.
 */
import type { SurrogatePayload } from '../../../../src/display/schema'
import { el, select, svg } from '../dom'
import type { RenderView } from '../view'
import { curveSeries, layoutTree, ruleRows, shapeCharts } from './model'

const NODE_WIDTH = 140
const NODE_HEIGHT = 34
const ROW = 70

function text(
  document: Document,
  x: number,
  y: number,
  value: string,
  attributes: Record<string, string | number> = {},
): SVGElement {
  const node = svg(document, 'text', { x, y, 'font-size': 11, 'text-anchor': 'middle', ...attributes })
  node.textContent = value
  return node
}

function drawCurve(document: Document, payload: SurrogatePayload): SVGElement {
  const width = 300
  const height = 220
  const pad = { left: 40, right: 10, top: 20, bottom: 36 }
  const root = svg(document, 'svg', { width, height, class: 'gw-surrogate-curve', role: 'img' })
  root.style.flex = '0 0 auto'
  const { train, heldOut } = curveSeries(payload)
  const depths = payload.curve.map((p) => p.depth)
  const minDepth = Math.min(...depths)
  const maxDepth = Math.max(...depths, minDepth + 1)
  const values = [...train, ...heldOut].map((p) => p[1])
  const low = Math.max(0, Math.floor(Math.min(...values, 1) * 10) / 10 - 0.05)
  const x = (d: number) =>
    pad.left + ((d - minDepth) / (maxDepth - minDepth)) * (width - pad.left - pad.right)
  const y = (v: number) => pad.top + (1 - (v - low) / (1 - low)) * (height - pad.top - pad.bottom)
  root.append(
    svg(document, 'line', { x1: pad.left, y1: y(low), x2: width - pad.right, y2: y(low), stroke: '#888' }),
  )
  root.append(svg(document, 'line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: y(low), stroke: '#888' }))
  for (const v of [low, (low + 1) / 2, 1])
    root.append(
      text(document, pad.left - 4, y(v) + 4, v.toFixed(2), { 'text-anchor': 'end', 'font-size': 10 }),
    )
  for (const d of depths) root.append(text(document, x(d), y(low) + 14, String(d), { 'font-size': 10 }))
  const axis = payload.surrogate === 'rules' ? 'rules before the default' : 'tree depth'
  root.append(text(document, (width + pad.left) / 2, height - 4, axis, { 'font-size': 11 }))
  root.append(text(document, pad.left, 12, 'agreement with the model', { 'text-anchor': 'start' }))
  if (payload.chosenDepth !== null)
    root.append(
      svg(document, 'line', {
        x1: x(payload.chosenDepth),
        y1: pad.top,
        x2: x(payload.chosenDepth),
        y2: y(low),
        stroke: '#bbb',
        'stroke-dasharray': '4 3',
        class: 'gw-surrogate-chosen',
      }),
    )
  const series: [[number, number][], string, string][] = [
    [train, '#1f77b4', 'training rows'],
    [heldOut, '#d62728', 'held out'],
  ]
  series.forEach(([points, colour, name], k) => {
    if (!points.length) return
    root.append(
      svg(document, 'polyline', {
        points: points.map(([d, v]) => `${x(d)},${y(v)}`).join(' '),
        fill: 'none',
        stroke: colour,
        'stroke-width': 2,
      }),
    )
    for (const [d, v] of points) {
      const dot = svg(document, 'circle', {
        cx: x(d),
        cy: y(v),
        r: 3,
        fill: colour,
        class: 'gw-surrogate-point',
      })
      const title = svg(document, 'title')
      title.textContent = `${name}, ${payload.surrogate === 'rules' ? `${d} rules` : `depth ${d}`}: ${(100 * v).toFixed(1)} %`
      dot.append(title)
      root.append(dot)
    }
    root.append(
      svg(document, 'rect', { x: width - 110, y: pad.top + 4 + 14 * k, width: 10, height: 3, fill: colour }),
    )
    root.append(
      text(document, width - 96, pad.top + 9 + 14 * k, name, { 'text-anchor': 'start', 'font-size': 10 }),
    )
  })
  return root
}

function drawTree(document: Document, payload: SurrogatePayload): SVGElement {
  const { nodes, edges, columns, depth } = layoutTree(payload)
  const width = columns * (NODE_WIDTH + 10) + 10
  const height = (depth + 1) * ROW + 10
  const root = svg(document, 'svg', {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    class: 'gw-surrogate-tree',
    role: 'img',
  })
  // Scales down to the width there is (the labels stay readable up to depth 4 or so; hover shows each in full).
  root.style.maxWidth = '100%'
  root.style.height = 'auto'
  root.style.flex = '1 1 auto'
  root.style.minWidth = '0'
  const cx = (column: number) => 10 + column * (NODE_WIDTH + 10) + NODE_WIDTH / 2
  const cy = (d: number) => 8 + d * ROW
  for (const [from, to, label] of edges) {
    const a = nodes[from]!
    const b = nodes[to]!
    root.append(
      svg(document, 'line', {
        x1: cx(a.column),
        y1: cy(a.depth) + NODE_HEIGHT,
        x2: cx(b.column),
        y2: cy(b.depth),
        stroke: '#999',
      }),
    )
    root.append(
      text(
        document,
        (cx(a.column) + cx(b.column)) / 2 + (label === 'yes' ? -10 : 10),
        (cy(a.depth) + NODE_HEIGHT + cy(b.depth)) / 2,
        label,
        { 'font-size': 10, fill: '#666' },
      ),
    )
  }
  for (const node of nodes) {
    const group = svg(document, 'g', { class: node.leaf ? 'gw-surrogate-leaf' : 'gw-surrogate-split' })
    group.append(
      svg(document, 'rect', {
        x: cx(node.column) - NODE_WIDTH / 2,
        y: cy(node.depth),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        rx: 4,
        fill: node.leaf ? '#eef6ee' : '#f4f6fb',
        stroke: node.leaf ? '#6a6' : '#88a',
      }),
    )
    const label = node.text.length > 26 ? `${node.text.slice(0, 25)}…` : node.text
    group.append(
      text(document, cx(node.column), cy(node.depth) + 14, label, {
        'font-weight': node.leaf ? 'bold' : 'normal',
      }),
    )
    group.append(
      text(document, cx(node.column), cy(node.depth) + 28, node.detail, { 'font-size': 10, fill: '#555' }),
    )
    const title = svg(document, 'title')
    title.textContent = `${node.text} (${node.detail})`
    group.append(title)
    root.append(group)
  }
  return root
}

/** A rule list as an ordered list: if / else if / else, the conditions, the label, a coverage bar and figures. */
function drawRuleList(document: Document, payload: SurrogatePayload): HTMLElement {
  const list = el(document, 'ol', 'gw-surrogate-rulelist')
  for (const row of ruleRows(payload)) {
    const item = el(document, 'li', 'gw-surrogate-rule')
    const when = el(document, 'div', 'gw-surrogate-rule-when')
    when.append(el(document, 'b', 'gw-surrogate-rule-keyword', row.keyword))
    if (row.conditions)
      when.append(el(document, 'span', 'gw-surrogate-rule-conditions', ` ${row.conditions} `))
    if (row.keyword !== 'else' && row.keyword !== 'always') when.append(el(document, 'b', '', 'then '))
    when.append(el(document, 'span', 'gw-surrogate-rule-label', row.label))
    const bar = el(document, 'div', 'gw-surrogate-rule-bar')
    const fill = el(document, 'div', 'gw-surrogate-rule-fill')
    fill.style.width = `${Math.max(0, Math.min(1, row.coverage)) * 100}%`
    bar.append(fill)
    item.append(when, bar, el(document, 'div', 'gw-surrogate-rule-figures', row.figures))
    list.append(item)
  }
  return list
}

const CHART = { width: 150, height: 60 }

/** A GAM as one small step chart per feature (strongest first, one shared scale), for the chosen class. */
function drawShapes(document: Document, payload: SurrogatePayload): HTMLElement {
  const root = el(document, 'div', 'gw-surrogate-shapes')
  const groups = payload.shapes ?? []
  const grid = el(document, 'div', 'gw-surrogate-shape-grid')
  const note = el(document, 'div', 'gw-surrogate-shape-note')
  const draw = (group: number): void => {
    grid.replaceChildren()
    const { low, high, charts } = shapeCharts(payload, group, CHART)
    const shapes = groups[group]
    const show = (v: number) => String(Number(v.toPrecision(2)))
    for (const chart of charts) {
      const cell = el(document, 'figure', 'gw-surrogate-shape')
      cell.append(el(document, 'figcaption', 'gw-surrogate-shape-name', chart.feature))
      const pad = { left: 34, top: 4, bottom: 14 }
      const picture = svg(document, 'svg', {
        width: CHART.width + pad.left + 4,
        height: CHART.height + pad.top + pad.bottom,
        role: 'img',
      })
      const inner = svg(document, 'g', { transform: `translate(${pad.left},${pad.top})` })
      for (const bin of chart.bins) {
        const column = svg(document, 'rect', {
          x: bin.x,
          y: Math.min(bin.y, chart.zero),
          width: Math.max(1, bin.width - 1),
          height: Math.max(1, Math.abs(chart.zero - bin.y)),
          fill: bin.y <= chart.zero ? '#c6dbef' : '#fcbba1',
          class: 'gw-surrogate-shape-bin',
        })
        const title = svg(document, 'title')
        title.textContent = bin.text
        column.append(title)
        inner.append(column)
      }
      inner.append(
        svg(document, 'line', { x1: 0, y1: chart.zero, x2: CHART.width, y2: chart.zero, stroke: '#999' }),
        svg(document, 'polyline', {
          points: chart.points.map(([x, y]) => `${x},${y}`).join(' '),
          fill: 'none',
          stroke: '#08519c',
          'stroke-width': 1.5,
          class: 'gw-surrogate-shape-line',
        }),
      )
      inner.append(
        text(document, -3, 8, show(high), { 'text-anchor': 'end', 'font-size': 9, fill: '#555' }),
        text(document, -3, CHART.height, show(low), { 'text-anchor': 'end', 'font-size': 9, fill: '#555' }),
        text(document, 0, CHART.height + 11, chart.ends[0], {
          'text-anchor': 'start',
          'font-size': 9,
          fill: '#555',
        }),
        text(document, CHART.width, CHART.height + 11, chart.ends[1], {
          'text-anchor': 'end',
          'font-size': 9,
          fill: '#555',
        }),
      )
      picture.append(inner)
      cell.append(picture)
      grid.append(cell)
    }
    note.textContent =
      `f(feature) added to p(${shapes?.className ?? ''}) = ${shapes ? shapes.intercept.toPrecision(3) : ''} + ..., ` +
      `strongest first, one scale (${show(low)} to ${show(high)}); hover a bin for its values` +
      (shapes && shapes.omitted > 0 ? `; ${shapes.omitted} weaker features not drawn` : '')
  }
  if (groups.length > 1)
    root.append(
      select(
        document,
        'Class ',
        groups.map((g, i) => ({ value: String(i), text: g.className })),
        '0',
        (value) => draw(Number(value)),
      ).root,
    )
  root.append(note, grid)
  draw(0)
  return root
}

/** Draws the fidelity curve, the tree (or the linear model's equation) and the rules. */
export const renderSurrogate: RenderView<SurrogatePayload> = (host, payload, { document }) => {
  const root = el(document, 'div', 'gw-surrogate')
  const f = payload.fidelity
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`)
  root.append(
    el(
      document,
      'div',
      'gw-surrogate-title',
      `Surrogate ${payload.surrogate === 'rules' ? `rule list of ${payload.chosenDepth} rule${payload.chosenDepth === 1 ? '' : 's'} and a default` : `${payload.surrogate}${payload.chosenDepth !== null ? ` of depth ${payload.chosenDepth}` : ''}`}: agreement ${pct(f.agreement)}, held out ${pct(f.heldOutAgreement)}${f.r2 !== null ? `, R² ${f.r2.toFixed(3)}` : ''}`,
    ),
  )
  const row = el(document, 'div', 'gw-surrogate-row')
  row.style.display = 'flex'
  row.style.gap = '16px'
  row.style.alignItems = 'flex-start'
  row.style.overflowX = 'auto'
  if (payload.curve.length) row.append(drawCurve(document, payload))
  if (payload.nodes.length) row.append(drawTree(document, payload))
  if (payload.rules?.length) row.append(drawRuleList(document, payload))
  root.append(row)
  if (payload.shapes?.length) root.append(drawShapes(document, payload))
  const rules = el(document, 'pre', 'gw-surrogate-rules', payload.text.join('\n'))
  rules.style.fontSize = '11px'
  rules.style.whiteSpace = 'pre-wrap'
  // Drawn rule lists and shape functions keep their text folded away (it is long for a GAM).
  if (payload.rules?.length || payload.shapes?.length) {
    const folded = el(document, 'details', 'gw-surrogate-text')
    folded.append(el(document, 'summary', '', 'as text'), rules)
    root.append(folded)
  } else root.append(rules)
  host.append(root)
  return { dispose: () => root.remove() }
}
