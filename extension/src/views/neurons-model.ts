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
