/**
 * Principal component analysis: an exact path (eigen-decomposition of the covariance or of the Gram
 * matrix, whichever is smaller) and randomized SVD (Halko, Martinsson & Tropp 2011) for large inputs.
 * Large products run as tfjs ops; only small (<= components + oversamples, or <= 1000 square) matrices
 * are decomposed in JS. Orthonormalization goes through the eigen-decomposition of a small Gram matrix
 * instead of tf.linalg.qr, which takes seconds on tall matrices.
 */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend } from '../backend'
import { GlasswingError } from '../errors'
import { symmetricEigen } from './eigen'
import { toMatrix, type Matrix, type MatrixLike } from './matrix'

/** How to fit a PCA. */
export interface PcaOptions {
  /** Number of components to keep. Default: 2 (at most the rank, min(points, features)). */
  components?: number
  /** 'exact' decomposes a covariance/Gram matrix; 'randomized' uses randomized SVD; 'auto' picks. */
  solver?: 'auto' | 'exact' | 'randomized'
  /** Scale the projections to unit variance. Default false. */
  whiten?: boolean
  /** Seed of the randomized solver's test matrix. Default 0. */
  seed?: number
  /** Power iterations of the randomized solver. Default 7 (scikit-learn's choice for few components). */
  powerIterations?: number
  /** Extra random directions of the randomized solver. Default max(10, components). */
  oversamples?: number
}

/** Largest side of a matrix that the exact path decomposes in JS. */
const EXACT_LIMIT = 1000

/** A fitted PCA: components, explained variance, and a transform for new points. */
export class PcaModel {
  constructor(
    /** The solver that ran. */
    readonly solver: 'exact' | 'randomized',
    /** Mean of the training points (length = features). */
    readonly mean: Float32Array,
    /** Components as rows, unit length (`components[k * features + j]`). */
    readonly components: Float32Array,
    /** Variance along each component (divisor N-1, as scikit-learn). */
    readonly explainedVariance: Float64Array,
    /** Share of the total variance along each component. */
    readonly explainedVarianceRatio: Float64Array,
    /** Singular values of the centred data. */
    readonly singularValues: Float64Array,
    /** Whether {@link PcaModel.transform} scales projections to unit variance. */
    readonly whiten: boolean,
  ) {}

  /** Number of features of the points it was fitted on. */
  get features(): number {
    return this.mean.length
  }

  /** Number of components kept. */
  get count(): number {
    return this.explainedVariance.length
  }

  /**
   * Projects points onto the components (whitened when fitted with `whiten: true`).
   *
   * @example
   * const model = await gw.pca(train, { components: 50 }); const projected = model.transform(test)
   */
  transform(data: MatrixLike): Matrix {
    const matrix = toMatrix(data, 'PcaModel.transform')
    if (matrix.columns !== this.features) {
      throw new GlasswingError({
        where: 'PcaModel.transform',
        argument: 'data',
        expected: `points of ${this.features} features, as fitted`,
        received: `${matrix.columns} features`,
      })
    }
    const scale = Float32Array.from(this.explainedVariance, (v) => (this.whiten ? 1 / Math.sqrt(v || 1) : 1))
    let values = new Float32Array(0)
    // Assigned, not returned: tf.tidy would walk a returned typed array element by element.
    tf.tidy(() => {
      const x = tf.tensor2d(matrix.values, [matrix.rows, matrix.columns]).sub(tf.tensor1d(this.mean))
      const w = tf.tensor2d(this.components, [this.count, this.features])
      values = x.matMul(w, false, true).mul(tf.tensor1d(scale)).dataSync() as Float32Array
    })
    return { values, rows: matrix.rows, columns: this.count }
  }
}

/**
 * Fits a PCA synchronously on the current backend (callers make sure it is ready).
 *
 * @example
 * const model = fitPca({ values, rows: 100, columns: 8 }, { components: 2 })
 */
export function fitPca(matrix: Matrix, options: PcaOptions = {}): PcaModel {
  const { rows, columns } = matrix
  const rank = Math.min(rows, columns)
  const components = options.components ?? 2
  if (!Number.isInteger(components) || components < 1 || components > rank) {
    throw new GlasswingError({
      where: 'gw.pca',
      argument: 'options.components',
      expected: `an integer from 1 to min(points, features) = ${rank}`,
      received: String(components),
    })
  }
  const solver = chooseSolver(options.solver ?? 'auto', rows, columns)
  const oversamples = options.oversamples ?? Math.max(10, components)
  const sketch = Math.min(rank, components + oversamples)
  let mean = new Float32Array(columns)
  let totalVariance = 0
  let result: Decomposition | undefined
  tf.tidy(() => {
    const x = tf.tensor2d(matrix.values, [rows, columns])
    const meanTensor = x.mean(0)
    const centred = x.sub(meanTensor) as tf.Tensor2D
    mean = Float32Array.from(meanTensor.dataSync())
    result =
      solver === 'exact'
        ? exactSvd(centred, components)
        : randomizedSvd(centred, components, sketch, options.powerIterations ?? 7, options.seed ?? 0)
  })
  if (!result) throw new Error('fitPca: no decomposition')
  totalVariance = totalVarianceOf(matrix, mean)
  const explainedVariance = result.squaredSingularValues.map((s: number) => s / Math.max(rows - 1, 1))
  flipSigns(result.components, components, columns)
  return new PcaModel(
    solver,
    mean,
    result.components,
    explainedVariance,
    explainedVariance.map((v) => v / totalVariance),
    result.squaredSingularValues.map((s) => Math.sqrt(Math.max(s, 0))),
    options.whiten ?? false,
  )
}

/**
 * PCA of points: components, explained variance (and ratio), and a transform for new points.
 *
 * @example
 * const model = await gw.pca(activations, { components: 50 })
 * model.explainedVarianceRatio   // Float64Array [0.097, 0.071, ...]
 * const reduced = model.transform(activations)
 */
export async function pca(data: MatrixLike, options: PcaOptions = {}): Promise<PcaModel> {
  await ensureBackend()
  return fitPca(toMatrix(data, 'gw.pca'), options)
}

function chooseSolver(
  requested: 'auto' | 'exact' | 'randomized',
  rows: number,
  columns: number,
): 'exact' | 'randomized' {
  if (requested !== 'auto') return requested
  const small = Math.min(rows, columns)
  // The exact path decomposes a small x small matrix in JS: cheap up to a few hundred.
  return small <= 200 ? 'exact' : 'randomized'
}

interface Decomposition {
  components: Float32Array
  squaredSingularValues: Float64Array
}

/** Exact: eigen-decomposition of X^T X (features <= points) or of X X^T (fewer points). */
function exactSvd(centred: tf.Tensor2D, components: number): Decomposition {
  const [rows, columns] = centred.shape
  if (Math.min(rows, columns) > EXACT_LIMIT) {
    throw new GlasswingError({
      where: 'gw.pca',
      argument: 'options.solver',
      expected: `'exact' only for inputs with at most ${EXACT_LIMIT} points or features`,
      received: `${rows}x${columns}`,
      hint: "Use solver: 'randomized' (or 'auto').",
    })
  }
  if (columns <= rows) {
    const covariance = centred.matMul(centred, true, false).dataSync()
    const { values, vectors } = symmetricEigen(covariance, columns)
    return {
      components: Float32Array.from(vectors.subarray(0, components * columns)),
      squaredSingularValues: values.slice(0, components),
    }
  }
  const gram = centred.matMul(centred, false, true).dataSync()
  const { values, vectors } = symmetricEigen(gram, rows)
  return rowsToComponents(centred, vectors, values, components)
}

/** Components V = S^-1 U^T X from left singular vectors U (as rows) and squared singular values. */
function rowsToComponents(
  x: tf.Tensor,
  left: Float64Array,
  squared: Float64Array,
  components: number,
): Decomposition {
  const length = x.shape[0]!
  const scale = Float32Array.from(squared.subarray(0, components), (s) => (s > 0 ? 1 / Math.sqrt(s) : 0))
  const u = tf.tensor2d(Float32Array.from(left.subarray(0, components * length)), [components, length])
  const v = u.matMul(x).mul(tf.tensor2d(scale, [components, 1]))
  return { components: v.dataSync() as Float32Array, squaredSingularValues: squared.slice(0, components) }
}

/**
 * Randomized SVD with power iterations; returns the top `components` of a rank-`sketch` range.
 * When the features are few (<= 2000) and the points many, the iterations run on the small covariance
 * X^T X instead of on X: one n x d x d product up front, then each iteration costs d x d x sketch.
 */
function randomizedSvd(
  centred: tf.Tensor2D,
  components: number,
  sketch: number,
  powerIterations: number,
  seed: number,
): Decomposition {
  const [rows, columns] = centred.shape
  if (columns <= 2000 && columns <= rows) {
    return randomizedCovarianceEigen(
      centred.matMul(centred, true, false),
      components,
      sketch,
      powerIterations,
      seed,
    )
  }
  let q: tf.Tensor2D = orthonormalize(
    centred.matMul(tf.randomNormal([columns, sketch], 0, 1, 'float32', seed)),
  )
  for (let i = 0; i < powerIterations; i++) {
    const z = orthonormalize(centred.matMul(q, true, false))
    q = orthonormalize(centred.matMul(z))
  }
  q = orthonormalize(q)
  const b = q.matMul(centred, true, false)
  const { values, vectors } = symmetricEigen(b.matMul(b, false, true).dataSync(), q.shape[1]!)
  return rowsToComponents(b, vectors, values, components)
}

/** Subspace iteration with Rayleigh-Ritz on a symmetric positive semi-definite d x d matrix. */
function randomizedCovarianceEigen(
  covariance: tf.Tensor,
  components: number,
  sketch: number,
  powerIterations: number,
  seed: number,
): Decomposition {
  const columns = covariance.shape[0]!
  // Each step squares the spectral gap of the data once, as a data-side power iteration does twice;
  // steps are cheap here, so take twice as many.
  let q = orthonormalize(covariance.matMul(tf.randomNormal([columns, sketch], 0, 1, 'float32', seed)))
  for (let i = 0; i < 2 * powerIterations; i++) q = orthonormalize(covariance.matMul(q))
  const width = q.shape[1]!
  const projected = q.matMul(covariance.matMul(q), true, false).dataSync()
  const { values, vectors } = symmetricEigen(projected, width)
  const rotation = tf.tensor2d(Float32Array.from(vectors.subarray(0, components * width)), [
    components,
    width,
  ])
  return {
    components: rotation.matMul(q, false, true).dataSync() as Float32Array,
    squaredSingularValues: values.slice(0, components),
  }
}

/**
 * Orthonormal columns spanning the columns of a tall y: y V diag(1/sqrt(lambda)) from the eigen-
 * decomposition of y^T y. Directions with negligible variance are dropped (set to zero).
 */
function orthonormalize(y: tf.Tensor): tf.Tensor2D {
  const width = y.shape[1]!
  const { values, vectors } = symmetricEigen(y.matMul(y, true, false).dataSync(), width)
  const floor = values[0]! * 1e-10
  const transform = new Float32Array(width * width)
  for (let k = 0; k < width; k++) {
    const scale = values[k]! > floor ? 1 / Math.sqrt(values[k]!) : 0
    for (let j = 0; j < width; j++) transform[j * width + k] = vectors[k * width + j]! * scale
  }
  return y.matMul(tf.tensor2d(transform, [width, width])) as tf.Tensor2D
}

/** Makes each component's largest-magnitude entry positive, so results do not depend on the solver. */
function flipSigns(components: Float32Array, count: number, length: number): void {
  for (let k = 0; k < count; k++) {
    const row = components.subarray(k * length, (k + 1) * length)
    let largest = 0
    for (let j = 0; j < length; j++) if (Math.abs(row[j]!) > Math.abs(largest)) largest = row[j]!
    if (largest < 0) for (let j = 0; j < length; j++) row[j] = -row[j]!
  }
}

/** Sum of the features' variances, accumulated in float64 (the ratios' denominator). */
function totalVarianceOf({ values, rows, columns }: Matrix, mean: Float32Array): number {
  let sum = 0
  for (let i = 0; i < rows; i++) {
    for (let j = 0, offset = i * columns; j < columns; j++) {
      const d = values[offset + j]! - mean[j]!
      sum += d * d
    }
  }
  return sum / Math.max(rows - 1, 1)
}
