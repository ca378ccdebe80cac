/** Pure layout of the surrogate view: tree node positions and the fidelity curve's points. */
import type { SurrogatePayload } from '../../../../src/display/schema'

/** A node placed on the grid: column (leaves in order) and row (depth). */
export interface PlacedNode {
  index: number
  column: number
  depth: number
  text: string
  detail: string
  leaf: boolean
}

const number = (v: number): string =>
  Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3)

/** Three significant digits without trailing zeros (bin edges, shape values). */
const short = (v: number): string =>
  Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : String(Number(v.toPrecision(3)))

/** Places leaves left to right in depth-first order and each inner node above the middle of its children. */
export function layoutTree(payload: SurrogatePayload): {
  nodes: PlacedNode[]
  edges: [number, number, string][]
  columns: number
  depth: number
} {
  const nodes: PlacedNode[] = []
  const edges: [number, number, string][] = []
  let nextLeaf = 0
  let maxDepth = 0
  const place = (i: number, depth: number): number => {
    const node = payload.nodes[i]!
    maxDepth = Math.max(maxDepth, depth)
    const leaf = node.feature < 0
    let column: number
    if (leaf) column = nextLeaf++
    else {
      const left = place(node.left, depth + 1)
      const right = place(node.right, depth + 1)
      column = (left + right) / 2
      edges.push([i, node.left, 'yes'], [i, node.right, 'no'])
    }
    nodes[i] = {
      index: i,
      column,
      depth,
      leaf,
      text: leaf
        ? `${node.label}`
        : `${payload.featureNames[node.feature] ?? `x${node.feature}`} <= ${number(node.threshold ?? NaN)}`,
      detail: `${(100 * node.share).toFixed(0)} % ${node.label}, n = ${node.samples}`,
    }
    return column
  }
  if (payload.nodes.length) place(0, 0)
  return { nodes, edges, columns: Math.max(1, nextLeaf), depth: maxDepth }
}

/** The curve's series as [depth, value] pairs (held-out values skipped where absent). */
export function curveSeries(payload: SurrogatePayload): {
  train: [number, number][]
  heldOut: [number, number][]
} {
  return {
    train: payload.curve.map((p) => [p.depth, p.agreement]),
    heldOut: payload.curve
      .filter((p) => p.heldOutAgreement !== null)
      .map((p) => [p.depth, p.heldOutAgreement!]),
  }
}

/** One rule of a rule list as shown: keyword, conditions, label and its figures as text. */
export interface RuleRow {
  keyword: 'if' | 'else if' | 'else' | 'always'
  conditions: string
  label: string
  /** Share of the rows the rule captures (0..1), for its bar. */
  coverage: number
  figures: string
}

/** The rules in order, the default last, with coverage and precision (held out where there are). */
export function ruleRows(payload: SurrogatePayload): RuleRow[] {
  const rules = payload.rules ?? []
  // Coverage and precision are measured on the held-out rows where there are some.
  const where = payload.fidelity.heldOutAgreement !== null ? 'held out: ' : ''
  return rules.map((rule, r) => {
    const last = rule.conditions.length === 0
    return {
      keyword: last ? (r === 0 ? 'always' : 'else') : r === 0 ? 'if' : 'else if',
      conditions: rule.conditions
        .map(
          (c) =>
            `${payload.featureNames[c.feature] ?? `x${c.feature}`} ${c.operator === '<=' ? '≤' : '>'} ${short(c.threshold)}`,
        )
        .join(' and '),
      label: rule.label,
      coverage: rule.coverage,
      figures: `${where}covers ${(100 * rule.coverage).toFixed(1)} %, precision ${rule.precision === null ? 'n/a' : `${(100 * rule.precision).toFixed(1)} %`}; ${rule.samples} training rows`,
    }
  })
}

/** The values bin `b` of a shape function holds, as text: `≤ 0.5`, `(0.5, 2]`, `> 2`. */
export function binRange(cuts: readonly number[], b: number): string {
  if (cuts.length === 0) return 'all values'
  if (b === 0) return `≤ ${short(cuts[0]!)}`
  if (b >= cuts.length) return `> ${short(cuts[cuts.length - 1]!)}`
  return `(${short(cuts[b - 1]!)}, ${short(cuts[b]!)}]`
}

/** One class's shape functions laid out as step charts on one shared value scale (so heights compare). */
export function shapeCharts(
  payload: SurrogatePayload,
  group: number,
  size: { width: number; height: number },
): {
  low: number
  high: number
  charts: {
    feature: string
    range: number
    /** The step line's points, and each bin's column with its hover text. */
    points: [number, number][]
    bins: { x: number; width: number; y: number; text: string }[]
    zero: number
    /** The x axis' ends: the first bin's values and the last's. */
    ends: [string, string]
  }[]
} {
  const shapes = payload.shapes?.[group]?.shapes ?? []
  const all = shapes.flatMap((s) => s.values)
  const low = Math.min(0, ...all)
  const high = Math.max(0, ...all)
  const span = high - low || 1
  const y = (v: number) => size.height - ((v - low) / span) * size.height
  return {
    low,
    high,
    charts: shapes.map((shape) => {
      const name = payload.featureNames[shape.feature] ?? `x${shape.feature}`
      const step = size.width / shape.values.length
      const points: [number, number][] = []
      const bins = shape.values.map((v, b) => {
        points.push([b * step, y(v)], [(b + 1) * step, y(v)])
        return {
          x: b * step,
          width: step,
          y: y(v),
          text: `${name} ${binRange(shape.cuts, b)}: ${v >= 0 ? '+' : ''}${short(v)}`,
        }
      })
      return {
        feature: name,
        range: Math.max(...shape.values) - Math.min(...shape.values),
        points,
        bins,
        zero: y(0),
        ends: [binRange(shape.cuts, 0), binRange(shape.cuts, shape.cuts.length)],
      }
    }),
  }
}
