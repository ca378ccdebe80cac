/**
 * Grouped bars of a tabular `gw.compare`: for one example (or over all of them), each feature's
 * attribution under each method, features sorted by mean |attribution|. Pure and dependency-free, so
 * that the kernel's PNG and the extension's view draw the same bars from the same rule.
 */
import { categoryColour } from './palette'

/**
 * How the methods' values are put on one axis. 'relative': each method divided by its largest |value|
 * among the bars shown, so methods whose units differ (a gradient, a probability change) compare by
 * shape; 'raw': the values as they are, on a shared axis.
 */
export type ComparisonScale = 'relative' | 'raw'

/** One feature's group of bars. */
export interface FeatureGroup {
  /** The feature's index. */
  feature: number
  /** Per method, the attribution (for one example) or mean |attribution| (over all). */
  values: number[]
  /** Per method, the bar's length on the chosen scale. */
  shown: number[]
}

/** What a grouped bar chart draws. */
export interface GroupedBars {
  groups: FeatureGroup[]
  /** The [min, max] of the shown values, zero included. */
  extent: [number, number]
  /** Features left out past `max`. */
  others: number
}

/** The shape of a comparison's attributions, [methods, n, f]. */
export interface ComparisonShape {
  methods: number
  examples: number
  features: number
}

/**
 * The grouped bars of one example, or with `example` null the mean |attribution| over all examples;
 * the `max` features with the largest mean |shown value| over the methods, largest first.
 *
 * @example
 * // 2 methods, 1 example, 2 features: method 0 says [0.2, -0.1], method 1 says [4, 8]
 * groupedBars(new Float32Array([0.2, -0.1, 4, 8]), { methods: 2, examples: 1, features: 2 }, 0, 'relative', 10)
 * // groups: feature 0 (shown [1, 0.5]), then feature 1 (shown [-0.5, 1]); a tie goes to the lower index
 */
export function groupedBars(
  attributions: ArrayLike<number>,
  shape: ComparisonShape,
  example: number | null,
  scale: ComparisonScale,
  max: number,
): GroupedBars {
  const { methods, examples, features } = shape
  const value = (method: number, feature: number): number => {
    if (example !== null) return attributions[(method * examples + example) * features + feature]!
    let sum = 0
    for (let e = 0; e < examples; e++)
      sum += Math.abs(attributions[(method * examples + e) * features + feature]!)
    return examples ? sum / examples : 0
  }
  const values = Array.from({ length: features }, (_, f) =>
    Array.from({ length: methods }, (_, m) => value(m, f)),
  )
  const largest = Array.from({ length: methods }, (_, m) =>
    values.reduce((top, row) => Math.max(top, Number.isFinite(row[m]!) ? Math.abs(row[m]!) : 0), 0),
  )
  const all: FeatureGroup[] = values.map((row, feature) => ({
    feature,
    values: row,
    shown: row.map((v, m) => (scale === 'relative' ? (largest[m]! > 0 ? v / largest[m]! : 0) : v)),
  }))
  const weight = (group: FeatureGroup): number =>
    group.shown.reduce((sum, v) => sum + (Number.isFinite(v) ? Math.abs(v) : 0), 0) / Math.max(1, methods)
  const groups = all.sort((a, b) => weight(b) - weight(a) || a.feature - b.feature).slice(0, max)
  let [lo, hi] = [0, 0]
  for (const group of groups)
    for (const v of group.shown) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  return { groups, extent: [lo, hi === lo ? lo + 1 : hi], others: features - groups.length }
}

/**
 * The colour of method `index`: the categorical colours, as the embedding's classes have.
 *
 * @example
 * methodColour(1)   // '#f28e2b'
 */
export function methodColour(index: number): string {
  return categoryColour(index)
}
