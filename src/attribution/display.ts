/**
 * Attributions to a MIME bundle: the saliency view's payload (schema.ts `SaliencyPayload`), a PNG
 * grid of inputs with heatmap overlays, and text. Turning values into pictures happens here only.
 */
import { bytesToBase64 } from '../display/codec'
import { MIME_TYPES, type EncodedImage, type SaliencyMap, type SaliencyPayload } from '../display/schema'
import type { MimeBundle } from '../display/bundle'
import { encodePng } from '../display/png'
import type { AttributionData } from './attribution'
import { tabularComparisonBundle } from './features/compare'
import { isTabular, tabularFeaturesBundle } from './features/tabular'
import { heatmapPanel, imageGrid, inputPanel, type Panel } from './picture'

/** Images up to this many pixels travel raw; larger ones as PNG. */
const RAW_PIXELS = 64 * 64
/** At most this many examples go into the payload and the picture. */
const MAX_EXAMPLES = 32

/**
 * The MIME bundle of one or more attributions on the same inputs.
 *
 * @example
 * attributionBundle([attribution.data])['text/plain']
 */
export function attributionBundle(
  items: readonly AttributionData[],
  how: { textOnly?: boolean } = {},
): MimeBundle {
  const text = describe(items)
  if (how.textOnly || items.length === 0) return { 'text/plain': text }
  if (items.every(isTabular))
    return items.length === 1 ? tabularFeaturesBundle(items[0]!, text) : tabularComparisonBundle(items, text)
  const image = imageLayout(items[0]!.inputShape)
  if (!image) return { 'text/plain': text }
  const maps = items.flatMap((item, method) => mapsOf(item, method, image))
  const bundle: MimeBundle = {
    'text/plain': text,
    [MIME_TYPES.saliency]: payload(items, maps, image),
    'image/png': picture(items, maps, image),
  }
  return bundle
}

/**
 * The saliency maps of one attribution as the view's payload holds them (`method` its row in the
 * grid), or null when its inputs are not images: what a view that asked for another class merges in.
 *
 * @example
 * saliencyMaps(retargeted.data, 0)   // [{ input: 0, method: 0, target: 5, values }, ...]
 */
export function saliencyMaps(item: AttributionData, method: number): SaliencyMap[] | null {
  const image = imageLayout(item.inputShape)
  return image ? mapsOf(item, method, image).map((map) => encodeMap(map, image)) : null
}

interface ImageLayout {
  examples: number
  height: number
  width: number
  channels: number
}

function imageLayout(shape: readonly number[]): ImageLayout | null {
  if (shape.length === 4 && (shape[3] === 1 || shape[3] === 3)) {
    return { examples: shape[0]!, height: shape[1]!, width: shape[2]!, channels: shape[3]! }
  }
  if (shape.length === 3) return { examples: shape[0]!, height: shape[1]!, width: shape[2]!, channels: 1 }
  return null
}

/** One [height, width] map per row: channels summed, layer maps resized to the input. */
interface Map2d {
  row: number
  method: number
  example: number
  target: number
  values: Float32Array
}

function mapsOf(item: AttributionData, method: number, image: ImageLayout): Map2d[] {
  const rows = item.shape[0]!
  const [height, width, channels] = [item.shape[1] ?? 1, item.shape[2] ?? 1, item.shape[3] ?? 1]
  const size = height * width * channels
  const maps: Map2d[] = []
  for (let row = 0; row < rows && maps.length < MAX_EXAMPLES * 4; row++) {
    const example = item.exampleOf[row]!
    if (example >= MAX_EXAMPLES) continue
    const reduced = new Float32Array(height * width)
    for (let p = 0; p < height * width; p++) {
      let sum = 0
      for (let c = 0; c < channels; c++) sum += item.values[row * size + p * channels + c]!
      reduced[p] = sum
    }
    const values =
      height === image.height && width === image.width
        ? reduced
        : resizeBilinear(reduced, height, width, image.height, image.width)
    const predicted = item.predictions?.[example]?.classes[0] ?? 0
    maps.push({ row, method, example, target: item.targets[row] ?? predicted, values })
  }
  return maps
}

function payload(items: readonly AttributionData[], maps: Map2d[], image: ImageLayout): SaliencyPayload {
  const first = items[0]!
  const examples = Math.min(image.examples, MAX_EXAMPLES)
  const pixels = image.height * image.width * image.channels
  const inputs = Array.from({ length: examples }, (_, example) => ({
    image: encodeImage(first.inputs.subarray(example * pixels, (example + 1) * pixels), image),
    label: null,
    predictions: (first.predictions?.[example]?.classes ?? []).map((target, rank) => ({
      target,
      probability: first.predictions![example]!.probabilities[rank]!,
    })),
  }))
  const encoded = maps.map((map) => encodeMap(map, image))
  const signed = items.some((item) => item.signed)
  const provenance =
    items.length === 1
      ? first.provenance
      : {
          ...first.provenance,
          method: 'compare',
          parameters: Object.fromEntries(items.map((item) => [item.method, item.parameters])),
        }
  return {
    version: 1,
    provenance,
    kind: 'saliency',
    methods: items.map((item) => item.method),
    signed,
    signedMethods: items.map((item) => item.signed),
    classNames: first.classNames ? [...first.classNames] : null,
    inputs,
    maps: encoded,
    view: { mode: signed ? 'signed' : 'absolute' },
    ...(first.classCount > 0 ? { classCount: first.classCount } : {}),
  }
}

function encodeMap(map: Map2d, image: ImageLayout): SaliencyMap {
  return {
    input: map.example,
    method: map.method,
    target: map.target,
    values: quantize(map.values, [image.height, image.width]),
  }
}

function encodeImage(values: Float32Array, image: ImageLayout): EncodedImage {
  const bytes = toBytes(values)
  if (image.height * image.width <= RAW_PIXELS) {
    const channels = image.channels as 1 | 3
    return { encoding: 'raw', width: image.width, height: image.height, channels, data: bytesToBase64(bytes) }
  }
  const rgba = new Uint8Array(image.height * image.width * 4)
  for (let p = 0; p < image.height * image.width; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = bytes[p * image.channels + (image.channels === 3 ? c : 0)]!
    rgba[p * 4 + 3] = 255
  }
  return {
    encoding: 'png',
    width: image.width,
    height: image.height,
    data: encodePng(rgba, image.width, image.height),
  }
}

/** Min-max to 0..255 (a constant image becomes mid-grey). */
function toBytes(values: Float32Array): Uint8Array {
  let [lo, hi] = [Infinity, -Infinity]
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  const span = hi - lo
  return Uint8Array.from(values, (v) => (span > 0 ? Math.round(((v - lo) / span) * 255) : 128))
}

function quantize(values: Float32Array, shape: number[]): SaliencyMap['values'] {
  let [lo, hi] = [Infinity, -Infinity]
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  if (Number.isFinite(lo) && lo === hi) {
    // A constant map (a unit that never fires, say): byte 0 decodes to the constant itself. A midpoint
    // byte would decode to a tiny value of its own, which the view's percentile scale saturates.
    const bytes = new Uint8Array(values.length)
    return {
      dtype: 'uint8',
      shape,
      data: bytesToBase64(bytes),
      range: [lo, lo + Math.max(Math.abs(lo) * 1e-6, 1e-12)],
    }
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1e-12, lo + 1e-12]
  const bytes = Uint8Array.from(values, (v) => Math.round(((v - lo) / (hi - lo)) * 255))
  return { dtype: 'uint8', shape, data: bytesToBase64(bytes), range: [lo, hi] }
}

function resizeBilinear(
  values: Float32Array,
  h: number,
  w: number,
  height: number,
  width: number,
): Float32Array {
  const out = new Float32Array(height * width)
  for (let y = 0; y < height; y++) {
    const sy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / height - 0.5))
    const [y0, fy] = [Math.floor(sy), sy - Math.floor(sy)]
    const y1 = Math.min(h - 1, y0 + 1)
    for (let x = 0; x < width; x++) {
      const sx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / width - 0.5))
      const [x0, fx] = [Math.floor(sx), sx - Math.floor(sx)]
      const x1 = Math.min(w - 1, x0 + 1)
      const top = values[y0 * w + x0]! * (1 - fx) + values[y0 * w + x1]! * fx
      const bottom = values[y1 * w + x0]! * (1 - fx) + values[y1 * w + x1]! * fx
      out[y * width + x] = top * (1 - fy) + bottom * fy
    }
  }
  return out
}

function picture(items: readonly AttributionData[], maps: Map2d[], image: ImageLayout): string {
  const first = items[0]!
  const pixels = image.height * image.width * image.channels
  const rows: Panel[][] = []
  const examples = Math.min(image.examples, 16)
  for (let example = 0; example < examples; example++) {
    const input = first.inputs.subarray(example * pixels, (example + 1) * pixels)
    const base = inputPanel(toBytes(input), image.height, image.width, image.channels)
    const overlays = maps
      .filter((map) => map.example === example)
      .slice(0, 8)
      .map((map) => heatmapPanel(base, map.values, items[map.method]!.signed))
    rows.push([base, ...overlays])
  }
  const grid = imageGrid(rows, image.height, image.width)
  return encodePng(grid.rgba, grid.width, grid.height)
}

function describe(items: readonly AttributionData[]): string {
  return items.map(describeOne).join('\n\n')
}

function describeOne(item: AttributionData): string {
  const shape = item.single ? item.shape.slice(1) : item.shape
  const examples = item.inputShape[0]!
  let [lo, hi] = [Infinity, -Infinity]
  for (const v of item.values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  const names = item.targets.slice(0, 10).map((t) => (t === null ? '-' : (item.classNames?.[t] ?? String(t))))
  const parameters = Object.entries(item.parameters)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
  const lines = [
    `Attribution · ${item.title} (${item.method})${item.layer ? ` at layer '${item.layer}'` : ''} · ${examples} input${examples === 1 ? '' : 's'} · values [${shape.join(', ')}]`,
    `target: ${item.targetDescription}${names.length ? ` → ${names.join(', ')}${item.targets.length > 10 ? ', ...' : ''}` : ''}`,
    `parameters: ${parameters.join(', ') || 'none'}`,
    `values: min ${format(lo)}, max ${format(hi)}`,
  ]
  if (item.delta) lines.push(`convergence delta: max |δ| = ${format(Math.max(...item.delta.map(Math.abs)))}`)
  return lines.join('\n')
}

function format(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value)
}
