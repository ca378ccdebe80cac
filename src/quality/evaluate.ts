/**
 * `gw.evaluate`: how far an attribution can be trusted, by the metrics of {@link METRICS}, with every
 * setting explicit (the preset's, overridden per metric) and recorded in the result's provenance.
 */
import * as tf from '@tensorflow/tfjs'
import { Attribution, Comparison } from '../attribution/attribution'
import { explain } from '../attribution'
import { createRandom } from '../attribution/random'
import { GlasswingError, describeValue } from '../errors'
import { load } from '../model'
import type { GlasswingModel } from '../model/types'
import { makeProvenance } from '../display/provenance'
import { complexity, effectiveComplexity, sparseness } from './complexity'
import {
  aopc,
  faithfulnessCorrelation,
  featureGroups,
  gaussianPerturbations,
  infidelity,
  normalisedAuc,
  perturbationCurves,
  regionGroups,
  sensitivityMax,
  trapezoid,
  type Explained,
  type FillValue,
} from './faithfulness'
import { pointingGame, relevanceMassAccuracy, relevanceRankAccuracy, topKIntersection } from './localisation'
import {
  DEFAULT_METRICS,
  METRICS,
  METRIC_NAMES,
  presetSettings,
  type MetricName,
  type Preset,
} from './metrics'
import { richFrontEnd } from '../neurons/live'
import { progress } from '../session/progress'
import { roadCurves } from './road'
import { modelScorer } from './scorer'
import { ssim } from './similarity'
import { Evaluation, QualityTable } from './result'

/** `gw.evaluate`'s options. */
export interface EvaluateOptions {
  /** Which metrics (default: deletion, insertion, sparseness, complexity; and localisation with a mask). */
  metrics?: readonly MetricName[]
  /** Numerical conventions: 'paper' (default) or 'quantus'. */
  preset?: Preset
  /** Ground truth for localisation: input-shaped per example, or [n, h, w] (all channels). Non-zero = inside. */
  mask?: tf.Tensor | ArrayLike<unknown>
  /** Per-metric setting overrides, e.g. `{ deletion: { perStep: 1 } }`. */
  settings?: Partial<Record<MetricName, Record<string, unknown>>>
  /** Seed of the stochastic metrics (default 0). */
  seed?: number
  /** Perturbed inputs per forward pass (default 128). */
  batchSize?: number
}

type ModelLike = GlasswingModel | tf.LayersModel | tf.GraphModel

const WHERE = 'gw.evaluate'

async function asModel(model: ModelLike, where: string): Promise<GlasswingModel> {
  if (typeof model === 'object' && model !== null && ('execute' in model || 'getLayer' in model))
    return load(model as tf.LayersModel, { warmup: false })
  if (typeof model !== 'object' || model === null || typeof (model as GlasswingModel).predict !== 'function')
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a model from gw.load (or a tf.LayersModel / tf.GraphModel)',
      received: describeValue(model),
      hint: 'Pass the model the attribution was computed with.',
    })
  return model as GlasswingModel
}

/** The explained rows of an attribution: input, attribution and target per row. */
function rowsOf(attribution: Attribution, where: string): { rows: Explained[]; exampleShape: number[] } {
  const d = attribution.data
  const exampleShape = d.inputShape.slice(1)
  const features = exampleShape.reduce((a, b) => a * b, 1)
  const rowCount = d.shape[0]!
  if (d.layer !== null || d.values.length !== rowCount * features)
    throw new GlasswingError({
      where,
      argument: 'attribution',
      expected: 'an attribution over the inputs (same shape as the input)',
      received: `a '${d.method}' attribution of shape [${d.shape.join(', ')}]${d.layer ? ` on layer ${d.layer}` : ''}`,
      hint: 'Evaluate input-space methods; upsample layer (CAM) maps with a method that returns input-shaped values.',
    })
  const rows = Array.from({ length: rowCount }, (_, r) => {
    const target = d.targets[r]
    if (target === null || target === undefined)
      throw new GlasswingError({
        where,
        argument: 'attribution',
        expected: 'an attribution of class targets',
        received: `target '${d.targetDescription}'`,
        hint: "Explain with target: 'predicted' or class indices.",
      })
    const example = d.exampleOf[r]!
    return {
      input: d.inputs.subarray(example * features, (example + 1) * features),
      attribution: d.values.subarray(r * features, (r + 1) * features),
      target,
    }
  })
  return { rows, exampleShape }
}

function maskRows(
  mask: EvaluateOptions['mask'],
  attribution: Attribution,
  features: number,
  channels: number,
): Float32Array[] {
  const d = attribution.data
  const examples = d.inputShape[0]!
  let values: Float32Array
  try {
    values =
      mask instanceof tf.Tensor
        ? (mask.dataSync() as Float32Array)
        : Float32Array.from((tf.tidy(() => tf.tensor(mask as number[]).dataSync()) as Float32Array) ?? [])
  } catch (error) {
    throw new GlasswingError(
      {
        where: WHERE,
        argument: 'options.mask',
        expected: 'a tensor or nested array of numbers',
        received: describeValue(mask),
      },
      { cause: error },
    )
  }
  const perExample = values.length / examples
  if (perExample !== features && perExample !== features / channels && values.length !== features)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.mask',
      expected: `${examples} masks of ${features} values (input-shaped) or ${features / channels} (one per pixel)`,
      received: `${values.length} values`,
    })
  const full = values.length === features && examples > 1 ? null : perExample === features ? 'full' : 'pixel'
  return d.exampleOf.map((example) => {
    const out = new Float32Array(features)
    for (let i = 0; i < features; i++) {
      out[i] =
        full === null
          ? values[i]!
          : full === 'full'
            ? values[example * features + i]!
            : values[example * (features / channels) + Math.floor(i / channels)]!
    }
    return out
  })
}

/** Quantus's preprocessing: divide by the batch's largest |a| (unless all zero), then |a| if asked. */
function prepared(rows: readonly Explained[], settings: Record<string, unknown>): Float32Array[] {
  let scale = 1
  if (settings['normalise'] === 'batch max |a|') {
    let max = 0
    for (const row of rows) for (const v of row.attribution) max = Math.max(max, Math.abs(v))
    if (max > 0) scale = max
  }
  return rows.map((row) => row.attribution.map((v) => (settings['abs'] ? Math.abs(v / scale) : v / scale)))
}

function parameterOptions(attribution: Attribution): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(attribution.parameters)) {
    if (
      key === 'target' ||
      value === 'function' ||
      (typeof value === 'string' && value.startsWith('tensor ['))
    )
      continue
    kept[key] = value
  }
  const seed = attribution.data.provenance.seed
  if (seed !== null) kept['seed'] = seed
  return kept
}

/** Explains `inputs` (rows) again with the attribution's method and options, one class per row. */
export async function reexplain(
  model: GlasswingModel,
  attribution: Attribution,
  inputs: readonly Float32Array[],
  targets: readonly number[],
): Promise<Float32Array[]> {
  const shape = attribution.data.inputShape.slice(1)
  const features = inputs[0]!.length
  const flat = new Float32Array(inputs.length * features)
  inputs.forEach((row, i) => flat.set(row, i * features))
  const batch = tf.tensor(flat, [inputs.length, ...shape], 'float32')
  try {
    const result = await explain(model, batch, {
      ...parameterOptions(attribution),
      method: attribution.method,
      target: [...targets],
    } as never)
    return inputs.map((_, i) => result.data.values.slice(i * features, (i + 1) * features))
  } finally {
    batch.dispose()
  }
}

function checkOptions(options: unknown): EvaluateOptions {
  if (options === undefined) return {}
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new GlasswingError({
      where: WHERE,
      argument: 'options',
      expected: 'an object',
      received: describeValue(options),
    })
  const o = options as EvaluateOptions
  if (o.preset !== undefined && o.preset !== 'paper' && o.preset !== 'quantus')
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.preset',
      expected: "'paper' or 'quantus'",
      received: describeValue(o.preset),
    })
  if (o.metrics !== undefined) {
    if (!Array.isArray(o.metrics) || o.metrics.length === 0)
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.metrics',
        expected: 'a non-empty list of metric names',
        received: describeValue(o.metrics),
        hint: `Metrics: ${METRIC_NAMES.join(', ')}.`,
      })
    for (const m of o.metrics)
      if (!(METRIC_NAMES as readonly string[]).includes(m))
        throw new GlasswingError({
          where: WHERE,
          argument: 'options.metrics',
          expected: 'metric names',
          received: describeValue(m),
          hint: `Metrics: ${METRIC_NAMES.join(', ')}.`,
        })
  }
  for (const key of ['seed', 'batchSize'] as const) {
    const v = o[key]
    if (v !== undefined && (!Number.isInteger(v) || (key === 'batchSize' && (v as number) < 1)))
      throw new GlasswingError({
        where: WHERE,
        argument: `options.${key}`,
        expected: key === 'seed' ? 'an integer' : 'a positive integer',
        received: describeValue(v),
      })
  }
  return o
}

/**
 * Scores an attribution (or each attribution of a `gw.compare` result, with a random attribution as
 * the noise floor, into a methods x metrics table).
 *
 * @example
 * const a = await gw.explain(model, images, { method: 'integrated-gradients' })
 * const q = await gw.evaluate(model, a, { metrics: ['deletion', 'insertion', 'sparseness'] })
 * q.mean('deletion')
 * await gw.evaluate(model, await gw.compare(model, images, ['saliency', 'gradient-x-input']))
 */
export async function evaluate(
  model: ModelLike,
  attribution: Attribution,
  options?: EvaluateOptions,
): Promise<Evaluation>
export async function evaluate(
  model: ModelLike,
  attribution: Comparison,
  options?: EvaluateOptions,
): Promise<QualityTable>
export async function evaluate(
  model: ModelLike,
  attribution: Attribution | Comparison,
  options?: EvaluateOptions,
): Promise<Evaluation | QualityTable> {
  const opts = checkOptions(options)
  const wrapped = await asModel(model, WHERE)
  if (attribution instanceof Comparison) {
    const evaluations: Evaluation[] = []
    for (const a of attribution.attributions) evaluations.push(await evaluateOne(wrapped, a, opts))
    const floor = await evaluateOne(
      wrapped,
      randomAttribution(attribution.attributions[0]!, opts.seed ?? 0),
      opts,
    )
    return new QualityTable(evaluations, floor)
  }
  if (!(attribution instanceof Attribution))
    throw new GlasswingError({
      where: WHERE,
      argument: 'attribution',
      expected: 'a result of gw.explain or gw.compare',
      received: describeValue(attribution),
      hint: "Compute it first: const a = await gw.explain(model, images, { method: 'saliency' }).",
    })
  return evaluateOne(wrapped, attribution, opts)
}

/** A uniform random attribution of the same shape, seeded: the noise floor of a table. */
export function randomAttribution(like: Attribution, seed: number): Attribution {
  const random = createRandom(seed + 7919)
  const values = random.uniforms(like.data.values.length, 0, 1)
  return new Attribution({
    ...like.data,
    method: 'random',
    title: 'Random (noise floor)',
    parameters: { distribution: 'uniform [0, 1)', seed },
    values,
    delta: null,
  })
}

/**
 * `gw.evaluate` of one attribution, options already checked; `show.progress: false` draws no progress
 * bar (a view's request runs outside any cell, so there is no output to draw it in).
 */
export async function evaluateOne(
  model: GlasswingModel,
  attribution: Attribution,
  opts: EvaluateOptions,
  show: { progress: boolean } = { progress: true },
): Promise<Evaluation> {
  const { rows, exampleShape } = rowsOf(attribution, WHERE)
  const features = rows[0]?.input.length ?? 0
  const preset: Preset = opts.preset ?? 'paper'
  const seed = opts.seed ?? 0
  const batchSize = opts.batchSize ?? 128
  const metrics = opts.metrics ?? [
    ...DEFAULT_METRICS,
    ...(opts.mask !== undefined
      ? (['pointing-game', 'relevance-mass', 'relevance-rank', 'top-k'] as const)
      : []),
  ]
  if (metrics.some((m) => METRICS[m].needsMask) && opts.mask === undefined)
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.mask',
      expected: 'a mask for the localisation metrics',
      received: 'none',
      hint: 'Pass options.mask (non-zero inside the region that should matter), or leave localisation out.',
    })
  const defaults = presetSettings(preset, features)
  const settings = Object.fromEntries(
    metrics.map((m) => [m, { ...defaults[m], ...(opts.settings?.[m] ?? {}) }]),
  ) as Record<MetricName, Record<string, unknown>>
  const channels = exampleShape.length === 3 ? exampleShape[2]! : 1
  const masks = metrics.some((m) => METRICS[m].needsMask)
    ? maskRows(opts.mask, attribution, features, channels)
    : null
  const scorers = [false, true].map((softmax) => modelScorer(model, exampleShape, batchSize, WHERE, softmax))
  const values: Record<string, number[]> = {}
  const curves: Record<string, number[][]> = {}
  const bar =
    show.progress && richFrontEnd()
      ? progress({ total: metrics.length, label: `${WHERE} (${attribution.method})`, unit: 'metric' })
      : null
  for (const metric of metrics) {
    const s = settings[metric]
    const a = prepared(rows, s)
    const with_ = rows.map((row, i) => ({ ...row, attribution: a[i]! }))
    const fill = s['fill'] as FillValue
    const score = scorers[s['softmax'] ? 1 : 0]!
    switch (metric) {
      case 'deletion':
      case 'insertion': {
        const c = perturbationCurves(
          score,
          with_,
          (row) => featureGroups(row.attribution, s['perStep'] as number),
          {
            mode: metric,
            fill,
            includeStart: s['includeStart'] as boolean,
          },
        )
        curves[metric] = c.map((x) => Array.from(x))
        values[metric] = c.map((x) => (s['auc'] === 'trapz dx=1' ? trapezoid(x) : normalisedAuc(x)))
        break
      }
      case 'pixel-flipping':
      case 'region-perturbation': {
        const [h, w] = exampleShape.length >= 2 ? [exampleShape[0]!, exampleShape[1]!] : [1, features]
        const groupsOf =
          metric === 'pixel-flipping'
            ? (row: Explained) => featureGroups(row.attribution, s['perStep'] as number)
            : (row: Explained) =>
                regionGroups(row.attribution, h, w, channels, s['patch'] as number).slice(
                  0,
                  s['regions'] as number,
                )
        const c = perturbationCurves(score, with_, groupsOf, { mode: 'deletion', fill, includeStart: true })
        curves[metric] = c.map((x) => Array.from(x))
        values[metric] = c.map((x) => aopc(x, x[0]!))
        break
      }
      case 'faithfulness-correlation':
        values[metric] = faithfulnessCorrelation(score, with_, {
          runs: s['runs'] as number,
          subsetSize: s['subsetSize'] as number,
          fill,
          seed,
        })
        break
      case 'road': {
        const [h, w] = exampleShape.length >= 2 ? [exampleShape[0]!, exampleShape[1]!] : [1, features]
        const c = roadCurves(score, with_, [h, w, channels], {
          percentages: s['percentages'] as number[],
          order: s['order'] as 'morf' | 'lerf',
          noise: s['noise'] as number,
          seed,
        })
        curves[metric] = c.map((x) => Array.from(x))
        values[metric] = c.map((x) => x.reduce((a, b) => a + b, 0) / x.length)
        break
      }
      case 'infidelity': {
        const samples = s['samples'] as number
        const noise = gaussianPerturbations(rows.length, samples, features, s['std'] as number, seed)
        values[metric] = infidelity(score, with_, noise, samples, s['normalize'] as boolean)
        break
      }
      case 'sensitivity-max':
        values[metric] = await sensitivityMax(
          (inputs) =>
            reexplain(
              model,
              attribution,
              inputs,
              rows.map((r) => r.target),
            ),
          with_,
          { samples: s['samples'] as number, radius: s['radius'] as number, seed },
        )
        break
      case 'random-logit': {
        const classes = attribution.data.classCount
        const random = createRandom(seed + 31)
        const others = rows.map(
          (r) => (r.target + 1 + random.integer(Math.max(1, classes - 1))) % Math.max(classes, 1),
        )
        const other = await reexplain(
          model,
          attribution,
          rows.map((r) => r.input),
          others,
        )
        const [h, w] = exampleShape.length >= 2 ? [exampleShape[0]!, exampleShape[1]!] : [1, features]
        const otherPrepared = prepared(
          other.map((o, i) => ({ ...rows[i]!, attribution: o })),
          s,
        )
        values[metric] = with_.map((row, i) => meanSsim(row.attribution, otherPrepared[i]!, h, w, channels))
        break
      }
      case 'pointing-game':
        values[metric] = with_.map((row, i) =>
          pointingGame(row.attribution, masks![i]!, s['weighted'] as boolean),
        )
        break
      case 'relevance-mass':
        values[metric] = with_.map((row, i) => relevanceMassAccuracy(row.attribution, masks![i]!))
        break
      case 'relevance-rank':
        values[metric] = with_.map((row, i) => relevanceRankAccuracy(row.attribution, masks![i]!))
        break
      case 'top-k':
        values[metric] = with_.map((row, i) =>
          topKIntersection(row.attribution, masks![i]!, s['k'] as number, s['conceptInfluence'] as boolean),
        )
        break
      case 'sparseness':
        values[metric] = with_.map((row) => sparseness(row.attribution))
        break
      case 'complexity':
        values[metric] = with_.map((row) => complexity(row.attribution))
        break
      case 'effective-complexity':
        values[metric] = with_.map((row) => effectiveComplexity(row.attribution, s['eps'] as number))
        break
    }
    bar?.tick()
  }
  bar?.finish()
  const provenance = makeProvenance({
    method: 'evaluate',
    parameters: { attributionMethod: attribution.method, preset, metrics: [...metrics], settings, batchSize },
    seed,
    model: null,
  })
  provenance.modelFingerprint = model.fingerprint
  return new Evaluation({
    method: attribution.method,
    title: attribution.data.title,
    metrics: [...metrics],
    values,
    curves,
    targets: rows.map((r) => r.target),
    exampleOf: [...attribution.data.exampleOf],
    preset,
    provenance,
  })
}

/** SSIM per channel of [h, w, c] maps, averaged. */
export function meanSsim(a: Float32Array, b: Float32Array, h: number, w: number, channels: number): number {
  let total = 0
  for (let k = 0; k < channels; k++) {
    const pa = new Float32Array(h * w)
    const pb = new Float32Array(h * w)
    for (let i = 0; i < h * w; i++) {
      pa[i] = a[i * channels + k]!
      pb[i] = b[i * channels + k]!
    }
    total += ssim(pa, pb, h, w)
  }
  return total / channels
}
