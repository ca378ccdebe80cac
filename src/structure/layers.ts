/**
 * Layer x layer similarity within one model or between two (`gw.similarity.layers`): one streamed
 * activation pass per model, minibatch linear CKA (Nguyen et al. 2021) for every pair of layers from
 * per-batch Gram matrices (never n x d, never n x n), a random-network baseline row (the first model's
 * architecture with seeded fresh weights, compared layer by layer with the column layers), and bootstrap
 * confidence intervals that resample the minibatches.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { matrixBundle, type MatrixSpec } from '../display/matrix'
import { makeProvenance } from '../display/provenance'
import type { Provenance } from '../display/schema'
import type { GlasswingModel } from '../model/types'
import { LayersGlasswingModel } from '../model/layers-model'
import { throwIfInterrupted } from '../session/interrupt'
import { progress } from '../session/progress'
import { richFrontEnd } from '../neurons/live'
import { batchBounds, hsicBiased, hsicUnbiased } from './cka'

const WHERE = 'gw.similarity.layers'

/** Options of {@link layerSimilarity}. */
export interface LayerSimilarityOptions {
  /** A second model to compare with (columns); default: the first model against itself. */
  against?: GlasswingModel
  /** Layers of the first model (rows); default all its layers. */
  layers?: readonly string[]
  /** Layers of the second model (columns); default `layers` when the second model has them all, else all its layers. */
  againstLayers?: readonly string[]
  /** Examples per minibatch (>= 4). Default 100. */
  batchSize?: number
  /** Unbiased HSIC per minibatch (default true). */
  debiased?: boolean
  /** Add a row for a random-init twin of the first model. Default true. */
  baseline?: boolean
  /** Bootstrap resamples of the minibatches for the 95 % intervals (0 for none). Default 200. */
  bootstrap?: number
  /** Seed of the random twin's weights and of the bootstrap. Default 0. */
  seed?: number
  /** Display names of the two models. */
  names?: [string, string]
}

/** A random-init twin: the same topology, weights drawn from each layer's initialisers with a seed. */
export async function randomTwin(model: GlasswingModel, seed: number): Promise<GlasswingModel> {
  const source = model.tfModel as tf.LayersModel
  if (!(source instanceof tf.LayersModel))
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.baseline',
      expected: 'a layers model (its architecture is rebuilt with fresh weights)',
      received: `a ${model.kind} model`,
      hint: 'Pass baseline: false for graph or ONNX models.',
    })
  const json = source.toJSON(null, false) as unknown
  const topology = (typeof json === 'string' ? JSON.parse(json) : json) as tf.io.ModelJSON['modelTopology']
  const twin = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON)
  let index = 0
  for (const layer of twin.layers) {
    if (layer.weights.length === 0) continue
    const fresh = layer.weights.map((w, k) => {
      const name = w.originalName.split('/').pop() ?? ''
      return name.includes('kernel')
        ? tf.initializers
            .glorotUniform({ seed: seed + 1000 * index + k })
            .apply(w.shape as number[], 'float32')
        : tf.zeros(w.shape as number[])
    })
    layer.setWeights(fresh)
    tf.dispose(fresh)
    index++
  }
  return new LayersGlasswingModel(twin, `${model.source} (random init, seed ${seed})`, model.classNames)
}

/** Per-batch Gram matrices of each layer's flattened activations (float64). */
function batchGrams(model: GlasswingModel, batch: tf.Tensor, layers: readonly string[]): Float64Array[] {
  const out: Float64Array[] = []
  tf.tidy(() => {
    const { activations } = model.run(batch, { capture: layers })
    const m = batch.shape[0]!
    for (const layer of layers) {
      const a = activations[layer]!.reshape([m, -1])
      out.push(Float64Array.from(a.matMul(a, false, true).dataSync()))
    }
  })
  return out
}

function checkLayers(
  model: GlasswingModel,
  layers: readonly string[] | undefined,
  argument: string,
): string[] {
  const chosen = layers ? [...layers] : [...model.layerNames]
  if (chosen.length === 0)
    throw new GlasswingError({
      where: WHERE,
      argument,
      expected: 'at least one layer name',
      received: 'none',
    })
  for (const name of chosen)
    if (!model.layerNames.includes(name))
      throw new GlasswingError({
        where: WHERE,
        argument,
        expected: `layer names of the model (${model.layerNames.slice(0, 8).join(', ')}${model.layerNames.length > 8 ? ', ...' : ''})`,
        received: describeValue(name),
      })
  return chosen
}

/** Numbers of a layer x layer similarity. */
export interface LayerSimilarityData {
  rows: string[]
  columns: string[]
  /** CKA, rows x columns (the last row is the random baseline when asked for). */
  values: number[][]
  /** 95 % bootstrap interval per cell, [low, high] (NaN without bootstrap). */
  low: number[][]
  high: number[][]
  /** Per-minibatch CKA per cell: rows x columns x batches. */
  perBatch: number[][][]
  batches: number
  examples: number
}

/**
 * CKA between every layer of `model` and every layer of `options.against` (or of `model` itself),
 * over `inputs`, in one streamed pass per model.
 *
 * @example
 * const sim = await gw.similarity.layers(model, images, { against: shortcutModel, bootstrap: 200 })
 * sim.toArray()
 */
export async function layerSimilarity(
  model: GlasswingModel,
  inputs: tf.Tensor,
  options: LayerSimilarityOptions = {},
): Promise<LayerSimilarity> {
  if (!(inputs instanceof tf.Tensor) || inputs.isDisposed)
    throw new GlasswingError({
      where: WHERE,
      argument: 'inputs',
      expected: 'a tensor of inputs [examples, ...]',
      received: inputs instanceof tf.Tensor ? 'a disposed tensor' : describeValue(inputs),
    })
  const batchSize = options.batchSize ?? 100
  if (!Number.isSafeInteger(batchSize) || batchSize < 4)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.batchSize',
      expected: 'a whole number >= 4 (the unbiased HSIC divides by m(m - 3))',
      received: describeValue(batchSize),
    })
  const n = inputs.shape[0] ?? 0
  if (n < 4)
    throw new GlasswingError({
      where: WHERE,
      argument: 'inputs',
      expected: 'at least 4 examples',
      received: `${n}`,
    })
  const bootstrap = options.bootstrap ?? 200
  if (!Number.isSafeInteger(bootstrap) || bootstrap < 0)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.bootstrap',
      expected: 'a whole number >= 0',
      received: describeValue(bootstrap),
    })
  const seed = options.seed ?? 0
  const debiased = options.debiased ?? true
  const other = options.against ?? model
  const self = other === model
  const rowLayers = checkLayers(model, options.layers, 'options.layers')
  const columnLayers = checkLayers(
    other,
    options.againstLayers ??
      (self || (options.layers && options.layers.every((l) => other.layerNames.includes(l)))
        ? options.layers
        : undefined),
    'options.againstLayers',
  )
  const baselineLayers = rowLayers.filter((l) => columnLayers.includes(l))
  const twin = options.baseline === false ? null : await randomTwin(model, seed)
  const bounds = batchBounds(n, batchSize)
  const hsic = debiased ? hsicUnbiased : hsicBiased
  const R = rowLayers.length
  const C = columnLayers.length
  // per batch: cross[r][c], selfRow[r], selfCol[c], baseline cross and self
  const cross: Float64Array[] = []
  const selfRow: Float64Array[] = []
  const selfCol: Float64Array[] = []
  const baseCross: Float64Array[] = []
  const baseSelf: Float64Array[] = []
  const bar = richFrontEnd() ? progress({ total: bounds.length, label: WHERE, unit: 'batches' }) : null
  try {
    for (const [b, [s, e]] of bounds.entries()) {
      throwIfInterrupted(WHERE, { done: b, total: bounds.length, unit: 'batches' })
      const m = e - s
      const batch = inputs.slice(s, m)
      try {
        const gr = batchGrams(model, batch, rowLayers)
        const gc = self
          ? columnLayers.map((l) => gr[rowLayers.indexOf(l)] ?? batchGrams(model, batch, [l])[0]!)
          : batchGrams(other, batch, columnLayers)
        const x = new Float64Array(R * C)
        for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) x[r * C + c] = hsic(gr[r]!, gc[c]!, m)
        cross.push(x)
        selfRow.push(Float64Array.from(gr, (g) => hsic(g, g, m)))
        selfCol.push(Float64Array.from(gc, (g) => hsic(g, g, m)))
        if (twin) {
          const gt = batchGrams(twin, batch, baselineLayers)
          const bc = new Float64Array(C).fill(NaN)
          const bs = new Float64Array(C).fill(NaN)
          for (const [k, layer] of baselineLayers.entries()) {
            const c = columnLayers.indexOf(layer)
            bc[c] = hsic(gt[k]!, gc[c]!, m)
            bs[c] = hsic(gt[k]!, gt[k]!, m)
          }
          baseCross.push(bc)
          baseSelf.push(bs)
        }
      } finally {
        batch.dispose()
      }
      bar?.tick()
    }
  } finally {
    bar?.finish()
    if (twin) twin.dispose()
  }
  const rowsOut = twin ? R + 1 : R
  const cell = (batchIds: readonly number[], r: number, c: number): number => {
    let xy = 0
    let xx = 0
    let yy = 0
    for (const b of batchIds) {
      if (r < R) {
        xy += cross[b]![r * C + c]!
        xx += selfRow[b]![r]!
      } else {
        xy += baseCross[b]![c]!
        xx += baseSelf[b]![c]!
      }
      yy += selfCol[b]![c]!
    }
    return xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : NaN
  }
  const all = bounds.map((_, b) => b)
  const values: number[][] = []
  const perBatch: number[][][] = []
  for (let r = 0; r < rowsOut; r++) {
    values.push(columnLayers.map((_, c) => cell(all, r, c)))
    perBatch.push(columnLayers.map((_, c) => all.map((b) => cell([b], r, c))))
  }
  const low = values.map((row) => row.map(() => NaN))
  const high = values.map((row) => row.map(() => NaN))
  if (bootstrap > 0 && bounds.length > 1) {
    const rng = mulberry32(seed + 17)
    const samples = values.map((row) => row.map(() => new Float64Array(bootstrap)))
    for (let t = 0; t < bootstrap; t++) {
      throwIfInterrupted(WHERE, { done: t, total: bootstrap, unit: 'bootstrap resamples' })
      const ids = all.map(() => Math.floor(rng() * all.length))
      for (let r = 0; r < rowsOut; r++) for (let c = 0; c < C; c++) samples[r]![c]![t] = cell(ids, r, c)
    }
    for (let r = 0; r < rowsOut; r++)
      for (let c = 0; c < C; c++) {
        const sorted = samples[r]![c]!.filter((v) => !Number.isNaN(v)).sort()
        if (sorted.length === 0) continue
        low[r]![c] = quantile(sorted, 0.025)
        high[r]![c] = quantile(sorted, 0.975)
      }
  }
  const names = options.names ?? [modelName(model), modelName(other)]
  const rows = [
    ...rowLayers.map((l) => (self ? l : `${names[0]}: ${l}`)),
    ...(twin ? ['random init (same layer)'] : []),
  ]
  const columns = columnLayers.map((l) => (self ? l : `${names[1]}: ${l}`))
  const provenance = makeProvenance({
    method: 'minibatch-cka-layers',
    parameters: {
      batchSize,
      debiased,
      bootstrap,
      baseline: !!twin,
      against: self ? null : other.source,
      examples: n,
    },
    seed,
    model: model.tfModel as tf.LayersModel,
  })
  return new LayerSimilarity(
    { rows, columns, values, low, high, perBatch, batches: bounds.length, examples: n },
    { self, names, debiased },
    provenance,
  )
}

/** A model's short name: its folder (or file) name without model.json. */
function modelName(model: GlasswingModel): string {
  const parts = model.source.split(/[\\/]/).filter((p) => p && p !== 'model.json')
  return parts[parts.length - 1] ?? 'model'
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

function mulberry32(a: number): () => number {
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The result of {@link layerSimilarity}: a layer x layer CKA heatmap with intervals and a baseline row. */
export class LayerSimilarity implements Displayable {
  constructor(
    readonly data: LayerSimilarityData,
    readonly info: { self: boolean; names: [string, string]; debiased: boolean },
    readonly provenance: Provenance,
  ) {}

  /** CKA values, rows x columns (baseline row last). */
  toArray(): number[][] {
    return this.data.values.map((r) => r.slice())
  }

  /** One line per cell: row, column, CKA, low, high. */
  toCSV(): string {
    const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
    const lines = ['row,column,cka,ci_low,ci_high']
    this.data.rows.forEach((r, i) =>
      this.data.columns.forEach((c, j) =>
        lines.push(
          [q(r), q(c), this.data.values[i]![j], this.data.low[i]![j], this.data.high[i]![j]].join(','),
        ),
      ),
    )
    return lines.join('\n') + '\n'
  }

  /** The CKA of two named layers (row label, column label). */
  value(row: string, column: string): number {
    const i = this.data.rows.indexOf(row)
    const j = this.data.columns.indexOf(column)
    return i < 0 || j < 0 ? NaN : this.data.values[i]![j]!
  }

  /** The shared matrix view's spec: CKA colours, '*' where the interval lies above the random baseline. */
  matrixSpec(): MatrixSpec {
    const { rows, columns, values, low, perBatch, batches, examples } = this.data
    const hasBaseline = rows[rows.length - 1] === 'random init (same layer)'
    const base = hasBaseline ? values[values.length - 1]! : null
    const marks = values.map((row, i) =>
      row.map((_, j) =>
        base && i < rows.length - 1 && Number.isFinite(base[j]!) && low[i]![j]! > base[j]! ? '*' : '',
      ),
    )
    const [a, b] = this.info.names
    return {
      title: this.info.self ? `CKA between the layers of ${a}` : `CKA: ${a} (rows) vs ${b} (columns)`,
      rowTitle: this.info.self ? 'layer' : a,
      columnTitle: this.info.self ? 'layer' : b,
      valueLabel: `${this.info.debiased ? 'debiased ' : ''}minibatch CKA`,
      rows,
      columns,
      values,
      scale: 'sequential',
      range: [0, 1],
      marks,
      perItem: {
        label: 'CKA in each minibatch',
        items: Array.from({ length: batches }, (_, k) => `batch ${k + 1}`),
        values: perBatch,
      },
      caption: `Linear minibatch CKA over ${examples.toLocaleString('en')} examples in ${batches} batches; * marks a 95 % bootstrap interval (over batches) above the random-init baseline of the same column. Click a cell for its per-batch values.`,
    }
  }

  toString(): string {
    const { rows, columns, values, low, high } = this.data
    const width = Math.max(...rows.map((r) => r.length))
    const lines = [
      this.matrixSpec().title,
      ' '.repeat(width) + '  ' + columns.map((c) => c.slice(-10).padStart(10)).join(' '),
    ]
    rows.forEach((r, i) =>
      lines.push(r.padEnd(width) + '  ' + values[i]!.map((v) => v.toFixed(3).padStart(10)).join(' ')),
    )
    if (Number.isFinite(low[0]?.[0] ?? NaN))
      lines.push(
        `95 % intervals (bootstrap over batches), e.g. ${rows[0]} x ${columns[0]}: [${low[0]![0]!.toFixed(3)}, ${high[0]![0]!.toFixed(3)}]`,
      )
    return lines.join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return matrixBundle(this.matrixSpec(), this.provenance, this.toString())
  }
}
