/**
 * Sample payloads of every view, built the way the library builds them: used by the unit tests, the
 * browser tests and the benchmarks. `hostile` puts markup in every label to prove it is shown as text.
 */
import { encodeArray, encodeRawImage } from '../../../src/display/codec'
import { matrixPayload } from '../../../src/display/matrix'
import { encodePng } from '../../../src/display/png'
import { CounterfactualSet } from '../../../src/interventions/counterfactual-result'
import type {
  CounterfactualPayload,
  EmbeddingPayload,
  MatrixPayload,
  FeaturesPayload,
  NeuronsPayload,
  Provenance,
  SaliencyPayload,
} from '../../../src/display/schema'

export const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

export function provenance(method: string): Provenance {
  return {
    library: { name: 'glasswing', version: '0.1.0' },
    backend: { name: 'tensorflow', device: 'cpu', version: '2.21.0', tfjs: '4.22.0' },
    method,
    parameters: {},
    seed: null,
    modelFingerprint: 'abc123',
    createdAt: '2026-01-01T00:00:00.000Z',
  }
}

/** A deterministic pseudo-random generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A blob-shaped digit-like picture, and a signed map that is positive on it and negative around it. */
function picture(size: number, k: number, channels: 1 | 3): { pixels: Uint8Array; map: Float32Array } {
  const pixels = new Uint8Array(size * size * channels)
  const map = new Float32Array(size * size)
  const cx = size * (0.35 + 0.05 * (k % 4))
  const cy = size * (0.4 + 0.05 * (k % 3))
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - cx, y - cy) / size
      const ink = d < 0.22 ? 255 : 0
      for (let c = 0; c < channels; c++) pixels[(y * size + x) * channels + c] = c === 1 ? ink / 2 : ink
      map[y * size + x] = Math.exp(-((d / 0.12) ** 2)) - 0.5 * Math.exp(-(((d - 0.3) / 0.06) ** 2))
    }
  return { pixels, map }
}

/** Large images travel as PNG; noise makes them compress like a photograph (about 2.5 bits a channel). */
function photo(rgb: Uint8Array, size: number, seed: number): SaliencyPayload['inputs'][number]['image'] {
  const rand = random(seed)
  const rgba = new Uint8Array(size * size * 4)
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.min(255, rgb[p * 3 + c]! * 0.6 + 40 + rand() * 24)
    rgba[p * 4 + 3] = 255
  }
  return { encoding: 'png', width: size, height: size, data: encodePng(rgba, size, size) }
}

export function saliencyPayload(
  options: {
    count?: number
    size?: number
    methods?: string[]
    targets?: number
    hostile?: boolean
    /** A live id: the view then offers all 10 classes, asking the kernel for those it lacks. */
    displayId?: string
  } = {},
): SaliencyPayload {
  const { count = 8, size = 28, methods = ['integrated-gradients'], targets = 2, hostile = false } = options
  const channels = size > 64 ? 3 : 1
  const classNames = Array.from({ length: 10 }, (_, i) => (hostile ? `${HOSTILE}${i}` : `class ${i}`))
  const inputs: SaliencyPayload['inputs'] = []
  const maps: SaliencyPayload['maps'] = []
  for (let i = 0; i < count; i++) {
    const { pixels, map } = picture(size, i, channels)
    const top = Array.from({ length: targets }, (_, t) => ({
      target: (i + t) % 10,
      probability: t === 0 ? 0.9 : 0.1 / targets,
    }))
    inputs.push({
      image: channels === 3 ? photo(pixels, size, i) : encodeRawImage(pixels, size, size, 1),
      label: i % 10,
      predictions: top,
    })
    methods.forEach((_, m) =>
      top.forEach(({ target }, t) => {
        const scaled = map.map((v, j) => (t === 0 ? v : -v * 0.5) * (1 + 0.3 * m) + (j % size) * 1e-4)
        maps.push({ input: i, method: m, target, values: encodeArray(scaled, [size, size], 'uint8') })
      }),
    )
  }
  return {
    version: 1,
    provenance: provenance(methods[0]!),
    kind: 'saliency',
    methods,
    signed: true,
    classNames,
    inputs,
    maps,
    ...(options.displayId ? { displayId: options.displayId, classCount: 10 } : {}),
  }
}

export function embeddingPayload(
  options: { count?: number; dimensions?: 2 | 3; thumbnails?: number; hostile?: boolean } = {},
): EmbeddingPayload {
  const { count = 500, dimensions = 2, thumbnails = Math.min(count, 200), hostile = false } = options
  const rand = random(7)
  const coordinates = new Float32Array(count * dimensions)
  const labels = new Int32Array(count)
  const predictions = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const label = i % 10
    labels[i] = label
    predictions[i] = rand() < 0.9 ? label : (label + 1) % 10
    const angle = (label / 10) * 2 * Math.PI
    for (let d = 0; d < dimensions; d++)
      coordinates[i * dimensions + d] =
        (d === 0 ? Math.cos(angle) : d === 1 ? Math.sin(angle) : label / 10) * 10 + (rand() - 0.5) * 3
  }
  const names = Array.from({ length: 10 }, (_, i) => (hostile ? `${HOSTILE}${i}` : `digit ${i}`))
  const size = 8
  const images = new Uint8Array(thumbnails * size * size)
  for (let i = 0; i < images.length; i++) images[i] = (i * 13 + Math.floor(i / 64) * 29) % 256
  return {
    version: 1,
    provenance: provenance('tsne'),
    kind: 'embedding',
    method: 'tsne',
    layer: 'dense_1',
    dimensions,
    coordinates: encodeArray(coordinates, [count, dimensions], 'float32'),
    columns: [
      {
        name: 'label',
        type: 'category',
        role: 'label',
        categories: names,
        values: encodeArray(labels, [count], 'int32'),
      },
      {
        name: 'prediction',
        type: 'category',
        role: 'prediction',
        categories: names,
        values: encodeArray(predictions, [count], 'int32'),
      },
      {
        name: 'confidence',
        type: 'number',
        values: encodeArray(
          labels.map((l) => l / 10),
          [count],
          'float16',
        ),
      },
    ],
    thumbnails:
      thumbnails > 0
        ? { images: encodeArray(images, [thumbnails, size, size, 1], 'uint8', { quantise: false }) }
        : null,
    explainedVariance: null,
    displayId: 'embedding-test',
  }
}

export function neuronsPayload(options: { units?: number; hostile?: boolean } = {}): NeuronsPayload {
  const { units = 12, hostile = false } = options
  const rand = random(3)
  const concepts = ['stroke', 'loop', 'corner', 'edge']
  return {
    version: 1,
    provenance: provenance('dissection'),
    kind: 'neurons',
    layer: 'conv2d_1',
    tuningLabels: Array.from({ length: 10 }, (_, i) => `${i}`),
    units: Array.from({ length: units }, (_, index) => {
      const { pixels } = picture(16, index, 1)
      const label = hostile ? `${HOSTILE} ${concepts[index % 4]}` : concepts[index % 4]!
      return {
        index,
        visualization: encodeRawImage(pixels, 16, 16, 1),
        topExamples: [0, 1, 2].map((k) => ({
          image: encodeRawImage(picture(16, index + k, 1).pixels, 16, 16, 1),
          activation: 3 - k,
          label: `${k}`,
        })),
        concept: { label, iou: Math.round(rand() * 100) / 100 },
        tuning: Array.from({ length: 10 }, () => rand()),
        selectivity: Math.round(rand() * 100) / 100,
        ablationEffect: Math.round(rand() * 1000) / 1000,
        ...(index === 3 ? { note: `${hostile ? `${HOSTILE} ` : ''}never fires on these 100 images` } : {}),
      }
    }),
  }
}

/**
 * Tabular attributions for a credit model. `labels` adds what the kernel sends for raw data: the values
 * as text (`valueLabels`, e.g. 'purpose = used car') and the global `importance` per feature.
 */
export function tabularPayload(
  options: { examples?: number; hostile?: boolean; labels?: boolean; methods?: string[] } = {},
): FeaturesPayload {
  const { examples = 50, hostile = false, labels = false, methods } = options
  const rand = random(5)
  const featureNames = ['duration', 'credit_amount', 'age', 'checking_status', hostile ? HOSTILE : 'savings']
  const f = featureNames.length
  const attributions = Float32Array.from(
    { length: examples * f },
    (_, i) => (rand() - 0.5) * (1 + (i % f)) * 0.05,
  )
  const values = Float32Array.from({ length: examples * f }, () => rand())
  const baseValues = Array.from({ length: examples }, () => 0.3)
  const outputs = baseValues.map(
    (b, n) => b + attributions.slice(n * f, n * f + f).reduce((a, c) => a + c, 0),
  )
  return {
    version: 1,
    provenance: provenance('kernel-shap'),
    kind: 'features',
    modality: 'tabular',
    featureNames,
    attributions: encodeArray(attributions, [examples, f], 'float32'),
    values: encodeArray(values, [examples, f], 'float16'),
    baseValues,
    outputs,
    outputName: 'P(bad credit)',
    ...(labels && {
      valueLabels: Array.from({ length: examples }, (_, n) => [
        String(6 + ((n * 7) % 42)),
        String(1000 + n * 250),
        String(20 + ((n * 3) % 50)),
        ['A11', 'A12', 'A13', 'A14'][n % 4]!,
        hostile ? HOSTILE : ['< 100 DM', '100-500 DM', 'unknown'][n % 3]!,
      ]),
      // Not the mean |attribution| of these rows on purpose: a view must show the kernel's numbers.
      importance: [0.01, 0.02, 0.5, 0.03, 0.04],
    }),
    // gw.compare: the first method's values as above, the others as scaled and sign-flipped copies,
    // so each method's bars differ (the second method's are 10x larger: the view must scale them).
    ...(methods && {
      provenance: provenance('compare'),
      comparison: {
        methods: hostile ? methods.map((m, i) => (i === 1 ? HOSTILE : m)) : methods,
        attributions: encodeArray(
          Float32Array.from({ length: methods.length * examples * f }, (_, i) => {
            const m = Math.floor(i / (examples * f))
            return attributions[i % (examples * f)]! * (m === 0 ? 1 : m === 1 ? 10 : -0.5 * m)
          }),
          [methods.length, examples, f],
          'float32',
        ),
      },
    }),
  }
}

export function textPayload(hostile = false, methods?: string[]): FeaturesPayload {
  const tokens = ['this', 'movie', 'was', 'not', 'good', hostile ? HOSTILE : 'at', 'all']
  const attributions = [0.01, 0.05, 0, -0.4, 0.3, 0.02, -0.1]
  return {
    version: 1,
    provenance: provenance('integrated-gradients'),
    kind: 'features',
    modality: 'text',
    outputName: 'P(positive)',
    examples: [
      {
        tokens,
        attributions,
        baseValue: 0.5,
        output: 0.38,
        label: 'negative',
        ...(methods && { byMethod: methods.map((_, m) => attributions.map((v) => v * (m + 1))) }),
      },
    ],
    ...(methods && { methods }),
  }
}

/** A matrix payload: `rows` x `columns` seeded values, a mark per cell, `items` values behind each cell. */
export function matrixPayloadSample(
  options: { rows?: number; columns?: number; items?: number; scale?: 'sequential' | 'diverging' } = {},
): MatrixPayload {
  const { rows = 4, columns = 3, items = 5, scale = 'sequential' } = options
  const next = random(rows * 31 + columns)
  const values = Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => (scale === 'diverging' ? 2 * next() - 1 : next())),
  )
  return matrixPayload(
    {
      title: 'CKA between the layers',
      rowTitle: 'layer',
      columnTitle: 'metric',
      valueLabel: 'linear CKA',
      rows: Array.from({ length: rows }, (_, i) => `row ${i}`),
      columns: Array.from({ length: columns }, (_, j) => `column ${j}`),
      values,
      scale,
      marks: values.map((row) => row.map((v) => (v > 0.5 ? '*' : ''))),
      perItem: {
        label: 'per batch',
        items: Array.from({ length: items }, (_, k) => `batch ${k}`),
        values: values.map((row) =>
          row.map((v) => Array.from({ length: items }, () => v + 0.1 * (next() - 0.5))),
        ),
      },
      caption: '* marks a value above 0.5',
      notes: ['overall: 0.5', 'second line'],
    },
    provenance('cka'),
  )
}

/**
 * A counterfactual payload made by the library's result: a credit-like row of 8 features (one
 * immutable, `found` counterfactuals changing two or three features each), or a 12x10 grey image whose
 * counterfactuals brighten a few pixels. `found: 0` gives the reason instead.
 */
export function counterfactualPayloadSample(
  options: { modality?: 'tabular' | 'image'; found?: number } = {},
): CounterfactualPayload {
  const { modality = 'tabular', found = 3 } = options
  const image = modality === 'image'
  const exampleShape = image ? [12, 10, 1] : [8]
  const size = exampleShape.reduce((a, b) => a * b, 1)
  const next = random(size + found)
  const original = Array.from({ length: size }, (_, j) => (image ? 0 : Math.round(next() * 100) / 10 + j))
  const counterfactuals = Array.from({ length: found }, (_, k) => {
    const row = [...original]
    if (image) for (const p of [13 + k, 25, 47 + 2 * k, 90]) row[p] = 0.5 + 0.1 * k
    else for (const j of [1, 3 + (k % 3), 6].slice(0, 2 + (k % 2))) row[j] = original[j]! + 1 + k
    return row
  })
  return new CounterfactualSet({
    original,
    originalProbability: 0.31,
    counterfactuals,
    probabilities: counterfactuals.map((_, k) => 0.5 + 0.05 * k),
    target: 0,
    targetName: 'good',
    probability: 0.5,
    featureNames: image
      ? []
      : [
          'duration',
          'credit_amount',
          'age',
          'installment_commitment',
          'residence_since',
          'existing_credits',
          'checking_status=<0',
          'foreign_worker=yes',
        ],
    scale: original.map(() => 1),
    immutable: image ? [] : [2],
    requested: Math.max(found, 3),
    exampleShape,
    reason: found ? null : 'the target is unreachable within the permitted ranges: p(target) = 0.210 < 0.5',
    seconds: 0.42,
    provenance: provenance('counterfactuals'),
  }).toPayload()
}
