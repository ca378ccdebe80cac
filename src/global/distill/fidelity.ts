/**
 * How faithfully a surrogate follows its teacher: label agreement, R^2 on probabilities (scikit-learn's
 * r2_score, uniform average over outputs), per-class agreement, per-leaf coverage and precision, and the
 * fidelity-versus-depth curve.
 */
import { applyTree, fitTree, predictTree, type Tree } from './cart'

/** Rows with the teacher's labels and probabilities. */
export interface TeacherData {
  x: Float64Array[]
  classes: Int32Array
  probabilities: Float64Array[]
}

/** One point of the fidelity-versus-depth curve. */
export interface FidelityPoint {
  depth: number
  leaves: number
  agreement: number
  r2: number
  heldOutAgreement: number | null
  heldOutR2: number | null
}

/** Fraction of rows where the two labels agree. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++
  return same / a.length
}

/** scikit-learn's r2_score(truth, prediction) with multioutput='uniform_average'. */
export function r2Score(truth: readonly Float64Array[], prediction: readonly Float64Array[]): number {
  const k = truth[0]!.length
  let sum = 0
  for (let j = 0; j < k; j++) {
    let mean = 0
    for (const row of truth) mean += row[j]!
    mean /= truth.length
    let res = 0
    let tot = 0
    truth.forEach((row, i) => {
      res += (row[j]! - prediction[i]![j]!) ** 2
      tot += (row[j]! - mean) ** 2
    })
    sum += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot
  }
  return sum / k
}

/** Per class of the teacher: the fraction of its rows the surrogate labels the same. */
export function perClassAgreement(teacher: Int32Array, student: Int32Array, classCount: number): number[] {
  return Array.from({ length: classCount }, (_, c) => {
    let n = 0
    let same = 0
    teacher.forEach((t, i) => {
      if (t !== c) return
      n++
      if (student[i] === c) same++
    })
    return n === 0 ? NaN : same / n
  })
}

/** A leaf's share of the rows and how often the teacher agrees with the leaf's label there. */
export interface LeafFidelity {
  leaf: number
  label: number
  coverage: number
  precision: number
}

/** Coverage and precision of every leaf of a classifier tree on the given rows. */
export function leafFidelity(tree: Tree, data: { x: Float64Array[]; classes: Int32Array }): LeafFidelity[] {
  const leaves = applyTree(tree, data.x)
  return tree.nodes
    .filter((node) => node.feature < 0)
    .map((node) => {
      let label = 0
      node.value.forEach((v, j) => {
        if (v > node.value[label]!) label = j
      })
      let n = 0
      let right = 0
      leaves.forEach((leaf, i) => {
        if (leaf !== node.id) return
        n++
        if (data.classes[i] === label) right++
      })
      return { leaf: node.id, label, coverage: n / data.x.length, precision: n === 0 ? NaN : right / n }
    })
}

/** Trees of each depth on labels (agreement) and on probabilities (R^2), on the data and held out. */
export function fidelityCurve(
  train: TeacherData,
  heldOut: TeacherData | null,
  depths: readonly number[],
  options: { minSamplesLeaf?: number; onDepth?: (depth: number) => void } = {},
): FidelityPoint[] {
  const classCount = train.probabilities[0]!.length
  return depths.map((depth) => {
    options.onDepth?.(depth)
    const limits = { maxDepth: depth, minSamplesLeaf: options.minSamplesLeaf }
    const classifier = fitTree(train.x, { classes: train.classes, classCount }, limits)
    const regressor = fitTree(train.x, { values: train.probabilities }, limits)
    const point: FidelityPoint = {
      depth,
      leaves: classifier.nodes.filter((node) => node.feature < 0).length,
      agreement: agreement(predictTree(classifier, train.x).classes, train.classes),
      r2: r2Score(train.probabilities, predictTree(regressor, train.x).values),
      heldOutAgreement: null,
      heldOutR2: null,
    }
    if (heldOut) {
      point.heldOutAgreement = agreement(predictTree(classifier, heldOut.x).classes, heldOut.classes)
      point.heldOutR2 = r2Score(heldOut.probabilities, predictTree(regressor, heldOut.x).values)
    }
    return point
  })
}
