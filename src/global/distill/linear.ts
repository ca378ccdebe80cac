/**
 * A sparse linear surrogate: the lasso, scikit-learn's objective (1 / 2n) |y - Xw - b|^2 + alpha |w|_1,
 * by cyclic coordinate descent on centred columns; one model per output.
 */

/** A fitted lasso for one output. */
export interface LinearModel {
  intercept: number
  weights: number[]
  iterations: number
}

/** Fits the lasso of one target column. */
export function fitLasso(
  x: readonly Float64Array[],
  y: ArrayLike<number>,
  options: { alpha: number; maxIterations?: number; tolerance?: number },
): LinearModel {
  const n = x.length
  const d = x[0]?.length ?? 0
  const means = new Float64Array(d)
  for (const row of x) for (let j = 0; j < d; j++) means[j]! += row[j]! / n
  let yMean = 0
  for (let i = 0; i < n; i++) yMean += y[i]! / n
  const columns = Array.from({ length: d }, (_, j) => Float64Array.from(x, (row) => row[j]! - means[j]!))
  const norms = columns.map((c) => c.reduce((s, v) => s + v * v, 0))
  const residual = Float64Array.from({ length: n }, (_, i) => y[i]! - yMean)
  const w = new Float64Array(d)
  const maxIterations = options.maxIterations ?? 1000
  const tolerance = options.tolerance ?? 1e-6
  let iterations = 0
  for (; iterations < maxIterations; iterations++) {
    let largest = 0
    for (let j = 0; j < d; j++) {
      if (norms[j] === 0) continue
      const c = columns[j]!
      let rho = 0
      for (let i = 0; i < n; i++) rho += c[i]! * (residual[i]! + c[i]! * w[j]!)
      const threshold = options.alpha * n
      const updated = (Math.sign(rho) * Math.max(0, Math.abs(rho) - threshold)) / norms[j]!
      const delta = updated - w[j]!
      if (delta !== 0) {
        for (let i = 0; i < n; i++) residual[i]! -= c[i]! * delta
        w[j] = updated
        largest = Math.max(largest, Math.abs(delta))
      }
    }
    if (largest < tolerance) break
  }
  const intercept = yMean - w.reduce((s, v, j) => s + v * means[j]!, 0)
  return { intercept, weights: Array.from(w), iterations }
}

/** The model's prediction for each row. */
export function predictLinear(model: LinearModel, x: readonly Float64Array[]): Float64Array {
  return Float64Array.from(x, (row) => model.weights.reduce((s, w, j) => s + w * row[j]!, model.intercept))
}
