/**
 * t-SNE (van der Maaten & Hinton 2008) as openTSNE runs it: perplexity-calibrated affinities over the
 * 3 x perplexity nearest neighbours, PCA initialisation scaled to a standard deviation of 1e-4, early
 * exaggeration 12 for 250 iterations at momentum 0.5, then 500 iterations at momentum 0.8, gains
 * (delta-bar-delta), learning rate max(200, N / exaggeration). Repulsion is exact for small N and
 * FFT-interpolated (FIt-SNE) for large N.
 */
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { conditionalProbabilities, jointProbabilities, type SparseAffinities } from './affinities'
import { seededRandom } from '../data/random'
import type { Matrix } from './matrix'
import { nearestNeighbors, type NeighborMethod, type Neighbors } from './neighbors'
import { fitPca } from './pca'
import { FftRepulsion } from './tsne-fft'
import { addAttraction, subtractExactRepulsion } from './tsne-gradient'

/** What a progress callback receives: the embedding so far (a copy it may keep). */
export interface EmbeddingProgress {
  method: string
  iteration: number
  iterations: number
  /** Row-major 2-D coordinates. */
  coordinates: Float32Array
  /** Seconds since the optimisation started. */
  elapsed: number
}

/** Called every few iterations; awaited, so a display can update before the optimisation goes on. */
export type ProgressCallback = (progress: EmbeddingProgress) => void | Promise<void>

/** t-SNE's options; defaults follow openTSNE. */
export interface TsneOptions {
  /** Effective number of neighbours. Default 30; must be below (N - 1) / 3. */
  perplexity?: number
  /** Iterations after early exaggeration. Default 500. */
  iterations?: number
  /** Iterations of early exaggeration. Default 250. */
  earlyExaggerationIterations?: number
  /** Default 12. */
  earlyExaggeration?: number
  /** Default 'auto': max(200, N / exaggeration) in each phase. */
  learningRate?: number | 'auto'
  /** 'pca' (default, openTSNE's) or 'random'. */
  initialization?: 'pca' | 'random'
  /** 'exact' (O(N^2)), 'fft' (FIt-SNE interpolation), or 'auto' (exact up to 2,000 points). Default 'auto'. */
  gradient?: 'auto' | 'exact' | 'fft'
  /** How the nearest neighbours are found. Default 'auto' (exact up to 20,000 points). */
  neighbors?: NeighborMethod
  /** Seed of the random initialisation and the approximate neighbour search. Default 0. */
  seed?: number
  /** Receives the embedding every `progressEvery` iterations. */
  onProgress?: ProgressCallback
  /** Default 25. */
  progressEvery?: number
}

/** t-SNE's result: coordinates plus what the quality measures reuse. */
export interface TsneResult {
  coordinates: Float32Array
  neighbors: Neighbors
  parameters: Required<Omit<TsneOptions, 'onProgress'>>
}

/** Points up to which 'auto' computes the repulsion exactly. */
const EXACT_GRADIENT_UP_TO = 2000

/** Checks and completes t-SNE's options for N points (throws GlasswingError on bad values). */
export function tsneParameters(rows: number, options: TsneOptions): TsneResult['parameters'] {
  const perplexity = options.perplexity ?? 30
  const largest = Math.floor((rows - 1) / 3)
  if (!(perplexity > 0) || perplexity > largest) {
    throw new GlasswingError({
      where: 'gw.tsne',
      argument: 'options.perplexity',
      expected: `a number above 0 and at most (N - 1) / 3 = ${largest} for ${rows} points`,
      received: String(perplexity),
      hint: `Lower the perplexity (try ${Math.max(1, Math.min(30, Math.floor(largest / 2)))}) or embed more points.`,
    })
  }
  for (const name of ['iterations', 'earlyExaggerationIterations'] as const) {
    const value = options[name]
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 100_000)) {
      throw new GlasswingError({
        where: 'gw.tsne',
        argument: `options.${name}`,
        expected: 'an integer from 0 to 100,000',
        received: String(value),
      })
    }
  }
  return {
    perplexity,
    iterations: options.iterations ?? 500,
    earlyExaggerationIterations: options.earlyExaggerationIterations ?? 250,
    earlyExaggeration: options.earlyExaggeration ?? 12,
    learningRate: options.learningRate ?? 'auto',
    initialization: options.initialization ?? 'pca',
    gradient: options.gradient ?? 'auto',
    neighbors: options.neighbors ?? 'auto',
    seed: options.seed ?? 0,
    progressEvery: options.progressEvery ?? 25,
  }
}

/**
 * Runs t-SNE on points already on the ready backend (the DSL's gw.tsne/gw.embed call this).
 *
 * @example
 * const { coordinates } = await runTsne(matrix, { perplexity: 30, seed: 1 })
 */
export async function runTsne(matrix: Matrix, options: TsneOptions = {}): Promise<TsneResult> {
  const parameters = tsneParameters(matrix.rows, options)
  const rows = matrix.rows
  const k = Math.min(rows - 1, Math.floor(3 * parameters.perplexity))
  const neighbors = nearestNeighbors(matrix, k, parameters.neighbors, parameters.seed)
  const affinities = jointProbabilities(neighbors, conditionalProbabilities(neighbors, parameters.perplexity))
  const y = initialize(matrix, parameters.initialization, parameters.seed)
  const exact =
    parameters.gradient === 'exact' || (parameters.gradient === 'auto' && rows <= EXACT_GRADIENT_UP_TO)
  const started = performance.now()
  const total = parameters.earlyExaggerationIterations + parameters.iterations
  const phases = [
    {
      iterations: parameters.earlyExaggerationIterations,
      exaggeration: parameters.earlyExaggeration,
      momentum: 0.5,
    },
    { iterations: parameters.iterations, exaggeration: 1, momentum: 0.8 },
  ]
  const optimizer = new Optimizer(y, affinities, exact)
  let done = 0
  try {
    for (const phase of phases) {
      const rate =
        parameters.learningRate === 'auto'
          ? Math.max(200, rows / phase.exaggeration)
          : parameters.learningRate
      optimizer.resetMomentum()
      for (let step = 0; step < phase.iterations; step++) {
        throwIfInterrupted('t-SNE', { done, total, unit: 'iterations' })
        optimizer.step(phase.exaggeration, phase.momentum, rate)
        done++
        if (options.onProgress && (done % parameters.progressEvery === 0 || done === total)) {
          await options.onProgress({
            method: 'tsne',
            iteration: done,
            iterations: total,
            coordinates: Float32Array.from(y),
            elapsed: (performance.now() - started) / 1000,
          })
        }
      }
    }
  } finally {
    optimizer.dispose()
  }
  return { coordinates: Float32Array.from(y), neighbors, parameters }
}

/** Gradient descent with momentum and gains, one step at a time, on a 2-D float64 embedding. */
class Optimizer {
  private readonly update: Float64Array
  private readonly gains: Float64Array
  private readonly gradient: Float64Array
  private readonly fft = new FftRepulsion()

  constructor(
    private readonly y: Float64Array,
    private readonly affinities: SparseAffinities,
    private readonly exact: boolean,
  ) {
    this.update = new Float64Array(y.length)
    this.gains = new Float64Array(y.length).fill(1)
    this.gradient = new Float64Array(y.length)
  }

  dispose(): void {
    this.fft.dispose()
  }

  resetMomentum(): void {
    // openTSNE starts each phase with a fresh update and keeps the gains.
    this.update.fill(0)
  }

  step(exaggeration: number, momentum: number, rate: number): void {
    const { y, update, gains, gradient } = this
    const rows = y.length / 2
    gradient.fill(0)
    addAttraction(y, this.affinities, exaggeration, gradient)
    if (this.exact) subtractExactRepulsion(y, rows, gradient)
    else this.fft.subtract(y, rows, gradient)
    let meanX = 0
    let meanY = 0
    for (let e = 0; e < y.length; e++) {
      const g = gradient[e]!
      const gain = update[e]! * g < 0 ? gains[e]! + 0.2 : Math.max(gains[e]! * 0.8, 0.01)
      gains[e] = gain
      update[e] = momentum * update[e]! - rate * gain * g
      y[e] = y[e]! + update[e]!
      if (e & 1) meanY += y[e]!
      else meanX += y[e]!
    }
    // Keep the embedding centred, as openTSNE does: the interpolation grid follows its extent.
    meanX /= rows
    meanY /= rows
    for (let i = 0; i < rows; i++) {
      y[2 * i] = y[2 * i]! - meanX
      y[2 * i + 1] = y[2 * i + 1]! - meanY
    }
  }
}

/** openTSNE's initialisations: PCA scaled so the first axis has std 1e-4, or N(0, 1e-4^2). */
function initialize(matrix: Matrix, how: 'pca' | 'random', seed: number): Float64Array {
  const rows = matrix.rows
  const y = new Float64Array(2 * rows)
  if (how === 'random' || Math.min(matrix.rows, matrix.columns) < 2) {
    const random = seededRandom(seed)
    for (let e = 0; e < y.length; e += 2) {
      // Box-Muller: two normals from two uniforms.
      const radius = Math.sqrt(-2 * Math.log(1 - random()))
      const angle = 2 * Math.PI * random()
      y[e] = 1e-4 * radius * Math.cos(angle)
      y[e + 1] = 1e-4 * radius * Math.sin(angle)
    }
    return y
  }
  const projected = fitPca(matrix, { components: 2, seed }).transform(matrix).values
  let mean = 0
  for (let i = 0; i < rows; i++) mean += projected[2 * i]!
  mean /= rows
  let variance = 0
  for (let i = 0; i < rows; i++) variance += (projected[2 * i]! - mean) ** 2
  const scale = 1e-4 / Math.sqrt(variance / rows || 1)
  for (let e = 0; e < y.length; e++) y[e] = projected[e]! * scale
  return y
}
