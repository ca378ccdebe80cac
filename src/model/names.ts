/** Layer-name lookups that fail helpfully. */
import { GlasswingError, describeValue } from '../errors'

/** The names closest to `wanted` (edit distance, then shared prefix), best first. */
export function nearestNames(wanted: string, names: readonly string[], count = 3): string[] {
  return [...names]
    .map((name) => ({ name, distance: editDistance(wanted.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, count)
    .map(({ name }) => name)
}

/** Throws a GlasswingError naming the nearest layers when `layer` is not one of `names`. */
export function checkLayerName(
  layer: unknown,
  names: readonly string[],
  where: string,
  argument: string,
): asserts layer is string {
  if (typeof layer === 'string' && names.includes(layer)) return
  const near = typeof layer === 'string' ? nearestNames(layer, names) : names.slice(0, 3)
  throw new GlasswingError({
    where,
    argument,
    expected: 'the name of one of the model’s layers',
    received: describeValue(layer),
    hint:
      names.length === 0
        ? 'This model exposes no layers.'
        : `Did you mean ${near.map((n) => `'${n}'`).join(', ')}? model.layerNames lists all ${names.length}.`,
  })
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}
