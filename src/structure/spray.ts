/**
 * SpRAy (Lapuschkin et al. 2019): spectral relevance analysis. Attribution maps of many decisions are
 * flattened, joined in a symmetric k-nearest-neighbour graph, and clustered spectrally: the number of
 * groups is the largest eigengap of the normalised graph Laplacian, and k-means (seeded k-means++) on the
 * row-normalised leading eigenvectors assigns each decision to a strategy.
 */
import { GlasswingError, describeValue } from '../errors'
import type { MatrixLike } from '../representation/matrix'
import { throwIfInterrupted } from '../session/interrupt'
import { readRepresentation, squaredDistances, symmetricEigen } from './linalg'

export interface SprayOptions {
  /** Neighbours per map in the graph. Default 10. */
  neighbors?: number
  /** Largest number of groups considered by the eigengap. Default 8. */
  maxClusters?: number
  /** Force the number of groups instead of the eigengap. */
  clusters?: number
  /** Seed of k-means++. Default 0. */
  seed?: number
}

export interface SprayResult {
  /** Group of each map (0-based). */
  clusters: number[]
  /** Number of groups (from the eigengap unless forced). */
  count: number
  /** Smallest Laplacian eigenvalues, ascending (maxClusters + 1 of them). */
  eigenvalues: number[]
  /** Spectral embedding used by k-means, n x count. */
  embedding: number[][]
}

const WHERE = 'gw.similarity.spray'

function rng(seed: number): () => number {
  let a = seed | 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** k-means with k-means++ seeding, Lloyd iterations until no assignment changes (at most 300). */
export function kmeans(points: number[][], k: number, seed: number): number[] {
  const n = points.length
  const dim = points[0]?.length ?? 0
  const random = rng(seed)
  const d2 = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0)
  const centres: number[][] = [points[Math.floor(random() * n)]!.slice()]
  while (centres.length < k) {
    const dist = points.map((p) => Math.min(...centres.map((c) => d2(p, c))))
    const total = dist.reduce((s, v) => s + v, 0)
    let r = random() * total
    let pick = n - 1
    for (let i = 0; i < n; i++) {
      r -= dist[i]!
      if (r <= 0) {
        pick = i
        break
      }
    }
    centres.push(points[pick]!.slice())
  }
  const labels = new Array<number>(n).fill(-1)
  for (let it = 0; it < 300; it++) {
    let changed = false
    for (let i = 0; i < n; i++) {
      let best = 0
      let bestD = Infinity
      for (let c = 0; c < k; c++) {
        const v = d2(points[i]!, centres[c]!)
        if (v < bestD) {
          bestD = v
          best = c
        }
      }
      if (labels[i] !== best) {
        labels[i] = best
        changed = true
      }
    }
    if (!changed) break
    for (let c = 0; c < k; c++) {
      const members = points.filter((_, i) => labels[i] === c)
      if (members.length === 0) continue
      centres[c] = Array.from(
        { length: dim },
        (_, j) => members.reduce((s, p) => s + p[j]!, 0) / members.length,
      )
    }
  }
  // number groups by first appearance, for stable output
  const renumber = new Map<number, number>()
  return labels.map((l) => {
    if (!renumber.has(l)) renumber.set(l, renumber.size)
    return renumber.get(l)!
  })
}

/**
 * Groups attribution maps (one per row, any shape flattened) by the strategy they show.
 *
 * @example
 * const maps = await gw.explain(model, images, { method: 'integrated-gradients' })
 * gw.similarity.spray(maps.attributions, { neighbors: 10 }).clusters
 */
export function spray(maps: MatrixLike, options: SprayOptions = {}): SprayResult {
  const m = readRepresentation(maps, WHERE, 'maps', 4)
  const n = m.rows
  const neighbors = options.neighbors ?? 10
  if (!Number.isSafeInteger(neighbors) || neighbors < 1 || neighbors >= n)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.neighbors',
      expected: `a whole number from 1 to ${n - 1}`,
      received: describeValue(neighbors),
    })
  const maxClusters = Math.min(options.maxClusters ?? 8, n - 1)
  if (
    options.clusters !== undefined &&
    (!Number.isSafeInteger(options.clusters) || options.clusters < 1 || options.clusters > n)
  )
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.clusters',
      expected: `a whole number from 1 to ${n}`,
      received: describeValue(options.clusters),
    })
  if (n > 3000)
    throw new GlasswingError({
      where: WHERE,
      argument: 'maps',
      expected: 'at most 3,000 maps (the eigen-decomposition is cubic)',
      received: `${n}`,
      hint: 'Analyse one class at a time, or a sample.',
    })
  throwIfInterrupted(WHERE)
  const dist = squaredDistances(m)
  const adjacency = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => dist[i * n + a]! - dist[i * n + b]!)
    for (const j of order.slice(0, neighbors)) {
      adjacency[i * n + j] = 1
      adjacency[j * n + i] = 1
    }
  }
  throwIfInterrupted(WHERE)
  const degree = new Float64Array(n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) degree[i]! += adjacency[i * n + j]!
  // eigenvectors of the smallest eigenvalues of L_sym = I - D^-1/2 A D^-1/2 are the largest of D^-1/2 A D^-1/2
  const s = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) s[i * n + j] = adjacency[i * n + j]! / Math.sqrt(degree[i]! * degree[j]!)
  const { values, vectors } = symmetricEigen(s, n)
  const eigenvalues = Array.from({ length: maxClusters + 1 }, (_, i) => 1 - values[i]!)
  let count = options.clusters ?? 1
  if (options.clusters === undefined) {
    let best = -Infinity
    for (let k = 1; k <= maxClusters; k++) {
      const gap = eigenvalues[k]! - eigenvalues[k - 1]!
      if (gap > best + 1e-12) {
        best = gap
        count = k
      }
    }
  }
  const embedding: number[][] = []
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: count }, (_, c) => vectors[c * n + i]!)
    const norm = Math.hypot(...row) || 1
    embedding.push(row.map((v) => v / norm))
  }
  const clusters = count === 1 ? new Array<number>(n).fill(0) : kmeans(embedding, count, options.seed ?? 0)
  return { clusters, count, eigenvalues, embedding }
}
