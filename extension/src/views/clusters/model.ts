/**
 * The clusters view's pure part: correlations in leaf order, the dendrogram's geometry (one link per
 * merge, root on the left, leaves beside the heatmap's rows), the leaves under a link, and what a unit
 * or a cell says on hover. Tested without a browser.
 */
import { decodeArray } from '../../../../src/display/codec'
import type { ClustersPayload } from '../../../../src/display/schema'

export interface ClustersModel {
  payload: ClustersPayload
  units: number
  /** Row-major [d, d], original order. */
  correlation: Float32Array
  /** Position of each unit in the leaf order. */
  position: number[]
  /** Leaves (unit indices) under each merge. */
  leaves: number[][]
  /** Units of each flat cluster. */
  members: number[][]
}

export function clustersModel(payload: ClustersPayload): ClustersModel {
  const d = payload.units.length
  const position = new Array<number>(d)
  payload.order.forEach((u, i) => (position[u] = i))
  const leaves: number[][] = []
  const under = (c: number): number[] => (c < d ? [c] : leaves[c - d]!)
  payload.merges.forEach(([a, b]) => leaves.push([...under(a), ...under(b)]))
  const members: number[][] = []
  payload.clusters.forEach((k, u) => (members[k] ??= []).push(u))
  return {
    payload,
    units: d,
    correlation: decodeArray(payload.correlation),
    position,
    leaves,
    members: members.map((m) => m ?? []),
  }
}

/** r between two units (NaN where none). */
export function correlationOf(model: ClustersModel, a: number, b: number): number {
  return model.correlation[a * model.units + b]!
}

/** One merge drawn as a bracket: x of the merge, the children's x and y. */
export interface Link {
  merge: number
  x: number
  y: number
  children: { x: number; y: number }[]
  /** The flat cluster every leaf under it belongs to, or null where it spans several. */
  cluster: number | null
}

/**
 * The dendrogram's links in a box `width` wide, leaves `cell` apart (leaf i at y = (i + 0.5) cell, x =
 * width), a merge at height h at x = width (1 - h / highest).
 */
export function dendrogram(model: ClustersModel, width: number, cell: number): Link[] {
  const d = model.units
  const merges = model.payload.merges
  const highest = Math.max(1e-12, ...merges.map((m) => m[2]))
  const node: { x: number; y: number }[] = []
  const at = (c: number) => (c < d ? { x: width, y: (model.position[c]! + 0.5) * cell } : node[c - d]!)
  return merges.map(([a, b, height], m) => {
    const children = [at(a), at(b)]
    const x = width * (1 - Math.max(0, height) / highest)
    const y = (children[0]!.y + children[1]!.y) / 2
    node.push({ x, y })
    const clusters = new Set(model.leaves[m]!.map((u) => model.payload.clusters[u]!))
    return { merge: m, x, y, children, cluster: clusters.size === 1 ? [...clusters][0]! : null }
  })
}

/** What a unit says on hover: its name, its cluster and the cluster's size. */
export function unitText(model: ClustersModel, unit: number): string {
  const k = model.payload.clusters[unit]!
  const size = model.members[k]!.length
  const constant = model.payload.constantUnits.includes(unit) ? ' · constant (no correlation)' : ''
  return `${model.payload.units[unit]} · cluster ${k} (${size} unit${size === 1 ? '' : 's'})${constant}`
}

/** What a heatmap cell says: 'a × b: r = 0.53'. */
export function cellText(model: ClustersModel, a: number, b: number): string {
  const r = correlationOf(model, a, b)
  return `${model.payload.units[a]} × ${model.payload.units[b]}: r = ${Number.isFinite(r) ? r.toFixed(3) : 'none'}`
}

/** Cell side in CSS pixels for d units: 28 for few, down to 3 for many. */
export function cellSize(d: number): number {
  return Math.max(3, Math.min(28, Math.floor(560 / d)))
}
