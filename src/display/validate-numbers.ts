/**
 * The checks of a payload's numbers and pictures that come after its shape is known to be right:
 * declared picture sizes within bounds, and what to do with values that are not finite.
 *
 * Each numeric array gets one policy. Where a view can draw the rest truthfully, the payload is drawn
 * with a notice that says how many values were left out (embedding points, saliency maps, activation
 * maps); where a missing number would change what the rest means (tabular attributions: a waterfall
 * must add up, the bars share one scale), the payload is refused with an error naming the first one.
 * Numbers inside JSON lists cannot be NaN (JSON has none): the shape checks refuse their nulls.
 *
 * Dependency-free (the JupyterLab extension bundles it).
 */
import { nonFinite } from './codec'
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './limits'
import type { EncodedArray, EncodedImage, PayloadOf, ViewKind } from './schema'

/** What the checks found: errors refuse the payload, notices are shown above its view. */
export interface NumberFindings {
  errors: string[]
  notices: string[]
}

const NOT_FINITE = 'not finite (NaN or ±Infinity)'

/** A payload string quoted for a message, cut to 40 characters. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text)
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** A declared picture's size within MAX_IMAGE_SIDE per side and MAX_IMAGE_PIXELS in all. */
function imageSize(image: EncodedImage, path: string, errors: string[]): void {
  const { width, height } = image
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS)
    errors.push(
      `${path}: expected a picture at most ${MAX_IMAGE_SIDE}x${MAX_IMAGE_SIDE} pixels ` +
        `(${MAX_IMAGE_PIXELS.toLocaleString('en-US')} in all), got ${width}x${height}. ` +
        'Send a smaller picture (resize it before displaying)',
    )
}

/** Notices for arrays drawn with their non-finite values as 0, summed over the arrays of one field. */
function zeroedNotice(
  arrays: { array: EncodedArray; path: string }[],
  what: string,
  drawnAs: string,
  notices: string[],
): void {
  let count = 0
  let total = 0
  let holders = 0
  let first = ''
  for (const { array, path } of arrays) {
    const found = nonFinite(array)
    total += array.shape.reduce((a, b) => a * b, 1)
    if (found.count === 0) continue
    count += found.count
    holders += 1
    first ||= `${path} at ${found.first}`
  }
  if (count > 0)
    notices.push(
      `${plural(count, 'value')} of ${total.toLocaleString('en-US')} in ${plural(holders, what)} ` +
        `${count === 1 ? 'is' : 'are'} ${NOT_FINITE} and ${count === 1 ? 'is' : 'are'} drawn as ${drawnAs} ` +
        `(first: ${first}).`,
    )
}

function saliency(p: PayloadOf['saliency'], found: NumberFindings): void {
  p.inputs.forEach((input, i) => imageSize(input.image, `saliency.inputs[${i}].image`, found.errors))
  const maps = p.maps.map((map, i) => ({ array: map.values, path: `maps[${i}]` }))
  zeroedNotice(maps, 'map', '0 (no attribution)', found.notices)
}

function embedding(p: PayloadOf['embedding'], found: NumberFindings): void {
  const [n, d] = p.coordinates.shape as [number, number]
  const bad = nonFinite(p.coordinates, d)
  if (bad.count === n && n > 0)
    found.errors.push(
      `embedding.coordinates: expected finite numbers, got ${plural(n, 'point')} whose coordinates are all ` +
        `${NOT_FINITE}. Check the projection's input (a NaN in the activations spreads to every point)`,
    )
  else if (bad.count > 0)
    found.notices.push(
      `${plural(bad.count, 'point')} of ${n.toLocaleString('en-US')} ${bad.count === 1 ? 'has' : 'have'} ` +
        `coordinates that are ${NOT_FINITE}; ${bad.count === 1 ? 'it is' : 'they are'} not drawn ` +
        `(first: point ${bad.first}).`,
    )
  for (const column of p.columns) {
    if (column.type !== 'number') continue
    const values = nonFinite(column.values)
    if (values.count > 0)
      found.notices.push(
        `${plural(values.count, 'value')} of column ${quoted(column.name)} ${values.count === 1 ? 'is' : 'are'} ` +
          `${NOT_FINITE}; ${values.count === 1 ? 'its point is' : 'their points are'} drawn dark grey and left out of ` +
          `the colour scale (first: point ${values.first}).`,
      )
  }
  const images = p.thumbnails?.images.shape
  if (images && (images[1]! > 1024 || images[2]! > 1024))
    found.errors.push(
      `embedding.thumbnails.images: expected thumbnails at most 1024x1024 pixels, got ${images[2]}x${images[1]}. ` +
        'Send smaller thumbnails',
    )
}

function neurons(p: PayloadOf['neurons'], found: NumberFindings): void {
  const maps: { array: EncodedArray; path: string }[] = []
  p.units.forEach((unit, u) => {
    if (unit.visualization) imageSize(unit.visualization, `neurons.units[${u}].visualization`, found.errors)
    unit.topExamples?.forEach((example, k) => {
      const at = `neurons.units[${u}].topExamples[${k}]`
      imageSize(example.image, `${at}.image`, found.errors)
      if (example.map) maps.push({ array: example.map, path: `units[${u}].topExamples[${k}].map` })
    })
    unit.tuningCurves?.forEach((curve, c) => {
      const numbers = [
        ...(curve.values ?? []),
        ...(curve.responses ?? []),
        curve.preferred,
        curve.selectivity,
      ]
      if (!numbers.every((x) => typeof x === 'number' && Number.isFinite(x)))
        found.errors.push(
          `neurons.units[${u}].tuningCurves[${c}]: expected finite numbers in values, responses, preferred ` +
            'and selectivity, got a value that is not one (null, NaN or ±Infinity)',
        )
    })
  })
  zeroedNotice(maps, 'activation map', '0', found.notices)
}

function features(p: PayloadOf['features'], found: NumberFindings): void {
  if (p.modality !== 'tabular') return
  const f = p.featureNames.length
  const arrays: [string, EncodedArray | null | undefined][] = [
    ['attributions', p.attributions],
    ['values', p.values],
    ['comparison.attributions', p.comparison?.attributions],
  ]
  for (const [name, array] of arrays) {
    if (!array) continue
    const bad = nonFinite(array)
    if (bad.count === 0) continue
    const feature = bad.first % f
    const example = Math.floor(bad.first / f) % Math.max(1, p.outputs.length)
    found.errors.push(
      `features.${name}: expected finite numbers, got ${plural(bad.count, 'value')} ${NOT_FINITE}, first at ` +
        `example ${example}, feature ${quoted(p.featureNames[feature] ?? String(feature))}. ` +
        'Bars and a waterfall cannot add up without them: find the NaN in the model output or inputs, then recompute',
    )
  }
}

/**
 * Attention rows whose largest weight is not finite are drawn empty, said in a notice; a payload with no
 * finite row is refused. Rollout and flow values that are not finite are drawn empty too.
 */
function attention(p: PayloadOf['attention'], found: NumberFindings): void {
  const rows = p.rowMax.shape.reduce((a, b) => a * b, 1)
  const bad = nonFinite(p.rowMax)
  const t = p.tokens.length
  if (bad.count > 0 && bad.count === rows)
    found.errors.push(
      `attention.rowMax: expected finite weights, got ${plural(rows, 'query row')} all ${NOT_FINITE}. ` +
        'Check the model: a NaN in its attention scores spreads to every row',
    )
  else if (bad.count > 0) {
    const layer = Math.floor(bad.first / (p.heads * t))
    const head = Math.floor(bad.first / t) % p.heads
    found.notices.push(
      `${plural(bad.count, 'query row')} of ${rows.toLocaleString('en-US')} ${bad.count === 1 ? 'has' : 'have'} ` +
        `weights that are ${NOT_FINITE} and ${bad.count === 1 ? 'is' : 'are'} drawn empty ` +
        `(first: layer ${layer}, head ${head}, query ${bad.first % t}).`,
    )
  }
  const extra: { array: EncodedArray; path: string }[] = []
  if (p.rollout) extra.push({ array: p.rollout.values, path: 'rollout' })
  if (p.flow) extra.push({ array: p.flow.values, path: 'flow' })
  zeroedNotice(extra, 'rollout or flow', 'empty', found.notices)
}

/** A matrix's missing cells are drawn empty, said in a notice; one with no number at all is refused. */
function matrix(p: PayloadOf['matrix'], found: NumberFindings): void {
  const cells = p.rows.length * p.columns.length
  const bad = nonFinite(p.values)
  if (bad.count > 0 && bad.count === cells)
    found.errors.push(
      `matrix.values: expected at least one finite number, got ${plural(cells, 'cell')} all ${NOT_FINITE}. ` +
        'Check what the matrix was computed from',
    )
  else if (bad.count > 0) {
    const row = p.rows[Math.floor(bad.first / p.columns.length)] ?? ''
    const column = p.columns[bad.first % p.columns.length] ?? ''
    found.notices.push(
      `${plural(bad.count, 'cell')} of ${cells.toLocaleString('en-US')} ${bad.count === 1 ? 'has' : 'have'} no ` +
        `finite value and ${bad.count === 1 ? 'is' : 'are'} drawn empty (first: row ${quoted(row)}, column ${quoted(column)}).`,
    )
  }
  if (p.perItem)
    zeroedNotice(
      [{ array: p.perItem.values, path: 'perItem.values' }],
      'per-cell list',
      'gaps (no bar)',
      found.notices,
    )
}

/**
 * A counterfactual's values are refused when one is not finite: a changed cell, a distance or a
 * difference picture would be made up. Pictures stay within the size bounds.
 */
function counterfactual(p: PayloadOf['counterfactual'], found: NumberFindings): void {
  const example = p.original.shape
  const size = example.reduce((a, b) => a * b, 1)
  if (p.modality === 'image') {
    const [height, width] = example as [number, number]
    const image = { encoding: 'raw', width, height, channels: 1, data: '' } as const
    imageSize(image, 'counterfactual.original', found.errors)
  }
  const where = (first: number): string => {
    if (p.modality === 'tabular') {
      const name = p.featureNames[first % size] ?? String(first % size)
      return `feature ${quoted(name)}`
    }
    const pixel = Math.floor((first % size) / (example[2] ?? 1))
    return `pixel (row ${Math.floor(pixel / example[1]!)}, column ${pixel % example[1]!})`
  }
  for (const key of ['original', 'counterfactuals'] as const) {
    const bad = nonFinite(p[key])
    if (bad.count === 0) continue
    const which = key === 'original' ? 'the original' : `counterfactual ${Math.floor(bad.first / size) + 1}`
    found.errors.push(
      `counterfactual.${key}: expected finite numbers, got ${plural(bad.count, 'value')} ${NOT_FINITE}, first ` +
        `in ${which} at ${where(bad.first)}. A changed value cannot be shown without it: check the inputs ` +
        'and the search (a NaN in the model output spreads to every step), then recompute',
    )
  }
}

/**
 * An atlas's icons are bytes (always finite); their declared size is bounded. A cluster view's
 * correlations that are not finite are drawn empty, said in a notice; merge heights are JSON numbers.
 */
function atlas(p: PayloadOf['atlas'], found: NumberFindings): void {
  for (const [name, array] of [
    ['icons', p.icons],
    ['visualizations', p.visualizations],
  ] as const) {
    const side = array?.shape[1] ?? 0
    if (side > 1024)
      found.errors.push(
        `atlas.${name}: expected icons at most 1024x1024 pixels, got ${side}x${side}. Send smaller icons`,
      )
  }
}

function clusters(p: PayloadOf['clusters'], found: NumberFindings): void {
  const d = p.units.length
  const bad = nonFinite(p.correlation)
  if (bad.count > 0)
    found.notices.push(
      `${plural(bad.count, 'correlation')} of ${(d * d).toLocaleString('en-US')} ${bad.count === 1 ? 'is' : 'are'} ` +
        `${NOT_FINITE} and ${bad.count === 1 ? 'is' : 'are'} drawn empty (first: units ` +
        `${quoted(p.units[Math.floor(bad.first / d)] ?? '')} and ${quoted(p.units[bad.first % d] ?? '')}).`,
    )
}

/**
 * Checks a payload whose shape is valid (see `validatePayload`): picture sizes, and values that are
 * not finite, refused or noted as the module comment says.
 *
 * @example
 * const { errors, notices } = checkNumbers('embedding', payload)
 */
export function checkNumbers<K extends ViewKind>(kind: K, payload: PayloadOf[K]): NumberFindings {
  const found: NumberFindings = { errors: [], notices: [] }
  try {
    if (kind === 'saliency') saliency(payload as PayloadOf['saliency'], found)
    else if (kind === 'embedding') embedding(payload as PayloadOf['embedding'], found)
    else if (kind === 'neurons') neurons(payload as PayloadOf['neurons'], found)
    else if (kind === 'matrix') matrix(payload as PayloadOf['matrix'], found)
    else if (kind === 'attention') attention(payload as PayloadOf['attention'], found)
    else if (kind === 'features') features(payload as PayloadOf['features'], found)
    else if (kind === 'counterfactual') counterfactual(payload as PayloadOf['counterfactual'], found)
    else if (kind === 'atlas') atlas(payload as PayloadOf['atlas'], found)
    else if (kind === 'clusters') clusters(payload as PayloadOf['clusters'], found)
  } catch (error) {
    // An array the shape checks do not cover (an example's activation map) that is not base64.
    found.errors.push(`${kind}: could not read an array's numbers (${String(error)})`)
  }
  return found
}
