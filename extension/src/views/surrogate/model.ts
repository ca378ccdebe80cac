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
