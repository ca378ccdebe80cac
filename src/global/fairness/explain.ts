/**
 * The explanation layer of a fairness report, on plain arrays: per-group mean attributions, the
 * additive decomposition of the gap in mean output between two groups into per-feature parts, a
 * per-feature two-sample test of the attributions, and proxy detection (how well each feature alone
 * tells the groups apart, as AUC).
 */
import { adjustPValues, tTest } from '../tcav/stats'

/** Mean attribution per group, features x groups. */
export function groupMeans(
  attributions: readonly Float64Array[],
  rowsOf: ReadonlyMap<string, number[]>,
): number[][] {
  const d = attributions[0]!.length
  const groups = [...rowsOf.values()]
  return Array.from({ length: d }, (_, j) =>
    groups.map((rows) => rows.reduce((s, r) => s + attributions[r]![j]!, 0) / rows.length),
  )
}

/** The gap in mean output between two groups, split into per-feature parts. */
export interface GapDecomposition {
  groups: [string, string]
  /** Mean output of the first group minus the second's. */
  outputGap: number
  /** Per feature: the first group's mean attribution minus the second's. */
  contributions: number[]
  /** outputGap minus the contributions' sum: zero for complete attributions with a shared baseline. */
  residual: number
}

/**
 * For attributions that sum to output minus a baseline output shared by every row (Shapley values,
 * integrated gradients with one baseline), mean output gap = sum of the per-feature mean attribution
 * gaps exactly; `residual` measures how far the attributions given are from that.
 */
export function decomposeGap(
  outputs: ArrayLike<number>,
  attributions: readonly Float64Array[],
  a: { name: string; rows: number[] },
  b: { name: string; rows: number[] },
): GapDecomposition {
  const mean = (rows: number[], f: (r: number) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length
  const outputGap = mean(a.rows, (r) => outputs[r]!) - mean(b.rows, (r) => outputs[r]!)
  const d = attributions[0]!.length
  const contributions = Array.from(
    { length: d },
    (_, j) => mean(a.rows, (r) => attributions[r]![j]!) - mean(b.rows, (r) => attributions[r]![j]!),
  )
  return {
    groups: [a.name, b.name],
    outputGap,
    contributions,
    residual: outputGap - contributions.reduce((s, v) => s + v, 0),
  }
}

/** Per feature, Welch's t-test of the two groups' attributions, p adjusted by Benjamini-Hochberg. */
export function attributionTests(
  attributions: readonly Float64Array[],
  a: number[],
  b: number[],
): { t: number; df: number; p: number; pAdjusted: number }[] {
  const d = attributions[0]!.length
  const tests = Array.from({ length: d }, (_, j) =>
    tTest(
      a.map((r) => attributions[r]![j]!),
      b.map((r) => attributions[r]![j]!),
      'welch',
    ),
  )
  const p = tests.map((t) => (Number.isNaN(t.p) ? 1 : t.p))
  const adjusted = adjustPValues(p, 'benjamini-hochberg')
  return tests.map((t, j) => ({ t: t.t, df: t.df, p: p[j]!, pAdjusted: adjusted[j]! }))
}

/** AUC of one score for telling `positive` rows from the rest (Mann-Whitney, ties halved). */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((x, y) => scores[x]! - scores[y]!)
  const ranks = new Float64Array(scores.length)
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++
    for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2 + 1
    i = j + 1
  }
  let n1 = 0
  let sum = 0
  for (let i = 0; i < scores.length; i++)
    if (positive[i]) {
      n1++
      sum += ranks[i]!
    }
  const n0 = scores.length - n1
  return (sum - (n1 * (n1 + 1)) / 2) / (n1 * n0)
}
