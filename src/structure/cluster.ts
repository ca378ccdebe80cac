/**
 * Functional clustering of units: the correlation of every pair of units' activations over a data set
 * (and over positions, for conv maps), agglomerative clustering on the distance 1 - r (average linkage by
 * default, as scipy's linkage), the leaf order for a reordered heatmap and a dendrogram, and flat clusters.
 * A unit that never varies has no correlation: it is kept at distance 1 from every other unit and listed.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import type { MatrixLike } from '../representation/matrix'
import { throwIfInterrupted } from '../session/interrupt'
import { readRepresentation } from './linalg'
import { makeProvenance } from '../display/provenance'
import { ClusteredUnits, unitExamples } from './cluster-result'

export type Linkage = 'average' | 'complete' | 'single'

export interface UnitClusters {
  /** Unit labels, in the original order. */
  units: string[]
  /** Pearson correlations, units x units (row-major; NaN never appears, constant units get 0). */
  correlation: Float64Array
  /** scipy-style linkage: [a, b, height, size] per merge, clusters numbered from units.length up. */
  merges: Array<[number, number, number, number]>
  /** Leaf order of the dendrogram (a permutation of units). */
  order: number[]
  /** Flat cluster per unit (0-based, numbered by first appearance in `order`). */
  clusters: number[]
  constantUnits: number[]
  linkage: Linkage
}

/** Correlations between columns of an n x d matrix; constant columns correlate 0 with others, 1 with themselves. */
export function unitCorrelation(
  values: Float64Array,
  n: number,
  d: number,
): { r: Float64Array; constant: number[] } {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += values[i * d + j]!
  for (let j = 0; j < d; j++) mean[j]! /= n
  const cov = new Float64Array(d * d)
  const row = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = values[i * d + j]! - mean[j]!
    for (let a = 0; a < d; a++) {
      const ra = row[a]!
      if (ra === 0) continue
      for (let b = a; b < d; b++) cov[a * d + b]! += ra * row[b]!
    }
  }
  const sd = new Float64Array(d)
  const constant: number[] = []
  for (let j = 0; j < d; j++) {
    sd[j] = Math.sqrt(cov[j * d + j]!)
    if (!(sd[j]! > 1e-12 * Math.max(1, Math.abs(mean[j]!)))) constant.push(j)
  }
  const r = new Float64Array(d * d)
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      const v =
        a === b
          ? 1
          : sd[a]! > 0 && sd[b]! > 0 && !constant.includes(a) && !constant.includes(b)
            ? cov[a * d + b]! / (sd[a]! * sd[b]!)
            : 0
      r[a * d + b] = v
      r[b * d + a] = v
    }
  return { r, constant }
}

/** Agglomerative clustering of a d x d distance matrix (naive O(d³), fine for a layer's units). */
export function agglomerate(
  distance: Float64Array,
  d: number,
  linkage: Linkage,
): Array<[number, number, number, number]> {
  const dist = Float64Array.from(distance)
  const size = new Array<number>(d).fill(1)
  const id = Array.from({ length: d }, (_, i) => i)
  const alive = new Array<boolean>(d).fill(true)
  const merges: Array<[number, number, number, number]> = []
  for (let step = 0; step < d - 1; step++) {
    let best = Infinity
    let bi = -1
    let bj = -1
    for (let i = 0; i < d; i++) {
      if (!alive[i]) continue
      for (let j = i + 1; j < d; j++) {
        if (!alive[j]) continue
        const v = dist[i * d + j]!
        if (v < best) {
          best = v
          bi = i
          bj = j
        }
      }
    }
    const [a, b] = id[bi]! < id[bj]! ? [id[bi]!, id[bj]!] : [id[bj]!, id[bi]!]
    merges.push([a, b, best, size[bi]! + size[bj]!])
    for (let k = 0; k < d; k++) {
      if (!alive[k] || k === bi || k === bj) continue
      const x = dist[bi * d + k]!
      const y = dist[bj * d + k]!
      const v =
        linkage === 'average'
          ? (x * size[bi]! + y * size[bj]!) / (size[bi]! + size[bj]!)
          : linkage === 'complete'
            ? Math.max(x, y)
            : Math.min(x, y)
      dist[bi * d + k] = v
      dist[k * d + bi] = v
    }
    alive[bj] = false
    size[bi]! += size[bj]!
    id[bi] = d + step
  }
  return merges
}

/** Leaf order (left to right) and k flat clusters from a linkage. */
export function leavesAndClusters(
  merges: Array<[number, number, number, number]>,
  d: number,
  k: number,
): { order: number[]; clusters: number[] } {
  const children = (c: number): [number, number] => [merges[c - d]![0], merges[c - d]![1]]
  const leaves = (c: number): number[] => {
    const out: number[] = []
    const stack = [c]
    while (stack.length) {
      const x = stack.pop()!
      if (x < d) out.push(x)
      else {
        const [a, b] = children(x)
        stack.push(b, a)
      }
    }
    return out
  }
  const root = d + merges.length - 1
  const order = d === 1 ? [0] : leaves(root)
  // cut: undo the last k - 1 merges
  const tops = new Set<number>(d === 1 ? [0] : [root])
  for (let m = merges.length - 1; m >= 0 && tops.size < k; m--) {
    const c = d + m
    if (!tops.has(c)) continue
    tops.delete(c)
    tops.add(merges[m]![0])
    tops.add(merges[m]![1])
  }
  const clusterOf = new Array<number>(d).fill(-1)
  const topList = [...tops]
  const numbering = new Map<number, number>()
  for (const leaf of order) {
    const top = topList.find((t) => (t < d ? t === leaf : leaves(t).includes(leaf)))!
    if (!numbering.has(top)) numbering.set(top, numbering.size)
    clusterOf[leaf] = numbering.get(top)!
  }
  return { order, clusters: clusterOf }
}

export interface ClusterOptions {
  /** Flat clusters to cut the tree into. Default 4. */
  clusters?: number
  /** 'average' (default), 'complete' or 'single'. */
  linkage?: Linkage
  /** Unit labels (default unit 0, unit 1, ...). */
  labels?: string[]
  /**
   * The images the rows came from (rows = images x positions, as `spatialActivations` lays them out):
   * each unit's top examples, shown on hover in the clusters view.
   */
  examples?: tf.Tensor
  /** Top examples per unit. Default 4. */
  examplesPerUnit?: number
  /** The view's title. */
  title?: string
}

/**
 * Clusters the columns (units) of an activation matrix by correlation.
 *
 * @example
 * const c = gw.similarity.clusterUnits(acts, { clusters: 4 })
 * c.order // leaf order for a reordered heatmap
 */
export function clusterUnits(x: MatrixLike, options: ClusterOptions = {}): ClusteredUnits {
  const where = 'gw.similarity.clusterUnits'
  const m = readRepresentation(x, where, 'x', 3)
  const d = m.columns
  const k = options.clusters ?? Math.min(4, d)
  if (!Number.isSafeInteger(k) || k < 1 || k > d)
    throw new GlasswingError({
      where,
      argument: 'options.clusters',
      expected: `a whole number from 1 to ${d} (the units)`,
      received: describeValue(k),
    })
  const linkage = options.linkage ?? 'average'
  if (!['average', 'complete', 'single'].includes(linkage))
    throw new GlasswingError({
      where,
      argument: 'options.linkage',
      expected: "'average', 'complete' or 'single'",
      received: describeValue(linkage),
    })
  if (d > 2048)
    throw new GlasswingError({
      where,
      argument: 'x',
      expected: 'at most 2,048 units (clustering is cubic in them)',
      received: `${d}`,
      hint: 'Cluster the channels of a conv layer (pool over space) or a subset of units.',
    })
  throwIfInterrupted(where)
  const { r, constant } = unitCorrelation(m.values, m.rows, d)
  const distance = r.map((v, i) => (i % (d + 1) === 0 ? 0 : Math.max(0, 1 - v)))
  const merges = agglomerate(distance, d, linkage)
  const { order, clusters } = leavesAndClusters(merges, d, k)
  const units = options.labels ?? Array.from({ length: d }, (_, i) => `unit ${i}`)
  if (units.length !== d || !units.every((u) => typeof u === 'string'))
    throw new GlasswingError({
      where,
      argument: 'options.labels',
      expected: `${d} strings (one per unit)`,
      received: describeValue(units),
    })
  const perUnit = options.examplesPerUnit ?? 4
  if (options.examples !== undefined && !(options.examples instanceof tf.Tensor))
    throw new GlasswingError({
      where,
      argument: 'options.examples',
      expected: 'the images the rows came from, a tensor [images, height, width, channels]',
      received: describeValue(options.examples),
    })
  const examples = options.examples ? unitExamples(m.values, m.rows, d, options.examples, perUnit) : null
  if (options.examples && !examples)
    throw new GlasswingError({
      where,
      argument: 'options.examples',
      expected: `images [n, height <= 64, width <= 64, 1 or 3] whose count divides the ${m.rows} rows`,
      received: describeValue(options.examples),
      hint: 'Pass the images given to spatialActivations, or leave examples out.',
    })
  const provenance = makeProvenance({
    method: 'cluster-units',
    parameters: { linkage, clusters: k, distance: '1 - pearson r', rows: m.rows },
    seed: null,
  })
  return new ClusteredUnits(
    { units, correlation: r, merges, order, clusters, constantUnits: constant, linkage },
    options.title ?? `${d} units clustered by correlation (${linkage} linkage, ${k} clusters)`,
    provenance,
    examples,
  )
}

/**
 * A conv or dense layer's units over a data set, as rows of (example, position) x channels, for
 * {@link clusterUnits} and NMF. At most `maxRows` rows, positions sampled evenly.
 */
export function spatialActivations(
  model: GlasswingModel,
  inputs: tf.Tensor,
  layer: string,
  batchSize = 128,
): { values: Float32Array; rows: number; columns: number } {
  const shape = model.layerShape(layer)
  const channels = (shape[shape.length - 1] ?? 1) as number
  const positions = shape.slice(1, -1).reduce<number>((a, b) => a * (b ?? 1), 1)
  const n = inputs.shape[0]!
  const out = new Float32Array(n * positions * channels)
  for (let s = 0; s < n; s += batchSize) {
    throwIfInterrupted('gw.similarity (activations)', { done: s, total: n, unit: 'examples' })
    const size = Math.min(batchSize, n - s)
    tf.tidy(() => {
      const a = model.activations(inputs.slice(s, size), [layer])[layer]!
      out.set(a.reshape([-1, channels]).dataSync() as Float32Array, s * positions * channels)
    })
  }
  return { values: out, rows: n * positions, columns: channels }
}
