/**
 * Hand-made hostile and malformed payloads for every view, each with the outcome a user must see:
 * the view drawn with its strings as safe text, a notice saying what was left out, or an error box
 * saying what is wrong. Strings are replaced in every shown field of a view at once (right-to-left
 * text, a direction override, markup, 100,000 characters); numbers field by field.
 */
import { decodeArray, encodeArray } from '../../src/display/codec'
import type { PayloadOf, ViewKind } from '../../src/display/schema'
import {
  counterfactualPayloadSample,
  embeddingPayload,
  HOSTILE,
  matrixPayloadSample,
  neuronsPayload,
  saliencyPayload,
  tabularPayload,
  textPayload,
} from '../unit/extension/fixtures'
import { attentionPayloadSample } from '../unit/extension/attention-fixtures'
import { atlasPayloadSample, clustersPayloadSample } from '../unit/extension/structure-fixtures'

/** What the user must see for a case. */
export type Outcome =
  | { outcome: 'drawn' }
  | { outcome: 'notice'; message: RegExp }
  | { outcome: 'error'; message: RegExp }

export interface HostileCase {
  name: string
  kind: ViewKind
  payload: unknown
  expected: Outcome
}

/** Right-to-left text: at the end of a name, it would pull the view's own text after it ('(90.0%)') inside it. */
export const HEBREW = 'שלום'
/** A right-to-left override: 'gnp.exe' would read 'exe.png'. */
export const OVERRIDE = '\u202egnp.exe'
export const LONG = 'w'.repeat(100_000)

/** Fields that identify or classify rather than name: never replaced. */
const KEPT =
  /\.(version|kind|modality|type|role|dtype|encoding|displayId|selectivityIndex|createdAt|modelFingerprint|mode|surrogate|operator|scale|colourBy|layout|iconKind)$|^\.provenance\.(library|backend|parameters)|\.view\./

/** The payload with every string outside KEPT (and base64 data) made by `replace`. */
export function replaceStrings(value: unknown, replace: (text: string) => string, path = ''): unknown {
  if (typeof value === 'string') return KEPT.test(path) ? value : replace(value)
  if (Array.isArray(value)) return value.map((v, i) => replaceStrings(v, replace, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'data' ? v : replaceStrings(v, replace, `${path}.${k}`)]),
  )
}

const samples: { [K in ViewKind]: () => PayloadOf[K] } = {
  saliency: () => ({ ...saliencyPayload({ count: 2, targets: 1 }), displayId: undefined }),
  embedding: () => embeddingPayload({ count: 300, thumbnails: 50 }),
  neurons: () => neuronsPayload({ units: 4 }),
  features: () => tabularPayload({ examples: 6, labels: true, methods: ['shap', 'lime'] }),
  surrogate: () => ({
    version: 1,
    provenance: saliencyPayload({ count: 1 }).provenance,
    kind: 'surrogate',
    surrogate: 'tree',
    featureNames: ['age', 'duration'],
    classNames: ['good', 'bad'],
    curve: [
      { depth: 1, leaves: 2, agreement: 0.8, heldOutAgreement: 0.7 },
      { depth: 2, leaves: 3, agreement: 0.85, heldOutAgreement: 0.72 },
    ],
    chosenDepth: 1,
    nodes: [
      { feature: 0, threshold: 30, left: 1, right: 2, samples: 10, label: 'good', share: 0.6 },
      { feature: -1, threshold: null, left: -1, right: -1, samples: 4, label: 'bad', share: 0.75 },
      { feature: -1, threshold: null, left: -1, right: -1, samples: 6, label: 'good', share: 0.83 },
    ],
    fidelity: { agreement: 0.8, heldOutAgreement: 0.7, r2: null },
    text: ['if age <= 30 then bad (0.75 of 4)', 'if age > 30 then good (0.83 of 6)'],
    // A rule list and a GAM's shape functions too, so their names are tried as well.
    rules: [
      {
        conditions: [{ feature: 0, operator: '<=', threshold: 30 }],
        label: 'bad',
        samples: 4,
        coverage: 0.4,
        precision: 0.75,
      },
      { conditions: [], label: 'good', samples: 6, coverage: 0.6, precision: 0.83 },
    ],
    shapes: [
      {
        className: 'good',
        intercept: 0.6,
        shapes: [{ feature: 1, cuts: [12, 24], values: [0.1, 0, -0.2] }],
        omitted: 0,
      },
    ],
  }),
  attention: () => attentionPayloadSample({ layers: 2, heads: 2, tokens: 9 }),
  matrix: () => matrixPayloadSample({ rows: 6, columns: 4 }),
  counterfactual: () => counterfactualPayloadSample(),
  atlas: () => atlasPayloadSample({ visualizations: true }),
  clusters: () => clustersPayloadSample(),
}

/** Float32 values with these positions set to `value`. */
function poke(array: Float32Array, positions: number[], value: number): Float32Array {
  for (const p of positions) array[p] = value
  return array
}

function numberCases(): HostileCase[] {
  const cases: HostileCase[] = []
  const saliency = samples.saliency()
  saliency.maps[0]!.values = encodeArray(
    poke(new Float32Array(784).fill(0.2), [3, 9], NaN),
    [28, 28],
    'float32',
  )
  cases.push({
    name: 'saliency map with NaN',
    kind: 'saliency',
    payload: saliency,
    expected: { outcome: 'notice', message: /^2 values of 1,568 in 1 map are not finite .* drawn as 0/ },
  })
  const big = samples.saliency()
  big.inputs[1]!.image = { encoding: 'png', width: 60000, height: 60000, data: big.inputs[0]!.image.data }
  big.maps = big.maps.filter((m) => m.input !== 1)
  cases.push({
    name: 'saliency input declared 60000x60000',
    kind: 'saliency',
    payload: big,
    expected: {
      outcome: 'error',
      message: /inputs\[1\]\.image: expected a picture at most 8192x8192 .* got 60000x60000/,
    },
  })
  // Valid base64 that is not a PNG: the browser cannot decode it.
  const notPng = samples.saliency()
  notPng.inputs[0]!.image = { encoding: 'png', width: 28, height: 28, data: 'AAECAwQFBgcICQoL' }
  cases.push({
    name: 'saliency input that is not a PNG',
    kind: 'saliency',
    payload: notPng,
    expected: { outcome: 'error', message: /could not draw this saliency view.*(decode|Encoding)/s },
  })
  const embedding = samples.embedding()
  const xy = decodeArray(embedding.coordinates)
  embedding.coordinates = encodeArray(poke(poke(xy, [0, 3], NaN), [10], Infinity), [300, 2], 'float32')
  cases.push({
    name: 'embedding with non-finite coordinates',
    kind: 'embedding',
    payload: embedding,
    expected: {
      outcome: 'notice',
      message: /^3 points of 300 have coordinates that are not finite .* not drawn/,
    },
  })
  const lost = samples.embedding()
  lost.coordinates = encodeArray(new Float32Array(600).fill(NaN), [300, 2], 'float32')
  cases.push({
    name: 'embedding with no finite point',
    kind: 'embedding',
    payload: lost,
    expected: { outcome: 'error', message: /300 points whose coordinates are all not finite/ },
  })
  const column = samples.embedding()
  column.columns[2]!.values = encodeArray(
    poke(new Float32Array(300).fill(0.5), [1], -Infinity),
    [300],
    'float16',
  )
  cases.push({
    name: 'embedding number column with -Infinity',
    kind: 'embedding',
    payload: { ...column, colorBy: 'confidence' },
    expected: { outcome: 'notice', message: /^1 value of column "confidence" is not finite .* dark grey/ },
  })
  const neurons = samples.neurons()
  neurons.units[0]!.topExamples![0]!.map = encodeArray([1, NaN, 2, 3], [2, 2], 'float32')
  cases.push({
    name: 'neuron activation map with NaN',
    kind: 'neurons',
    payload: neurons,
    expected: { outcome: 'notice', message: /^1 value of 4 in 1 activation map is not finite/ },
  })
  const picture = samples.neurons()
  picture.units[2]!.visualization = { encoding: 'png', width: 60000, height: 60000, data: '' }
  cases.push({
    name: 'neuron visualization declared 60000x60000',
    kind: 'neurons',
    payload: picture,
    expected: {
      outcome: 'error',
      message: /units\[2\]\.visualization: expected a picture at most 8192x8192/,
    },
  })
  const broken = samples.neurons()
  broken.units[1]!.visualization = { encoding: 'png', width: 16, height: 16, data: 'AAECAwQFBgcICQoL' }
  cases.push({
    name: 'neuron visualization that is not a PNG',
    kind: 'neurons',
    payload: broken,
    expected: { outcome: 'error', message: /could not draw this neurons view.*(decode|Encoding)/s },
  })
  const tuning = samples.neurons() as unknown as { units: { tuning: unknown[] }[] }
  tuning.units[1]!.tuning[4] = null
  cases.push({
    name: 'neuron tuning with null (NaN in JSON)',
    kind: 'neurons',
    payload: tuning,
    expected: { outcome: 'error', message: /units\[1\]\.tuning\[4\]: expected a finite number, got null/ },
  })
  for (const field of ['attributions', 'values', 'comparison'] as const) {
    const table = samples.features() as Extract<PayloadOf['features'], { modality: 'tabular' }>
    const array = field === 'comparison' ? table.comparison!.attributions : table[field]!
    const values = poke(decodeArray(array), [7], field === 'values' ? Infinity : NaN)
    const encoded = encodeArray(values, array.shape, 'float32')
    if (field === 'comparison') table.comparison = { ...table.comparison!, attributions: encoded }
    else table[field] = encoded
    cases.push({
      name: `tabular ${field} with a non-finite value`,
      kind: 'features',
      payload: table,
      expected: {
        outcome: 'error',
        message: new RegExp(
          `features\\.${field === 'comparison' ? 'comparison.attributions' : field}: expected finite numbers, got 1 value not finite .* example 1, feature "age"`,
        ),
      },
    })
  }
  const text = textPayload() as unknown as { examples: { attributions: unknown[] }[] }
  text.examples[0]!.attributions[1] = null
  cases.push({
    name: 'token attributions with null (NaN in JSON)',
    kind: 'features',
    payload: text,
    expected: {
      outcome: 'error',
      message: /examples\[0\]\.attributions\[1\]: expected a finite number, got null/,
    },
  })
  const holes = samples.matrix()
  holes.values = encodeArray(poke(decodeArray(holes.values), [1, 5], NaN), [6, 4], 'float32')
  cases.push({
    name: 'matrix with two empty cells',
    kind: 'matrix',
    payload: holes,
    expected: {
      outcome: 'notice',
      message:
        /^2 cells of 24 have no finite value and are drawn empty \(first: row "row 0", column "column 1"\)/,
    },
  })
  const empty = samples.matrix()
  empty.values = encodeArray(new Float32Array(24).fill(NaN), [6, 4], 'float32')
  cases.push({
    name: 'matrix with no finite value',
    kind: 'matrix',
    payload: empty,
    expected: {
      outcome: 'error',
      message: /matrix\.values: expected at least one finite number, got 24 cells all not finite/,
    },
  })
  const transposed = samples.matrix()
  transposed.values = encodeArray(decodeArray(transposed.values), [4, 6], 'float32')
  cases.push({
    name: 'matrix values of the wrong shape',
    kind: 'matrix',
    payload: transposed,
    expected: { outcome: 'error', message: /matrix\.values\.shape: expected \[6, 4\], got \[4, 6\]/ },
  })
  const nanRow = samples.attention()
  nanRow.rowMax = encodeArray(poke(decodeArray(nanRow.rowMax), [9 + 4], NaN), [2, 2, 9], 'float16')
  cases.push({
    name: 'attention with a query row that is not finite',
    kind: 'attention',
    payload: nanRow,
    expected: {
      outcome: 'notice',
      message:
        /^1 query row of 36 has weights that are not finite .* drawn empty \(first: layer 0, head 1, query 4\)/,
    },
  })
  const cut = samples.attention()
  cut.patterns = encodeArray(new Uint8Array(2 * 2 * 9), [2, 2, 9], 'uint8', { quantise: false })
  cases.push({
    name: 'attention patterns of the wrong shape',
    kind: 'attention',
    payload: cut,
    expected: {
      outcome: 'error',
      message: /attention\.patterns\.shape: expected \[2, 2, 45\], got \[2, 2, 9\]/,
    },
  })
  const nan = samples.counterfactual()
  nan.counterfactuals = encodeArray(
    poke(decodeArray(nan.counterfactuals), [8 + 3], NaN),
    nan.counterfactuals.shape,
    'float32',
  )
  cases.push({
    name: 'counterfactual with a NaN value',
    kind: 'counterfactual',
    payload: nan,
    expected: {
      outcome: 'error',
      message:
        /counterfactual\.counterfactuals: expected finite numbers, got 1 value not finite .* counterfactual 2 at feature "installment_commitment"/,
    },
  })
  const ragged = samples.counterfactual()
  ragged.probabilities = ragged.probabilities.slice(1)
  cases.push({
    name: 'counterfactual probabilities missing one',
    kind: 'counterfactual',
    payload: ragged,
    expected: {
      outcome: 'error',
      message:
        /counterfactual\.probabilities: expected 3 probabilities \(one per counterfactual\), got an array of 2/,
    },
  })
  const wrongShape = samples.counterfactual()
  wrongShape.counterfactuals = encodeArray(decodeArray(wrongShape.counterfactuals), [4, 6], 'float32')
  cases.push({
    name: 'counterfactuals shaped unlike the original',
    kind: 'counterfactual',
    payload: wrongShape,
    expected: {
      outcome: 'error',
      message: /counterfactual\.counterfactuals\.shape: expected \[4, 8\] .*got \[4, 6\]/,
    },
  })
  const immutable = samples.counterfactual()
  immutable.immutable = [2, 40]
  cases.push({
    name: 'counterfactual immutable index past the features',
    kind: 'counterfactual',
    payload: immutable,
    expected: {
      outcome: 'error',
      message: /counterfactual\.immutable\[1\]: expected a feature index < 8, got 40/,
    },
  })
  const silent = counterfactualPayloadSample({ found: 0 })
  silent.reason = null
  cases.push({
    name: 'no counterfactual and no reason',
    kind: 'counterfactual',
    payload: silent,
    expected: { outcome: 'error', message: /counterfactual\.reason: expected why none was found/ },
  })
  const tall = counterfactualPayloadSample({ modality: 'image', found: 0 })
  tall.original = encodeArray(new Float32Array(9000), [9000, 1, 1], 'float32')
  tall.counterfactuals = encodeArray(new Float32Array(0), [0, 9000, 1, 1], 'float32')
  cases.push({
    name: 'counterfactual image 9000 pixels tall',
    kind: 'counterfactual',
    payload: tall,
    expected: {
      outcome: 'error',
      message: /counterfactual\.original: expected a picture at most 8192x8192 .* got 1x9000/,
    },
  })
  cases.push({
    name: 'counterfactual image with none found: the reason is drawn',
    kind: 'counterfactual',
    payload: counterfactualPayloadSample({ modality: 'image', found: 0 }),
    expected: { outcome: 'drawn' },
  })
  const outside = samples.atlas()
  outside.cells[2]!.column = 6
  cases.push({
    name: 'atlas cell outside its grid',
    kind: 'atlas',
    payload: outside,
    expected: {
      outcome: 'error',
      message: /atlas\.cells\[2\]: expected a cell inside the 6 x 6 grid, got \(6, 0\)/,
    },
  })
  const noIcon = samples.atlas()
  noIcon.cells[9]!.icon = 10
  cases.push({
    name: 'atlas icon index past the icons',
    kind: 'atlas',
    payload: noIcon,
    expected: { outcome: 'error', message: /atlas\.cells\[9\]\.icon: expected an icon index < 10, got 10/ },
  })
  const clusterHoles = samples.clusters()
  clusterHoles.correlation = encodeArray(
    poke(decodeArray(clusterHoles.correlation), [1, 5], NaN),
    [5, 5],
    'float32',
  )
  cases.push({
    name: 'clusters with two correlations that are not finite',
    kind: 'clusters',
    payload: clusterHoles,
    expected: {
      outcome: 'notice',
      message: /^2 correlations of 25 are not finite .* drawn empty \(first: units "u0" and "u1"\)/,
    },
  })
  const short = samples.clusters()
  short.merges = short.merges.slice(0, 3)
  cases.push({
    name: 'clusters missing a merge',
    kind: 'clusters',
    payload: short,
    expected: {
      outcome: 'error',
      message: /clusters\.merges: expected 4 merges \(units - 1\), got an array of 3/,
    },
  })
  return cases
}

/** Every case: each view with hostile strings in every shown field, then the number cases. */
export function hostileCases(): HostileCase[] {
  const strings: HostileCase[] = []
  const views = [
    ...(Object.keys(samples) as ViewKind[]).map((kind) => [kind, samples[kind]()] as const),
    ['features', textPayload()] as const,
    ['counterfactual', counterfactualPayloadSample({ modality: 'image', found: 2 })] as const,
  ]
  for (const [kind, payload] of views) {
    const modality = (payload as { modality?: string }).modality
    const label =
      kind === 'features' && modality === 'text'
        ? 'text'
        : kind === 'counterfactual' && modality === 'image'
          ? 'counterfactual image'
          : kind
    strings.push(
      {
        name: `${label}: right-to-left names`,
        kind,
        payload: replaceStrings(payload, (s) => `${s} ${HEBREW}`),
        expected: { outcome: 'drawn' },
      },
      {
        name: `${label}: direction override`,
        kind,
        payload: replaceStrings(payload, (s) => `${OVERRIDE}${s}`),
        expected: { outcome: 'drawn' },
      },
      {
        name: `${label}: markup`,
        kind,
        payload: replaceStrings(payload, (s) => `${HOSTILE}${s}`),
        expected: { outcome: 'drawn' },
      },
      {
        name: `${label}: 100,000 characters`,
        kind,
        payload: replaceStrings(payload, (s) => `${s}${LONG}`),
        expected: { outcome: 'drawn' },
      },
    )
  }
  return [...strings, ...numberCases()]
}
