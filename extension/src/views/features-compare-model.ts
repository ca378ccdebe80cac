/**
 * The tabular comparison view's pure logic: where each feature's group of bars (one bar per method)
 * goes, from the kernel's [methods, n, f] attributions and the shared grouped-bars rule.
 */
import { groupedBars, methodColour, type ComparisonScale } from '../../../src/display/feature-comparison'
import { featureLabels } from './features-model'

/** One method's bar of one feature. */
export interface ComparisonBar {
  method: number
  /** The attribution (one example) or mean |attribution| (all examples), as the kernel computed it. */
  value: number
  x: number
  y: number
  width: number
  colour: string
}

/** One feature's group: its label and its bars. */
export interface ComparisonRow {
  feature: number
  /** `name = value` where the kernel sent the raw value, else the name (shown as text). */
  label: string
  /** The vertical centre of the group, for its label. */
  centre: number
  bars: ComparisonBar[]
}

/** A drawn comparison chart. */
export interface ComparisonLayout {
  rows: ComparisonRow[]
  /** The x of value zero. */
  zero: number
  height: number
  /** Features left out past the maximum shown. */
  others: number
}

/** Where the chart goes: the plot's left edge and width, a bar's height, the gap between groups. */
export interface ComparisonGeometry {
  left: number
  width: number
  bar: number
  gap: number
  /** Most features shown. */
  max: number
}

/**
 * The layout of one example (`example` a row index) or of all of them (`null`: mean |attribution|),
 * features by decreasing mean |attribution| over the methods.
 *
 * @example
 * const layout = comparisonLayout(
 *   { featureNames: ['age', 'income'], valueLabels: [['35', '2000']] }, decodeArray(p.comparison.attributions),
 *   2, 0, 'relative', { left: 170, width: 320, bar: 7, gap: 8, max: 12 })
 * layout.rows[0].label   // 'income = 2000' when income's bars are the longer ones
 */
export function comparisonLayout(
  payload: { featureNames: string[]; valueLabels?: string[][] | null },
  attributions: Float32Array,
  methods: number,
  example: number | null,
  scale: ComparisonScale,
  geometry: ComparisonGeometry,
): ComparisonLayout {
  const features = payload.featureNames.length
  const examples = methods * features ? attributions.length / (methods * features) : 0
  const bars = groupedBars(attributions, { methods, examples, features }, example, scale, geometry.max)
  const labels = featureLabels(payload.featureNames, example === null ? null : payload.valueLabels?.[example])
  const [lo, hi] = bars.extent
  const x = (v: number): number => geometry.left + ((v - lo) / (hi - lo)) * geometry.width
  const zero = x(0)
  const groupHeight = methods * geometry.bar + geometry.gap
  const rows = bars.groups.map((group, row) => {
    const top = geometry.gap / 2 + row * groupHeight
    return {
      feature: group.feature,
      label: labels[group.feature] ?? `feature ${group.feature}`,
      centre: top + (methods * geometry.bar) / 2,
      bars: group.shown.map((shown, method) => {
        const end = Number.isFinite(shown) ? x(shown) : zero
        return {
          method,
          value: group.values[method]!,
          x: Math.min(zero, end),
          y: top + method * geometry.bar,
          width: Math.max(1, Math.abs(end - zero)),
          colour: methodColour(method),
        }
      }),
    }
  })
  return { rows, zero, height: rows.length * groupHeight, others: bars.others }
}
