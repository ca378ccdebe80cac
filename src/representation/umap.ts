/**
 * UMAP (McInnes, Healy & Melville 2018) as umap-learn runs it: the fuzzy k-NN graph (rho/sigma per
 * point, fuzzy union), edges sampled in proportion to their weight for 500 epochs (N <= 10,000; 200
 * above), negative sampling at rate 5, learning rate decaying linearly. The neighbours come from
 * neighbors.ts and the layout runs over typed arrays; umap-js (a dependency) supplies the curve fit
 * of a and b. Initialisation is PCA scaled to [-10, 10] (umap-learn's init='pca') or random.
 */
import { findABParams } from 'umap-js/dist/umap'
import { seededRandom, type Random } from '../data/random'
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import type { Matrix } from './matrix'
import { nearestNeighbors, type NeighborMethod, type Neighbors } from './neighbors'
import { fitPca } from './pca'
import type { ProgressCallback } from './tsne'

/** UMAP's options; defaults follow umap-learn. */
export interface UmapOptions {
  /** Neighbours of the fuzzy graph, the point itself counted (as umap-learn). Default 15. */
  neighbors?: number
  /** Default 0.1. */
  minDistance?: number
  /** Default 1. */
  spread?: number
  /** Default 500 up to 10,000 points, else 200. */
  epochs?: number
  /** Negative samples per positive one. Default 5. */
  negativeSampleRate?: number
  /** 'pca' (default) or 'random'. */
  initialization?: 'pca' | 'random'
  /** How neighbours are found. Default 'auto'. */
  neighborSearch?: NeighborMethod
  /** Default 0. */
  seed?: number
  onProgress?: ProgressCallback
  /** Epochs between progress calls. Default 25. */
  progressEvery?: number
}

/** UMAP's result. */
export interface UmapResult {
  coordinates: Float32Array
  neighbors: Neighbors
  parameters: Required<Omit<UmapOptions, 'onProgress'>>
}

/**
 * Runs UMAP on points (backend ready).
 *
 * @example
 * const { coordinates } = await runUmap(matrix, { neighbors: 15, seed: 1 })
 */
export async function runUmap(matrix: Matrix, options: UmapOptions = {}): Promise<UmapResult> {
  const rows = matrix.rows
  const k = options.neighbors ?? 15
  if (!(Number.isInteger(k) && k >= 2 && k < rows)) {
    throw new GlasswingError({
      where: 'gw.umap',
      argument: 'options.neighbors',
      expected: `an integer from 2 to N - 1 = ${rows - 1}`,
      received: String(k),
      hint: 'Lower options.neighbors or embed more points.',
    })
  }
  const parameters: UmapResult['parameters'] = {
    neighbors: k,
    minDistance: options.minDistance ?? 0.1,
    spread: options.spread ?? 1,
    epochs: options.epochs ?? (rows <= 10_000 ? 500 : 200),
    negativeSampleRate: options.negativeSampleRate ?? 5,
    initialization: options.initialization ?? 'pca',
    neighborSearch: options.neighborSearch ?? 'auto',
    seed: options.seed ?? 0,
    progressEvery: options.progressEvery ?? 25,
  }
  const neighbors = nearestNeighbors(matrix, k - 1, parameters.neighborSearch, parameters.seed)
  const graph = fuzzyGraph(neighbors)
  const random = seededRandom(parameters.seed)
  const y = initialize(matrix, parameters.initialization, random)
  const { a, b } =
    parameters.minDistance === 0.1 && parameters.spread === 1
      ? { a: 1.576943460405378, b: 0.8950608781227859 }
      : findABParams(parameters.spread, parameters.minDistance)
  await layout(y, graph, { ...parameters, a, b }, random, options.onProgress)
  return { coordinates: Float32Array.from(y), neighbors, parameters }
}

/** The symmetric fuzzy graph as directed edge lists (both directions present). */
interface Graph {
  heads: Int32Array
  tails: Int32Array
  weights: Float64Array
}

/** Membership strengths exp(-(d - rho) / sigma), then the fuzzy union W + W^T - W o W^T. */
export function fuzzyGraph(neighbors: Neighbors): Graph {
  const { k, indices, distances } = neighbors
  const rows = indices.length / k
  const target = Math.log2(k + 1)
  const strength = new Float64Array(rows * k)
  let meanDistance = 0
  for (let e = 0; e < distances.length; e++) meanDistance += distances[e]!
  meanDistance /= distances.length
  for (let i = 0; i < rows; i++) {
    const offset = i * k
    let rho = 0
    for (let r = 0; r < k; r++) {
      if (distances[offset + r]! > 0) {
        rho = distances[offset + r]!
        break
      }
    }
    let low = 0
    let high = Infinity
    let sigma = 1
    for (let step = 0; step < 64; step++) {
      let sum = 0
      for (let r = 0; r < k; r++) {
        const d = distances[offset + r]! - rho
        sum += d > 0 ? Math.exp(-d / sigma) : 1
      }
      if (Math.abs(sum - target) < 1e-5) break
      if (sum > target) {
        high = sigma
        sigma = (low + high) / 2
      } else {
        low = sigma
        sigma = high === Infinity ? sigma * 2 : (low + high) / 2
      }
    }
    let rowMean = 0
    for (let r = 0; r < k; r++) rowMean += distances[offset + r]!
    rowMean /= k
    sigma = Math.max(sigma, 1e-3 * (rho > 0 ? rowMean : meanDistance))
    for (let r = 0; r < k; r++) {
      const d = distances[offset + r]! - rho
      strength[offset + r] = d > 0 ? Math.exp(-d / sigma) : 1
    }
  }
  // Fuzzy union: w_ij + w_ji - w_ij w_ji, each undirected edge once, then emitted in both directions.
  const heads: number[] = []
  const tails: number[] = []
  const weights: number[] = []
  for (let i = 0; i < rows; i++) {
    for (let r = 0; r < k; r++) {
      const j = indices[i * k + r]!
      const wij = strength[i * k + r]!
      let wji = 0
      for (let s = 0; s < k; s++) {
        if (indices[j * k + s] === i) {
          wji = strength[j * k + s]!
          break
        }
      }
      // Emit each pair once: from i when j does not list i, or from the smaller index when both do.
      if (wji > 0 && j < i) continue
      const w = wij + wji - wij * wji
      heads.push(i, j)
      tails.push(j, i)
      weights.push(w, w)
    }
  }
  return { heads: Int32Array.from(heads), tails: Int32Array.from(tails), weights: Float64Array.from(weights) }
}

function initialize(matrix: Matrix, how: 'pca' | 'random', random: Random): Float64Array {
  const rows = matrix.rows
  const y = new Float64Array(2 * rows)
  if (how === 'random' || matrix.columns < 2) {
    for (let e = 0; e < y.length; e++) y[e] = random() * 20 - 10
    return y
  }
  const projected = fitPca(matrix, { components: 2 }).transform(matrix).values
  let largest = 0
  for (let e = 0; e < y.length; e++) largest = Math.max(largest, Math.abs(projected[e]!))
  // umap-learn's noisy_scale_coords: scale to [-10, 10] and add a little noise to break ties.
  const scale = 10 / (largest || 1)
  for (let e = 0; e < y.length; e++) y[e] = projected[e]! * scale + (random() - 0.5) * 2e-4
  return y
}

interface LayoutParameters {
  epochs: number
  negativeSampleRate: number
  progressEvery: number
  a: number
  b: number
}

/** umap-learn's optimize_layout_euclidean, single-threaded and seeded. */
async function layout(
  y: Float64Array,
  graph: Graph,
  { epochs, negativeSampleRate, progressEvery, a, b }: LayoutParameters,
  random: Random,
  onProgress: ProgressCallback | undefined,
): Promise<void> {
  const rows = y.length / 2
  const { heads, tails, weights } = graph
  let largest = 0
  for (const w of weights) largest = Math.max(largest, w)
  // Edges too weak to be sampled even once are dropped, as umap-learn does.
  const perSample = new Float64Array(weights.length)
  for (let e = 0; e < weights.length; e++) {
    const samples = (weights[e]! / largest) * epochs
    perSample[e] = samples >= 1 ? epochs / samples : -1
  }
  const perNegative = perSample.map((v) => v / negativeSampleRate)
  const nextSample = perSample.slice()
  const nextNegative = perNegative.slice()
  const started = performance.now()
  // Powers as exp(b log d2): V8's Math.pow with a fractional exponent costs several times more.
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Progress (and its interrupt check) comes every few epochs; an epoch of many points takes a while.
    throwIfInterrupted('UMAP', { done: epoch, total: epochs, unit: 'epochs' })
    const alpha = 1 - epoch / epochs
    for (let e = 0; e < heads.length; e++) {
      if (perSample[e]! < 0 || nextSample[e]! > epoch) continue
      const j = heads[e]!
      const k = tails[e]!
      let xj = y[2 * j]!
      let yj = y[2 * j + 1]!
      let dx = xj - y[2 * k]!
      let dy = yj - y[2 * k + 1]!
      let d2 = dx * dx + dy * dy
      if (d2 > 0) {
        const powB = Math.exp(b * Math.log(d2))
        const coefficient = (-2 * a * b * (powB / d2)) / (a * powB + 1)
        const gx = clip4(coefficient * dx) * alpha
        const gy = clip4(coefficient * dy) * alpha
        xj += gx
        yj += gy
        y[2 * k] = y[2 * k]! - gx
        y[2 * k + 1] = y[2 * k + 1]! - gy
      }
      nextSample[e] = nextSample[e]! + perSample[e]!
      const negatives = Math.floor((epoch - nextNegative[e]!) / perNegative[e]!)
      for (let p = 0; p < negatives; p++) {
        const other = Math.floor(random() * rows)
        if (other === j) continue
        dx = xj - y[2 * other]!
        dy = yj - y[2 * other + 1]!
        d2 = dx * dx + dy * dy
        if (d2 > 0) {
          const coefficient = (2 * b) / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1))
          xj += clip4(coefficient * dx) * alpha
          yj += clip4(coefficient * dy) * alpha
        } else {
          xj += 4 * alpha
          yj += 4 * alpha
        }
      }
      y[2 * j] = xj
      y[2 * j + 1] = yj
      nextNegative[e] = nextNegative[e]! + negatives * perNegative[e]!
    }
    if (onProgress && ((epoch + 1) % progressEvery === 0 || epoch + 1 === epochs)) {
      await onProgress({
        method: 'umap',
        iteration: epoch + 1,
        iterations: epochs,
        coordinates: Float32Array.from(y),
        elapsed: (performance.now() - started) / 1000,
      })
    }
  }
}

function clip4(v: number): number {
  return v > 4 ? 4 : v < -4 ? -4 : v
}
