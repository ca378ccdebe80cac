/**
 * CART decision trees on plain numbers, with scikit-learn's split rules: thresholds halfway between
 * consecutive distinct values, `x <= threshold` goes left, Gini for classes and squared error (summed
 * over outputs) for values, depth-first growth, and a split taken whenever one is allowed. Where two
 * splits tie, the lower feature index wins (scikit-learn draws features in a random order).
 */

/** A node of a fitted tree; leaves have `feature === -1`. */
export interface TreeNode {
  id: number
  depth: number
  feature: number
  threshold: number
  left: number
  right: number
  samples: number
  impurity: number
  /** Classifier: the class counts; regressor: the mean of each output. */
  value: number[]
}

/** A fitted tree. */
export interface Tree {
  kind: 'classifier' | 'regressor'
  nodes: TreeNode[]
  features: number
  /** Classes (classifier) or outputs (regressor). */
  outputs: number
  /** Impurity-based importance per feature, summing to 1 (all zero for a single leaf). */
  importance: number[]
}

/** Limits on a tree's growth. */
export interface TreeLimits {
  maxDepth: number
  minSamplesLeaf?: number
  minSamplesSplit?: number
}

/** Features are rows x features; targets are class indices (classifier) or rows x outputs. */
export function fitTree(
  x: readonly Float64Array[],
  target: { classes: Int32Array; classCount: number } | { values: readonly Float64Array[] },
  limits: TreeLimits,
): Tree {
  const n = x.length
  const d = n > 0 ? x[0]!.length : 0
  const classifier = 'classes' in target
  const k = classifier ? target.classCount : (target.values[0]?.length ?? 1)
  const minLeaf = Math.max(1, limits.minSamplesLeaf ?? 1)
  const minSplit = Math.max(2, limits.minSamplesSplit ?? 2)
  const nodes: TreeNode[] = []
  const importance = new Array<number>(d).fill(0)

  const stats = (rows: Int32Array): { value: number[]; impurity: number } => {
    const value = new Array<number>(k).fill(0)
    if (classifier) {
      for (const r of rows) value[target.classes[r]!]! += 1
      let sq = 0
      for (const c of value) sq += c * c
      return { value, impurity: 1 - sq / (rows.length * rows.length) }
    }
    const squares = new Array<number>(k).fill(0)
    for (const r of rows) {
      const v = target.values[r]!
      for (let j = 0; j < k; j++) {
        value[j]! += v[j]!
        squares[j]! += v[j]! * v[j]!
      }
    }
    let impurity = 0
    for (let j = 0; j < k; j++) {
      value[j] = value[j]! / rows.length
      impurity += squares[j]! / rows.length - value[j]! * value[j]!
    }
    return { value, impurity: impurity / k }
  }

  const grow = (rows: Int32Array, depth: number): number => {
    const id = nodes.length
    const { value, impurity } = stats(rows)
    const node: TreeNode = {
      id,
      depth,
      feature: -1,
      threshold: NaN,
      left: -1,
      right: -1,
      samples: rows.length,
      impurity,
      value,
    }
    nodes.push(node)
    if (depth >= limits.maxDepth || rows.length < minSplit || rows.length < 2 * minLeaf || impurity <= 1e-12)
      return id
    const best = bestSplit(x, rows, d, k, classifier, target, minLeaf)
    if (!best) return id
    const left = rows.filter((r) => x[r]![best.feature]! <= best.threshold)
    const right = rows.filter((r) => x[r]![best.feature]! > best.threshold)
    node.feature = best.feature
    node.threshold = best.threshold
    node.left = grow(left, depth + 1)
    node.right = grow(right, depth + 1)
    const l = nodes[node.left]!
    const rr = nodes[node.right]!
    importance[best.feature]! += rows.length * impurity - l.samples * l.impurity - rr.samples * rr.impurity
    return id
  }
  grow(
    Int32Array.from({ length: n }, (_, i) => i),
    0,
  )
  const total = importance.reduce((s, v) => s + v, 0)
  return {
    kind: classifier ? 'classifier' : 'regressor',
    nodes,
    features: d,
    outputs: k,
    importance: importance.map((v) => (total > 0 ? v / total : 0)),
  }
}

function bestSplit(
  x: readonly Float64Array[],
  rows: Int32Array,
  d: number,
  k: number,
  classifier: boolean,
  target: { classes: Int32Array; classCount: number } | { values: readonly Float64Array[] },
  minLeaf: number,
): { feature: number; threshold: number } | null {
  const n = rows.length
  const total = new Float64Array(k)
  const leftSum = new Float64Array(k)
  const add = (into: Float64Array, r: number, sign: number): void => {
    if (classifier) into[(target as { classes: Int32Array }).classes[r]!]! += sign
    else {
      const v = (target as { values: readonly Float64Array[] }).values[r]!
      for (let j = 0; j < k; j++) into[j]! += sign * v[j]!
    }
  }
  for (const r of rows) add(total, r, 1)
  let bestProxy = -Infinity
  let best: { feature: number; threshold: number } | null = null
  const order = Array.from(rows)
  for (let f = 0; f < d; f++) {
    order.sort((a, b) => x[a]![f]! - x[b]![f]!)
    if (x[order[n - 1]!]![f]! <= x[order[0]!]![f]! + 1e-7) continue
    leftSum.fill(0)
    for (let i = 0; i < n - 1; i++) {
      add(leftSum, order[i]!, 1)
      const a = x[order[i]!]![f]!
      const b = x[order[i + 1]!]![f]!
      if (b <= a + 1e-7) continue
      const nl = i + 1
      const nr = n - nl
      if (nl < minLeaf || nr < minLeaf) continue
      let sl = 0
      let sr = 0
      for (let j = 0; j < k; j++) {
        const l = leftSum[j]!
        const r = total[j]! - l
        sl += l * l
        sr += r * r
      }
      const proxy = sl / nl + sr / nr
      if (proxy > bestProxy) {
        bestProxy = proxy
        let threshold = a / 2 + b / 2
        if (threshold === b || !Number.isFinite(threshold)) threshold = a
        best = { feature: f, threshold }
      }
    }
  }
  return best
}

/** The leaf each row lands in. */
export function applyTree(tree: Tree, x: readonly Float64Array[]): Int32Array {
  return Int32Array.from(x, (row) => {
    let node = tree.nodes[0]!
    while (node.feature >= 0)
      node = tree.nodes[row[node.feature]! <= node.threshold ? node.left : node.right]!
    return node.id
  })
}

/** Classifier: the predicted class (ties to the lower index); regressor: the leaf means. */
export function predictTree(
  tree: Tree,
  x: readonly Float64Array[],
): { classes: Int32Array; values: Float64Array[] } {
  const leaves = applyTree(tree, x)
  const values = Array.from(leaves, (leaf) => {
    const v = tree.nodes[leaf]!.value
    const s = tree.kind === 'classifier' ? v.reduce((a, b) => a + b, 0) : 1
    return Float64Array.from(v, (c) => c / s)
  })
  const classes = Int32Array.from(values, (v) => {
    let arg = 0
    for (let j = 1; j < v.length; j++) if (v[j]! > v[arg]!) arg = j
    return arg
  })
  return { classes, values }
}
