/** The neuron dictionary's pure logic: sorting, filtering and searching units. */
import type { NeuronUnit } from '../../../src/display/schema'

/** The orders the dictionary offers. */
export type NeuronSort = 'index' | 'selectivity' | 'iou' | 'ablation'

export const SORT_LABELS: Record<NeuronSort, string> = {
  index: 'unit index',
  selectivity: 'selectivity',
  iou: 'concept IoU',
  ablation: 'ablation effect',
}

function key(unit: NeuronUnit, sort: NeuronSort): number {
  if (sort === 'index') return -unit.index
  const value =
    sort === 'selectivity' ? unit.selectivity : sort === 'iou' ? unit.concept?.iou : unit.ablationEffect
  return value ?? -Infinity
}

/** The sorts that at least one unit has a value for. */
export function availableSorts(units: NeuronUnit[]): NeuronSort[] {
  return (['index', 'selectivity', 'iou', 'ablation'] as NeuronSort[]).filter(
    (sort) => sort === 'index' || units.some((unit) => Number.isFinite(key(unit, sort))),
  )
}

/** Every concept label, most frequent first. */
export function conceptsOf(units: NeuronUnit[]): string[] {
  const counts = new Map<string, number>()
  for (const unit of units)
    if (unit.concept) counts.set(unit.concept.label, (counts.get(unit.concept.label) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label]) => label)
}

/**
 * The positions of the units to show, in order: filtered by concept and by a search over index and
 * concept labels, sorted descending by the chosen measure (ascending by index), missing values last.
 *
 * @example
 * arrangeUnits(units, { sort: 'iou', concept: 'loop', query: '' })
 */
export function arrangeUnits(
  units: NeuronUnit[],
  options: { sort: NeuronSort; concept: string | null; query: string },
): number[] {
  const query = options.query.trim().toLowerCase()
  return units
    .map((unit, position) => ({ unit, position }))
    .filter(({ unit }) => options.concept === null || unit.concept?.label === options.concept)
    .filter(({ unit }) => {
      if (!query) return true
      const labels = [unit.concept?.label ?? '', ...(unit.concepts ?? []).map((c) => c.label)]
      return (
        String(unit.index) === query ||
        `unit ${unit.index}` === query ||
        labels.some((l) => l.toLowerCase().includes(query))
      )
    })
    .sort((a, b) => key(b.unit, options.sort) - key(a.unit, options.sort) || a.unit.index - b.unit.index)
    .map(({ position }) => position)
}

/** An SVG polyline's points for a sparkline of `values` in a width x height box. */
export function sparklinePoints(values: number[], width: number, height: number): string {
  if (values.length === 0) return ''
  const lo = Math.min(...values)
  const span = Math.max(...values) - lo || 1
  const step = values.length > 1 ? width / (values.length - 1) : 0
  return values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - ((v - lo) / span) * height).toFixed(1)}`)
    .join(' ')
}

/**
 * The IoU below which a concept is a weak match, not a label: Network Dissection (Bau et al. 2017)
 * counts a unit as a detector of a concept above 0.04.
 */
export const WEAK_IOU = 0.04

/** A concept as the card shows it; `weak` below {@link WEAK_IOU}, shown as such and in grey. */
export function conceptText(concept: { label: string; iou: number }): { text: string; weak: boolean } {
  const weak = concept.iou < WEAK_IOU
  const iou = `IoU ${concept.iou.toFixed(2)}`
  return weak
    ? { text: `weak match: ${concept.label} · ${iou}`, weak }
    : { text: `${concept.label} · ${iou}`, weak }
}

/**
 * What ablating a unit costs, in the units the labs' text uses: accuracy points where the data had
 * labels ('ablation -4.7 points'), else the drop in the true class's probability.
 *
 * @example
 * ablationText({ index: 0, ablation: { accuracy: 0.9, accuracyDrop: 0.047, classProbabilityChange: [], targetProbabilityDrop: 0.03 } })
 * // 'ablation -4.7 points'
 */
export function ablationText(unit: NeuronUnit): string | null {
  const drop = unit.ablation?.accuracyDrop
  if (drop != null)
    return `ablation ${drop > 0 ? '-' : drop < 0 ? '+' : ''}${Math.abs(100 * drop).toFixed(1)} points`
  if (unit.ablationEffect != null) return `ablation: P(true class) -${unit.ablationEffect.toPrecision(2)}`
  return null
}

/** The x values and their unit for a unit's sparkline: the orientations swept, else 0, 1, 2, ... */
export function tuningAxis(unit: NeuronUnit): { values: number[]; unit: string; name: string } {
  const tuning = unit.tuning ?? []
  const curve = unit.tuningCurves?.find(
    (c) => c.responses.length === tuning.length && c.responses.every((r, k) => r === tuning[k]),
  )
  if (curve?.sweep === 'orientation') return { values: curve.values, unit: '°', name: 'orientation' }
  if (curve) return { values: curve.values, unit: '', name: curve.sweep }
  return { values: tuning.map((_, k) => k), unit: '', name: 'tuning value' }
}
