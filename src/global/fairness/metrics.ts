/**
 * Group fairness metrics on plain arrays, with Fairlearn's definitions (fairlearn.metrics): selection
 * rate, accuracy, false positive/negative rate per group, demographic parity difference and ratio
 * (between the groups' selection rates), equalized odds difference and ratio (the worse of the TPR and
 * FPR between-group gaps). The positive label is 1.
 */
import { seededRandom } from '../../data/random'

/** Rates of one group (or of everyone). */
export interface GroupRates {
  count: number
  selectionRate: number
  accuracy: number
  falsePositiveRate: number
  falseNegativeRate: number
  truePositiveRate: number
}

/** Per-group rates and the between-group summaries. */
export interface GroupMetrics {
  groups: string[]
  byGroup: Record<string, GroupRates>
  overall: GroupRates
  demographicParityDifference: number
  demographicParityRatio: number
  equalizedOddsDifference: number
  equalizedOddsRatio: number
}

/** Rates of the rows listed (all rows when `rows` is null). */
export function rates(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  rows: ArrayLike<number> | null,
): GroupRates {
  let tp = 0
  let fp = 0
  let tn = 0
  let fn = 0
  const n = rows ? rows.length : yTrue.length
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i
    const t = yTrue[r] === 1
    const p = yPred[r] === 1
    if (t && p) tp++
    else if (!t && p) fp++
    else if (!t && !p) tn++
    else fn++
  }
  return {
    count: n,
    selectionRate: (tp + fp) / n,
    accuracy: (tp + tn) / n,
    falsePositiveRate: fp / (fp + tn),
    falseNegativeRate: fn / (fn + tp),
    truePositiveRate: tp / (tp + fn),
  }
}

function spread(values: number[]): { difference: number; ratio: number } {
  const max = Math.max(...values)
  const min = Math.min(...values)
  return { difference: max - min, ratio: max === 0 ? (min === 0 ? 1 : 0) : min / max }
}

/** Rows of each group, groups in sorted order (as Fairlearn's MetricFrame.by_group). */
export function groupRows(sensitive: readonly string[]): Map<string, number[]> {
  const rows = new Map<string, number[]>()
  for (const g of [...new Set(sensitive)].sort()) rows.set(g, [])
  sensitive.forEach((g, i) => rows.get(g)!.push(i))
  return rows
}

/** Fairlearn-compatible group metrics. */
export function groupMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: readonly string[],
): GroupMetrics {
  const rowsOf = groupRows(sensitive)
  const groups = [...rowsOf.keys()]
  const byGroup: Record<string, GroupRates> = {}
  for (const g of groups) byGroup[g] = rates(yTrue, yPred, rowsOf.get(g)!)
  const all = groups.map((g) => byGroup[g]!)
  const dp = spread(all.map((r) => r.selectionRate))
  const tpr = spread(all.map((r) => r.truePositiveRate))
  const fpr = spread(all.map((r) => r.falsePositiveRate))
  return {
    groups,
    byGroup,
    overall: rates(yTrue, yPred, null),
    demographicParityDifference: dp.difference,
    demographicParityRatio: dp.ratio,
    equalizedOddsDifference: Math.max(tpr.difference, fpr.difference),
    equalizedOddsRatio: Math.min(tpr.ratio, fpr.ratio),
  }
}

/** The summaries a bootstrap interval is given for. */
export const SUMMARY_NAMES = [
  'demographicParityDifference',
  'demographicParityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
] as const
export type SummaryName = (typeof SUMMARY_NAMES)[number]

/**
 * Percentile bootstrap intervals of the summaries, resampling rows within each group (stratified, so
 * every group stays present), seeded.
 */
export function bootstrapIntervals(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: readonly string[],
  options: { resamples: number; level: number; seed: number; onResample?: (i: number) => void },
): Record<SummaryName, [number, number]> {
  const random = seededRandom(options.seed)
  const rowsOf = [...groupRows(sensitive).values()]
  const draws: Record<SummaryName, number[]> = {
    demographicParityDifference: [],
    demographicParityRatio: [],
    equalizedOddsDifference: [],
    equalizedOddsRatio: [],
  }
  const t = new Array<number>(sensitive.length)
  const p = new Array<number>(sensitive.length)
  const s = new Array<string>(sensitive.length)
  for (let b = 0; b < options.resamples; b++) {
    options.onResample?.(b)
    let k = 0
    for (const rows of rowsOf)
      for (let i = 0; i < rows.length; i++) {
        const r = rows[Math.floor(random() * rows.length)]!
        t[k] = yTrue[r]!
        p[k] = yPred[r]!
        s[k] = sensitive[r]!
        k++
      }
    const m = groupMetrics(t, p, s)
    for (const name of SUMMARY_NAMES) draws[name].push(m[name])
  }
  const alpha = (1 - options.level) / 2
  const out = {} as Record<SummaryName, [number, number]>
  for (const name of SUMMARY_NAMES) {
    const sorted = draws[name].filter(Number.isFinite).sort((a, b) => a - b)
    out[name] = [quantile(sorted, alpha), quantile(sorted, 1 - alpha)]
  }
  return out
}

/** Linear-interpolation quantile (numpy's default) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}
