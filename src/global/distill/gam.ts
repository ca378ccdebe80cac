/**
 * A binned additive surrogate (EBM-like, fitted by cyclic boosting): each feature is cut into quantile
 * bins, and the model is an intercept plus one step function per feature, fitted by cycling over the
 * features and moving each bin's value a share of the way toward the mean residual of its rows.
 */

/** One feature's shape function: bin upper edges (the last is +Infinity) and the value of each bin. */
export interface ShapeFunction {
  edges: number[]
  values: number[]
}

/** A fitted binned GAM for one output. */
export interface BinnedGam {
  intercept: number
  shapes: ShapeFunction[]
}

/** Upper edges of up to `bins` quantile bins of a column (distinct values only). */
function binEdges(column: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(column).sort()
  const distinct = [...new Set(sorted)]
  if (distinct.length <= bins)
    return [...distinct.slice(0, -1).map((v, i) => (v + distinct[i + 1]!) / 2), Infinity]
  const edges: number[] = []
  for (let b = 1; b < bins; b++) {
    const q = sorted[Math.floor((b * sorted.length) / bins)]!
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q)
  }
  edges.push(Infinity)
  return edges
}

function binOf(edges: readonly number[], v: number): number {
  let lo = 0
  let hi = edges.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (v <= edges[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Fits a binned GAM of `y` on `x` by cyclic boosting. */
export function fitGam(
  x: readonly Float64Array[],
  y: ArrayLike<number>,
  options: { bins: number; rounds: number; learningRate: number; onRound?: (round: number) => void },
): BinnedGam {
  const n = x.length
  const d = x[0]?.length ?? 0
  let intercept = 0
  for (let i = 0; i < n; i++) intercept += y[i]! / n
  const shapes: ShapeFunction[] = []
  const binned: Int32Array[] = []
  for (let j = 0; j < d; j++) {
    const column = Float64Array.from(x, (r) => r[j]!)
    const edges = binEdges(column, options.bins)
    shapes.push({ edges, values: new Array<number>(edges.length).fill(0) })
    binned.push(Int32Array.from(column, (v) => binOf(edges, v)))
  }
  const prediction = new Float64Array(n).fill(intercept)
  for (let round = 0; round < options.rounds; round++) {
    options.onRound?.(round)
    for (let j = 0; j < d; j++) {
      const shape = shapes[j]!
      const sums = new Float64Array(shape.values.length)
      const counts = new Float64Array(shape.values.length)
      const bins = binned[j]!
      for (let i = 0; i < n; i++) {
        sums[bins[i]!]! += y[i]! - prediction[i]!
        counts[bins[i]!]!++
      }
      const step = Array.from(sums, (s, b) => (counts[b]! > 0 ? (options.learningRate * s) / counts[b]! : 0))
      // Keep each shape centred (mean zero over the rows), so the intercept carries the mean.
      let mean = 0
      for (let i = 0; i < n; i++) mean += step[bins[i]!]! / n
      for (let b = 0; b < step.length; b++) shape.values[b]! += step[b]! - mean
      intercept += mean
      for (let i = 0; i < n; i++) prediction[i]! += step[bins[i]!]!
    }
  }
  return { intercept, shapes }
}

/** The GAM's prediction for each row. */
export function predictGam(gam: BinnedGam, x: readonly Float64Array[]): Float64Array {
  return Float64Array.from(x, (row) =>
    gam.shapes.reduce((s, shape, j) => s + shape.values[binOf(shape.edges, row[j]!)]!, gam.intercept),
  )
}

/** How much each feature's shape moves the output: the range of its values. */
export function shapeRanges(gam: BinnedGam): number[] {
  return gam.shapes.map((s) => Math.max(...s.values) - Math.min(...s.values))
}
