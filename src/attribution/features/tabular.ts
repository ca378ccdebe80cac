/**
 * Attributions over tabular inputs (`[n, columns]`) as the features view's payload
 * (schema.ts `TabularFeaturesPayload`): one value per feature and example, one-hot columns grouped
 * back into their attribute, with base values, outputs, the raw values as text and global importance.
 */
import * as tf from '@tensorflow/tfjs'
import { decodeArray, encodeArray } from '../../display/codec'
import { MIME_TYPES, type TabularFeaturesPayload } from '../../display/schema'
import type { MimeBundle } from '../../display/bundle'
import type { AttributionData } from '../attribution'
import { barChartPng } from './bars'
import { plainProvenance } from './plain'

/** At most this many examples go into the payload. */
const MAX_EXAMPLES = 500
/** The PNG and the text show at most this many features. */
const SHOWN_FEATURES = 20

/** What the attribution itself does not know about its table; every field optional. */
export interface TabularViewOptions {
  /** For each input column, the index of its feature (`encoding.attributeOfColumn`): groups one-hot columns. */
  groups?: readonly number[]
  /** One name per feature (after grouping). */
  featureNames?: readonly string[]
  /** The raw values, one row per example and one value per feature (`dataset.table.rows`), shown as labels. */
  rows?: readonly (readonly (string | number)[])[]
  /** What the output is, for example 'P(bad)'. Default: P(the target class's name). */
  outputName?: string
  /** A name per example. */
  exampleNames?: readonly string[]
}

/** Whether an attribution is over a tabular input: rank 2, values shaped like the rows of the input. */
export function isTabular(item: AttributionData): boolean {
  return item.inputShape.length === 2 && item.shape.length === 2 && item.shape[1] === item.inputShape[1]
}

/**
 * The features payload of a tabular attribution. Base values are `output - sum(attributions)`: exact
 * for methods with completeness (KernelSHAP, Integrated Gradients up to their delta), the implied
 * offset of the explanation otherwise. The output is the target's probability where the predictions
 * hold it, else the sum of attributions (base 0).
 *
 * @example
 * const payload = tabularFeaturesPayload(shap.data, { rows: test.table.rows.slice(0, 50) })
 */
export function tabularFeaturesPayload(
  item: AttributionData,
  options: TabularViewOptions = {},
): TabularFeaturesPayload {
  const columns = item.shape[1]!
  const groups = options.groups ?? groupsFromParameters(item.parameters, columns)
  const count = groups ? Math.max(...groups) + 1 : columns
  const given = options.featureNames ?? (item.parameters.featureNames as readonly string[] | null | undefined)
  const featureNames =
    Array.isArray(given) && given.length === count ? given.map(String) : defaultNames(count)
  const firstColumn = Array.from({ length: count }, (_, f) => (groups ? groups.indexOf(f) : f))
  const rows = Math.min(item.shape[0]!, MAX_EXAMPLES)
  const attributions = new Float32Array(rows * count)
  const values = new Float32Array(rows * count)
  const labels: string[][] = []
  const baseValues: number[] = []
  const outputs: number[] = []
  for (let row = 0; row < rows; row++) {
    const example = item.exampleOf[row]!
    const input = item.inputs.subarray(example * columns, (example + 1) * columns)
    let sum = 0
    for (let f = 0; f < count; f++) {
      // Every column of a group carries the group's value (perturbation methods spread it); gradient
      // methods give each column its own, so a group's value is the sum over its columns.
      const value = groups
        ? groupValue(item.values, row * columns, groups, f, item.parameters)
        : item.values[row * columns + f]!
      attributions[row * count + f] = value
      sum += value
    }
    const raw = options.rows?.[example]
    labels.push(
      Array.from({ length: count }, (_, f) => (raw ? String(raw[f]) : encodedLabel(input, groups, f))),
    )
    for (let f = 0; f < count; f++) values[row * count + f] = encodedValue(input, groups, f, firstColumn[f]!)
    const output = outputOf(item, row)
    outputs.push(output ?? sum)
    baseValues.push(output === null ? 0 : output - sum)
  }
  const importance = Array.from({ length: count }, (_, f) => {
    let total = 0
    for (let row = 0; row < rows; row++) total += Math.abs(attributions[row * count + f]!)
    return rows ? total / rows : 0
  })
  const names = options.exampleNames ?? Array.from({ length: rows }, (_, row) => exampleName(item, row))
  return {
    version: 1,
    provenance: plainProvenance(item.provenance),
    kind: 'features',
    modality: 'tabular',
    featureNames,
    attributions: encodeArray(attributions, [rows, count], 'float32'),
    values: encodeArray(values, [rows, count], 'float32'),
    baseValues,
    outputs,
    outputName: options.outputName ?? outputName(item),
    exampleNames: names.slice(0, rows).map(String),
    valueLabels: labels,
    importance,
  }
}

/**
 * The bundle of a tabular attribution: the features payload, a bar chart as PNG (global importance
 * over several examples, the signed values of one), and text naming the strongest features.
 *
 * @example
 * tabularFeaturesBundle(shap.data, describe(shap.data))
 */
export function tabularFeaturesBundle(
  item: AttributionData,
  text: string,
  options: TabularViewOptions = {},
): MimeBundle {
  const payload = tabularFeaturesPayload(item, options)
  const n = payload.outputs.length
  const count = payload.featureNames.length
  const single = n === 1
  const shown = single
    ? Array.from(decodeArray(payload.attributions).subarray(0, count))
    : payload.importance!
  const order = Array.from(shown.keys())
    .sort((a, b) => Math.abs(shown[b]!) - Math.abs(shown[a]!))
    .slice(0, SHOWN_FEATURES)
  const lines = order.map((f) => {
    const name = payload.featureNames[f]!
    const label = single ? ` = ${payload.valueLabels![0]![f]}` : ''
    const value = shown[f]!
    return `  ${`${name}${label}`.padEnd(40)} ${single && value >= 0 ? '+' : ''}${format(value)}`
  })
  const heading = single
    ? `${payload.outputName} = ${format(payload.outputs[0]!)}, base ${format(payload.baseValues[0]!)}; strongest features:`
    : `global importance (mean |attribution| over ${n} examples):`
  return {
    'text/plain': [text, heading, ...lines].join('\n'),
    [MIME_TYPES.features]: payload,
    'image/png': barChartPng(order.map((f) => shown[f]!)),
  }
}

/** The groups of a `{ method: 'mask' }` segmentation over columns, when its mask is still readable. */
export function groupsFromParameters(parameters: Record<string, unknown>, columns: number): number[] | null {
  const segments = parameters.segments as { method?: string; mask?: unknown } | undefined
  const mask = segments?.method === 'mask' ? segments.mask : null
  if (!(mask instanceof tf.Tensor) || mask.isDisposed || mask.size < columns) return null
  // A per-example mask [n, columns]: its first row (tabular groups are the same for every row).
  const labels = Array.from(mask.dataSync().subarray(0, columns) as ArrayLike<number>, Math.round)
  return labels.length === columns && labels.every((label) => label >= 0) ? labels : null
}

function groupValue(
  values: Float32Array,
  offset: number,
  groups: readonly number[],
  feature: number,
  parameters: Record<string, unknown>,
): number {
  const spread = typeof parameters.segments === 'object' && parameters.segments !== null
  let sum = 0
  for (let c = 0; c < groups.length; c++) {
    if (groups[c] !== feature) continue
    if (spread) return values[offset + c]!
    sum += values[offset + c]!
  }
  return sum
}

/** A single column's value, or the position of the active column in a one-hot group. */
function encodedValue(
  input: Float32Array,
  groups: readonly number[] | null,
  feature: number,
  first: number,
): number {
  if (!groups) return input[feature]!
  const members = groups.flatMap((g, c) => (g === feature ? [c] : []))
  if (members.length === 1) return input[first]!
  return members.findIndex((c) => input[c]! > 0.5)
}

function encodedLabel(input: Float32Array, groups: readonly number[] | null, feature: number): string {
  if (!groups) return format(input[feature]!)
  const members = groups.flatMap((g, c) => (g === feature ? [c] : []))
  if (members.length === 1) return format(input[members[0]!]!)
  const hot = members.findIndex((c) => input[c]! > 0.5)
  return hot < 0 ? 'none' : `category ${hot + 1} of ${members.length}`
}

function outputOf(item: AttributionData, row: number): number | null {
  const target = item.targets[row]
  const prediction = item.predictions?.[item.exampleOf[row]!]
  if (target === null || target === undefined || !prediction) return null
  const rank = prediction.classes.indexOf(target)
  return rank < 0 ? null : prediction.probabilities[rank]!
}

function outputName(item: AttributionData): string {
  const targets = new Set(item.targets)
  const [only] = targets
  if (targets.size !== 1 || only === null || only === undefined) return 'sum of attributions'
  return `P(${item.classNames?.[only] ?? `class ${only}`})`
}

function exampleName(item: AttributionData, row: number): string {
  const example = `example ${item.exampleOf[row]}`
  const target = item.targets[row]
  const several = new Set(item.targets).size > 1
  return several && target !== null ? `${example} → ${item.classNames?.[target!] ?? target}` : example
}

function defaultNames(count: number): string[] {
  return Array.from({ length: count }, (_, f) => `feature ${f}`)
}

function format(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value)
}
