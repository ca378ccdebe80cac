/**
 * `gw.compare` over a table: every method's attributions of the same examples and features in one
 * features payload (`comparison`), shown as grouped bars, with a PNG and a text table as fallbacks.
 */
import { decodeArray, encodeArray } from '../../display/codec'
import { groupedBars } from '../../display/feature-comparison'
import { MIME_TYPES, type TabularFeaturesPayload } from '../../display/schema'
import type { MimeBundle } from '../../display/bundle'
import type { AttributionData } from '../attribution'
import { comparisonPng } from './compare-png'
import { plainProvenance } from './plain'
import { groupsFromParameters, tabularFeaturesPayload, type TabularViewOptions } from './tabular'

/** The text shows this many examples and features. */
const TEXT_EXAMPLES = 3
const TEXT_FEATURES = 10

/**
 * The features payload of several methods on the same tabular inputs: the first method's payload
 * (its attributions, base values, labels) with `comparison` holding all of them, [methods, n, f].
 * One-hot groups and feature names come from the options, else from the first method that has them,
 * so every method is summed over the same groups.
 *
 * @example
 * const c = await gw.compare(model, x, ['saliency', 'integrated-gradients'])
 * tabularComparisonPayload(c.attributions.map((a) => a.data)).comparison!.methods   // ['saliency', 'integrated-gradients']
 */
export function tabularComparisonPayload(
  items: readonly AttributionData[],
  options: TabularViewOptions = {},
): TabularFeaturesPayload {
  const columns = items[0]!.shape[1]!
  const groups =
    options.groups ??
    items.map((item) => groupsFromParameters(item.parameters, columns)).find((g) => g !== null) ??
    undefined
  const count = groups ? Math.max(...groups) + 1 : columns
  const named = items
    .map((item) => item.parameters.featureNames)
    .find((names): names is string[] => Array.isArray(names) && names.length === count)
  const featureNames = options.featureNames ?? named
  const payloads = items.map((item) => tabularFeaturesPayload(item, { ...options, groups, featureNames }))
  const first = payloads[0]!
  const [n, f] = first.attributions.shape as [number, number]
  const all = new Float32Array(items.length * n * f)
  payloads.forEach((payload, m) => all.set(decodeArray(payload.attributions).subarray(0, n * f), m * n * f))
  const provenance = plainProvenance({
    ...items[0]!.provenance,
    method: 'compare',
    parameters: Object.fromEntries(items.map((item) => [item.method, item.parameters])),
  })
  return {
    ...first,
    provenance,
    comparison: {
      methods: items.map((item) => item.method),
      attributions: encodeArray(all, [items.length, n, f], 'float32'),
    },
  }
}

/**
 * The bundle of a tabular comparison: the payload, grouped bars as PNG and, as text, a table per
 * example of each feature's value under each method.
 *
 * @example
 * tabularComparisonBundle(c.attributions.map((a) => a.data), 'Attribution · ...')['text/plain']
 */
export function tabularComparisonBundle(
  items: readonly AttributionData[],
  text: string,
  options: TabularViewOptions = {},
): MimeBundle {
  const payload = tabularComparisonPayload(items, options)
  return {
    'text/plain': [text, ...comparisonText(payload)].join('\n'),
    [MIME_TYPES.features]: payload,
    'image/png': comparisonPng(payload),
  }
}

function comparisonText(payload: TabularFeaturesPayload): string[] {
  const { methods, attributions } = payload.comparison!
  const [, n, f] = attributions.shape as [number, number, number]
  const values = decodeArray(attributions)
  const shape = { methods: methods.length, examples: n, features: f }
  const header = (title: string): string =>
    `  ${title.padEnd(36)} ${methods.map((m) => m.slice(0, 14).padStart(14)).join(' ')}`
  const lines: string[] = []
  for (let example = 0; example < Math.min(n, TEXT_EXAMPLES); example++) {
    const name = payload.exampleNames?.[example] ?? `example ${example}`
    lines.push('', `${name}: ${payload.outputName} = ${format(payload.outputs[example]!)}`)
    lines.push(header('feature = value'))
    for (const group of groupedBars(values, shape, example, 'relative', TEXT_FEATURES).groups) {
      const raw = payload.valueLabels?.[example]?.[group.feature]
      const label = `${payload.featureNames[group.feature]}${raw ? ` = ${raw}` : ''}`
      lines.push(`  ${label.slice(0, 36).padEnd(36)} ${group.values.map((v) => cell(v)).join(' ')}`)
    }
  }
  if (n > TEXT_EXAMPLES) lines.push('', `... and ${n - TEXT_EXAMPLES} more examples in the view`)
  if (n > 1) {
    lines.push('', `mean |attribution| over ${n} examples:`, header('feature'))
    for (const group of groupedBars(values, shape, null, 'relative', TEXT_FEATURES).groups)
      lines.push(
        `  ${payload.featureNames[group.feature]!.slice(0, 36).padEnd(36)} ${group.values.map(cell).join(' ')}`,
      )
  }
  return lines
}

function cell(value: number): string {
  return format(value).padStart(14)
}

function format(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value)
}
