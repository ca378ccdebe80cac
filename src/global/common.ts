/** What the global explanations share: the model and table arguments, teacher outputs, provenance. */
import * as tf from '@tensorflow/tfjs'
import { seededRandom } from '../data/random'
import { GlasswingError, describeValue } from '../errors'
import { load } from '../model'
import type { GlasswingModel } from '../model/types'
import { throwIfInterrupted } from '../session/interrupt'

/** A model from gw.load, or a tfjs model in memory. */
export type ModelLike = GlasswingModel | tf.LayersModel | tf.GraphModel

/** Rows to explain: a 2-D tensor or a table from gw.datasets (features, featureNames, classNames). */
export type TableLike =
  | tf.Tensor2D
  | { features: tf.Tensor2D; featureNames?: readonly string[]; classNames?: readonly string[] }

/** A model checked at the boundary. */
export async function asModel(model: unknown, where: string): Promise<GlasswingModel> {
  if (typeof model === 'object' && model !== null && ('execute' in model || 'getLayer' in model))
    return load(model as tf.LayersModel, { warmup: false })
  const m = model as Partial<GlasswingModel> | null
  if (typeof m !== 'object' || m === null || typeof m.predict !== 'function' || !Array.isArray(m.layerNames))
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a model from gw.load (or a tf.LayersModel / tf.GraphModel)',
      received: describeValue(model),
      hint: "Load it first: const model = await gw.load('notebooks/models/credit-mlp').",
    })
  return m as GlasswingModel
}

/** Rows as numbers, with their column names. */
export function readTable(
  data: unknown,
  where: string,
  argument: string,
): { rows: Float64Array[]; featureNames: string[]; classNames: string[] | null } {
  const tensor = data instanceof tf.Tensor ? data : (data as { features?: unknown } | null)?.features
  if (
    !(tensor instanceof tf.Tensor) ||
    tensor.isDisposed ||
    tensor.rank !== 2 ||
    tensor.dtype === 'string' ||
    tensor.shape[0] === 0
  )
    throw new GlasswingError({
      where,
      argument,
      expected: 'rows to fit on: a live non-empty 2-D float tensor [n, features] or a table from gw.datasets',
      received: describeValue(data),
      hint: "A surrogate learns from the model's answers on data: pass the rows, e.g. (await gw.datasets.creditG()).",
    })
  const [n, d] = tensor.shape as [number, number]
  const values = tensor.dataSync()
  const rows = Array.from({ length: n }, (_, i) => Float64Array.from(values.subarray(i * d, (i + 1) * d)))
  const names = (data as { featureNames?: readonly string[] }).featureNames
  const classes = (data as { classNames?: readonly string[] }).classNames
  return {
    rows,
    featureNames:
      Array.isArray(names) && names.length === d ? [...names] : Array.from({ length: d }, (_, j) => `x${j}`),
    classNames: Array.isArray(classes) ? [...classes] : null,
  }
}

/** The model's outputs on rows, batched, as probabilities and logits (softmax or log as needed). */
export function teacherOutputs(
  model: GlasswingModel,
  rows: readonly Float64Array[],
  where: string,
  batchSize = 256,
): { probabilities: Float64Array[]; logits: Float64Array[]; classes: Int32Array } {
  const d = rows[0]!.length
  const outputs: Float64Array[] = []
  for (let start = 0; start < rows.length; start += batchSize) {
    throwIfInterrupted(where, { done: start, total: rows.length, unit: 'rows' })
    const batch = rows.slice(start, start + batchSize)
    const flat = new Float32Array(batch.length * d)
    batch.forEach((row, i) => flat.set(row, i * d))
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor2d(flat, [batch.length, d]))
      return y.reshape([batch.length, -1]).dataSync()
    })
    const k = out.length / batch.length
    for (let i = 0; i < batch.length; i++) outputs.push(Float64Array.from(out.subarray(i * k, (i + 1) * k)))
  }
  const isProbability = outputs.every((o) => {
    const s = o.reduce((a, b) => a + b, 0)
    return o.length > 1 && Math.abs(s - 1) < 1e-3 && o.every((v) => v >= 0)
  })
  const probabilities = isProbability
    ? outputs
    : outputs.map((o) => {
        if (o.length === 1) return Float64Array.of(1 - sigmoid(o[0]!), sigmoid(o[0]!))
        const max = Math.max(...o)
        const e = o.map((v) => Math.exp(v - max))
        const s = e.reduce((a, b) => a + b, 0)
        return e.map((v) => v / s)
      })
  const logits = isProbability ? outputs.map((o) => o.map((v) => Math.log(Math.max(v, 1e-12)))) : outputs
  const classes = Int32Array.from(probabilities, (p) => {
    let arg = 0
    for (let j = 1; j < p.length; j++) if (p[j]! > p[arg]!) arg = j
    return arg
  })
  return { probabilities, logits, classes }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))

/** `count` noisy copies near the rows: Gaussian noise of `scale` times each column's deviation. */
export function samplesNear(
  rows: readonly Float64Array[],
  count: number,
  scale: number,
  seed: number,
): Float64Array[] {
  const d = rows[0]!.length
  const deviation = new Float64Array(d)
  const mean = new Float64Array(d)
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / rows.length
  for (const r of rows) for (let j = 0; j < d; j++) deviation[j]! += (r[j]! - mean[j]!) ** 2 / rows.length
  const random = seededRandom(seed)
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  return Array.from({ length: count }, (_, i) => {
    const base = rows[i % rows.length]!
    return Float64Array.from(base, (v, j) => v + scale * Math.sqrt(deviation[j]!) * gauss())
  })
}

/** Checks an optional number option. */
export function numberOption(
  value: unknown,
  fallback: number,
  where: string,
  argument: string,
  test: (v: number) => boolean,
  expected: string,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || !test(value))
    throw new GlasswingError({
      where,
      argument,
      expected,
      received: describeValue(value),
      hint: `Pass ${expected}, or leave it out for ${fallback}.`,
    })
  return value
}

/** Checks that options is an object. */
export function checkOptions(options: unknown, where: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new GlasswingError({
      where,
      argument: 'options',
      expected: 'an object of options',
      received: describeValue(options),
      hint: 'Pass {} for the defaults.',
    })
}
