/**
 * gw.patch: activation patching between clean and corrupted inputs, swept over layers x cells
 * (conv), positions (sequence) or channels/units, in batched passes of the engine; attribution
 * patching (gradient x activation difference) as a fast estimate, with real patching of its top k to
 * confirm; gw.trace: causal tracing (ROME style), the corrupted input being the clean one plus noise.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { checkLayerName, type GlasswingModel } from '../model'
import { makeProvenance } from '../display/provenance'
import { seededRandom } from '../data/random'
import { throwIfInterrupted } from '../session/interrupt'
import { runPatches, type PatchVariant } from './engine'
import { PATCH_METRICS, scorePatch, type PatchMetric } from './metrics'
import { PatchingResult } from './patching-result'
import { sweepColumns, type SweepAxis, type SweepColumn } from './sweep'
import { whereMask } from './where'

/** Options of {@link patch}. */
export interface PatchOptions {
  /** Layers to sweep (rows of the result). */
  layers: readonly string[]
  /** What each column patches. Default: 'cells' for conv layers, 'positions' for sequence layers, else 'units'. */
  over?: SweepAxis
  /** Conv layers: the H x W are tiled into grid x grid blocks. Default 7 (at most the smallest layer side). */
  grid?: number
  /** Default 'recovery'. */
  metric?: PatchMetric
  /** 'denoise' (default) runs the corrupted input and restores clean activations; 'noise' the reverse. */
  direction?: 'denoise' | 'noise'
  /** Target class per example (or one for all); default: the clean input's predicted class. */
  target?: number | readonly number[]
  /** Foil class for the logit difference; default: the corrupted input's predicted class (or runner-up). */
  foil?: number | readonly number[]
  /** 'patch' (default) patches every cell; 'attribution' estimates them all from one gradient. */
  method?: 'patch' | 'attribution'
  /** With method 'attribution': really patch the top `confirm` cells by |estimate|. Default 0. */
  confirm?: number
  batchSize?: number
  /** Element budget per pass (see runPatches). */
  maxElements?: number
}

interface Prepared {
  rows: string[]
  columns: string[]
  cells: { layer: string; column: SweepColumn; row: number; col: number }[]
  target: Int32Array
  foil: Int32Array
  logProbabilities: boolean
}

/**
 * Activation patching of `model` between `clean` and `corrupt` inputs (one corrupted per clean).
 *
 * @example
 * const sweep = gw.patch(model, { clean, corrupt }, { layers: ['conv2d_1', 'max_pooling2d_1', 'conv2d_2'] })
 * sweep            // a layers x cells heatmap of normalised recovery; click a cell for its examples
 * sweep.toArray()  // [layers][cells]
 */
export function patch(
  model: GlasswingModel,
  pair: { clean: tf.Tensor; corrupt: tf.Tensor },
  options: PatchOptions,
): PatchingResult {
  const where = 'gw.patch'
  const started = performance.now()
  const prepared = prepare(model, pair, options, where)
  const metric = options.metric ?? 'recovery'
  const method = options.method ?? 'patch'
  const examples = pair.clean.shape[0]!
  const values = prepared.rows.map(() => prepared.columns.map(() => NaN))
  const perItem = prepared.rows.map(() => prepared.columns.map(() => [] as number[]))
  let estimate: number[][] | null = null
  let passes = 0
  let confirmed: { row: number; col: number }[] = []
  const measure = measureFor(prepared.logProbabilities)
  const score = (
    patched: ArrayLike<number>,
    clean: ArrayLike<number>,
    corrupt: ArrayLike<number>,
    i: number,
  ) => scorePatch(metric, patched, clean, corrupt, prepared.target[i]!, prepared.foil[i]!)
  const realPatch = (cells: Prepared['cells']) => {
    const variants: PatchVariant[] = cells.map((c) => ({ layer: c.layer, where: c.column.where }))
    const run = runPatches(
      model,
      variants,
      { clean: pair.clean, corrupt: pair.corrupt, direction: options.direction },
      {
        batchSize: options.batchSize,
        maxElements: options.maxElements,
        measure,
        caller: where,
      },
    )
    passes += run.passes
    const w = run.width
    cells.forEach((cell, v) => {
      const items = Array.from({ length: examples }, (_, i) =>
        score(
          run.at(v, i),
          run.clean!.subarray(i * w, (i + 1) * w),
          run.corrupt!.subarray(i * w, (i + 1) * w),
          i,
        ),
      )
      perItem[cell.row]![cell.col] = items
      values[cell.row]![cell.col] = mean(items)
    })
  }
  if (method === 'patch') realPatch(prepared.cells)
  else {
    estimate = attributionEstimate(model, pair, options, prepared, metric, where)
    const k = options.confirm ?? 0
    if (!Number.isInteger(k) || k < 0)
      throw new GlasswingError({
        where,
        argument: 'options.confirm',
        expected: 'a whole number of cells to confirm',
        received: describeValue(k),
      })
    const ranked = prepared.cells
      .map((cell) => ({ cell, size: Math.abs(estimate![cell.row]![cell.col]!) }))
      .sort((a, b) => b.size - a.size)
      .slice(0, k)
      .map((r) => r.cell)
    if (ranked.length) realPatch(ranked)
    confirmed = ranked.map((c) => ({ row: c.row, col: c.col }))
  }
  return new PatchingResult({
    rows: prepared.rows,
    columns: prepared.columns,
    metric,
    method,
    values: method === 'patch' ? values : estimate!,
    patched: values,
    perItem,
    confirmed,
    examples,
    passes,
    seconds: (performance.now() - started) / 1000,
    provenance: makeProvenance({
      method: method === 'patch' ? 'activation-patching' : 'attribution-patching',
      parameters: {
        layers: [...options.layers],
        over: options.over ?? null,
        grid: options.grid ?? null,
        metric,
        direction: options.direction ?? 'denoise',
        confirm: options.confirm ?? 0,
      },
      seed: null,
      model: model.tfModel as tf.LayersModel,
    }),
  })
}

/** Options of {@link trace}. */
export interface TraceOptions extends Omit<PatchOptions, 'direction' | 'method' | 'confirm'> {
  /** Noise scale as a multiple of the inputs' standard deviation. Default 3 (ROME). */
  noise?: number
  seed?: number
}

/**
 * Causal tracing: corrupt the clean inputs with Gaussian noise (3x their standard deviation by default,
 * seeded) and restore one layer's cell at a time, measuring how much of the clean prediction returns.
 * The window is one layer (the engine patches a layer per variant).
 *
 * @example
 * const trace = gw.trace(model, images, { layers: ['conv2d_1', 'conv2d_2'], grid: 5 })
 */
export function trace(model: GlasswingModel, inputs: tf.Tensor, options: TraceOptions): PatchingResult {
  const noise = options.noise ?? 3
  if (typeof noise !== 'number' || !(noise > 0))
    throw new GlasswingError({
      where: 'gw.trace',
      argument: 'options.noise',
      expected: 'a positive multiple of the input std',
      received: describeValue(noise),
    })
  if (!(inputs instanceof tf.Tensor) || inputs.isDisposed)
    throw new GlasswingError({
      where: 'gw.trace',
      argument: 'inputs',
      expected: 'a live tensor of inputs',
      received: describeValue(inputs),
    })
  const random = seededRandom(options.seed ?? 0)
  const corrupt = tf.tidy(() => {
    const std = tf.moments(inputs).variance.sqrt().dataSync()[0]!
    const values = new Float32Array(inputs.size)
    for (let i = 0; i < values.length; i += 2) {
      const [u, v] = [Math.max(random(), 1e-12), random()]
      const r = Math.sqrt(-2 * Math.log(u))
      values[i] = r * Math.cos(2 * Math.PI * v)
      if (i + 1 < values.length) values[i + 1] = r * Math.sin(2 * Math.PI * v)
    }
    return inputs.add(tf.tensor(values, inputs.shape).mul(noise * std))
  })
  try {
    return patch(
      model,
      { clean: inputs, corrupt },
      { ...options, direction: 'denoise', metric: options.metric ?? 'probability' },
    )
  } finally {
    corrupt.dispose()
  }
}

function prepare(
  model: GlasswingModel,
  pair: { clean: tf.Tensor; corrupt: tf.Tensor },
  options: PatchOptions,
  where: string,
): Prepared {
  if (
    typeof options !== 'object' ||
    options === null ||
    !Array.isArray(options.layers) ||
    options.layers.length === 0
  )
    throw new GlasswingError({
      where,
      argument: 'options.layers',
      expected: 'a non-empty list of layer names',
      received: describeValue(options?.layers),
      hint: `Pick from model.layerNames, for example ['${model.layerNames[0]}'].`,
    })
  if (
    typeof pair !== 'object' ||
    pair === null ||
    !(pair.clean instanceof tf.Tensor) ||
    !(pair.corrupt instanceof tf.Tensor)
  )
    throw new GlasswingError({
      where,
      argument: 'pair',
      expected: '{ clean, corrupt } tensors',
      received: describeValue(pair),
      hint: 'Pass gw.patch(model, { clean, corrupt }, options).',
    })
  if (pair.clean.shape.join() !== pair.corrupt.shape.join())
    throw new GlasswingError({
      where,
      argument: 'pair.corrupt',
      expected: `the clean inputs' shape [${pair.clean.shape.join(', ')}]`,
      received: describeValue(pair.corrupt),
      hint: 'Pair every clean input with one corrupted input of the same shape.',
    })
  if (options.metric !== undefined && !PATCH_METRICS.includes(options.metric))
    throw new GlasswingError({
      where,
      argument: 'options.metric',
      expected: `one of ${PATCH_METRICS.map((m) => `'${m}'`).join(', ')}`,
      received: describeValue(options.metric),
    })
  if (options.method !== undefined && options.method !== 'patch' && options.method !== 'attribution')
    throw new GlasswingError({
      where,
      argument: 'options.method',
      expected: "'patch' or 'attribution'",
      received: describeValue(options.method),
    })
  const shapes = options.layers.map((layer, i) => {
    checkLayerName(layer, model.layerNames, where, `options.layers[${i}]`)
    return tf.tidy(() => model.activations(pair.clean.slice([0], [1]), layer)[layer]!.shape.slice(1))
  })
  const over: SweepAxis =
    options.over ?? (shapes[0]!.length === 3 ? 'cells' : shapes[0]!.length === 2 ? 'positions' : 'units')
  const grid =
    options.grid ?? Math.min(7, ...shapes.filter((s) => s.length === 3).map((s) => Math.min(s[0]!, s[1]!)))
  const columnsPerLayer = options.layers.map((layer, i) => sweepColumns(shapes[i]!, over, grid, where, layer))
  const widest = columnsPerLayer.reduce((a, b) => (b.length > a.length ? b : a))
  const cells = columnsPerLayer.flatMap((columns, row) =>
    columns.map((column, col) => ({ layer: options.layers[row]!, column, row, col })),
  )
  const [cleanOut, corruptOut] = tf.tidy(() => {
    const a = model.predict(pair.clean)
    return [a.reshape([a.shape[0]!, -1]), model.predict(pair.corrupt).reshape([a.shape[0]!, -1])]
  })
  const clean = cleanOut.arraySync() as number[][]
  const corrupt = corruptOut.arraySync() as number[][]
  tf.dispose([cleanOut, corruptOut])
  const logProbabilities = clean.every(
    (row) => row.every((v) => v >= 0) && Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3,
  )
  const examples = clean.length
  const classes = clean[0]!.length
  const perExample = (
    given: number | readonly number[] | undefined,
    fallback: (i: number) => number,
    argument: string,
  ) =>
    Int32Array.from({ length: examples }, (_, i) => {
      const value = given === undefined ? fallback(i) : typeof given === 'number' ? given : given[i]
      if (!Number.isInteger(value) || value! < 0 || value! >= classes)
        throw new GlasswingError({
          where,
          argument,
          expected: `class indices in 0..${classes - 1}, one per example or one for all`,
          received: describeValue(typeof given === 'number' ? given : value),
        })
      return value!
    })
  const argmax = (row: number[], skip = -1) =>
    row.reduce((best, v, k) => (k !== skip && (best < 0 || v > row[best]!) ? k : best), -1)
  const target = perExample(options.target, (i) => argmax(clean[i]!), 'options.target')
  const foil = perExample(
    options.foil,
    (i) => {
      const c = argmax(corrupt[i]!)
      return c !== target[i] ? c : argmax(corrupt[i]!, target[i]!)
    },
    'options.foil',
  )
  return {
    rows: [...options.layers],
    columns: widest.map((c) => c.label),
    cells,
    target,
    foil,
    logProbabilities,
  }
}

/** Logits as measured rows; a softmax model's probabilities become log-probabilities (differences of logits). */
function measureFor(logProbabilities: boolean): (output: tf.Tensor) => tf.Tensor2D {
  return (output) => {
    const flat = output.reshape([output.shape[0]!, -1]) as tf.Tensor2D
    return logProbabilities ? (flat.clipByValue(1e-30, 1).log() as tf.Tensor2D) : flat
  }
}

/**
 * Attribution patching: per example, the metric's gradient at the base run times the activation
 * difference (donor - base), summed over each cell. Linear in the activation change, so exact when
 * the readout after the layer is linear; turned into the chosen metric around the corrupted run.
 */
function attributionEstimate(
  model: GlasswingModel,
  pair: { clean: tf.Tensor; corrupt: tf.Tensor },
  options: PatchOptions,
  prepared: Prepared,
  metric: PatchMetric,
  where: string,
): number[][] {
  if (metric !== 'logit-diff' && metric !== 'recovery')
    throw new GlasswingError({
      where,
      argument: 'options.metric',
      expected: "'logit-diff' or 'recovery' with method 'attribution' (it estimates a logit difference)",
      received: `'${metric}'`,
      hint: "Use metric: 'recovery', or method: 'patch'.",
    })
  model.requireGradients(where, 'attribution patching')
  const noise = options.direction === 'noise'
  const [base, donor] = noise ? [pair.clean, pair.corrupt] : [pair.corrupt, pair.clean]
  const examples = base.shape[0]!
  const batchSize = options.batchSize ?? 128
  const measure = measureFor(prepared.logProbabilities)
  const sums = prepared.rows.map(() => prepared.columns.map(() => 0))
  const counts = prepared.rows.map(() => prepared.columns.map(() => 0))
  for (const [row, layer] of prepared.rows.entries()) {
    const cells = prepared.cells.filter((c) => c.row === row)
    const shape = tf.tidy(() => model.activations(base.slice([0], [1]), layer)[layer]!.shape.slice(1))
    const masks = cells.map((c) => whereMask(c.column.where, shape, where, `options.layers[${row}]`))
    try {
      const stackedMasks = tf.stack(masks) // [cells, ...shape]
      try {
        for (let first = 0; first < examples; first += batchSize) {
          throwIfInterrupted(where, { done: first, total: examples, unit: 'examples' })
          const n = Math.min(batchSize, examples - first)
          const [contributions, span] = tf.tidy(() => {
            const x = base.slice([first], [n])
            const split = model.split(layer)
            const a = split.head(x)
            const d = split.head(donor.slice([first], [n]))
            const select = (t: tf.Tensor, index: Int32Array) =>
              tf
                .oneHot(tf.tensor1d(index.subarray(first, first + n), 'int32'), t.shape[1]!)
                .mul(t)
                .sum(1)
            const diffOf = (o: tf.Tensor) => {
              const m = measure(o)
              return select(m, prepared.target).sub(select(m, prepared.foil))
            }
            const gradient = tf.grad((act: tf.Tensor) => diffOf(split.tail(act, x)).sum())(a)
            const product = gradient.mul(d.sub(a)) // [n, ...shape]
            const flatProduct = product.reshape([n, -1])
            const flatMasks = stackedMasks.reshape([cells.length, -1])
            const contributions = flatProduct.matMul(flatMasks, false, true) // [n, cells]
            const clean = diffOf(model.predict(pair.clean.slice([first], [n])))
            const corrupt = diffOf(model.predict(pair.corrupt.slice([first], [n])))
            return [contributions, tf.stack([clean, corrupt, noise ? clean : corrupt], 1)]
          })
          const c = contributions.arraySync() as number[][]
          const d = span.arraySync() as number[][]
          tf.dispose([contributions, span])
          for (let i = 0; i < n; i++) {
            const [clean, corrupt, baseDiff] = d[i]!
            cells.forEach((cell, k) => {
              // The estimated patched difference: the base run's, plus the first-order change.
              const estimate = baseDiff! + c[i]![k]!
              const value =
                metric === 'logit-diff'
                  ? estimate
                  : Math.abs(clean! - corrupt!) < 1e-12
                    ? NaN
                    : (estimate - corrupt!) / (clean! - corrupt!)
              sums[row]![cell.col]! += Number.isFinite(value) ? value : 0
              counts[row]![cell.col]! += Number.isFinite(value) ? 1 : 0
            })
          }
        }
      } finally {
        stackedMasks.dispose()
      }
    } finally {
      tf.dispose(masks)
    }
  }
  return sums.map((row, r) => row.map((sum, c) => (counts[r]![c]! ? sum / counts[r]![c]! : NaN)))
}

function mean(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v))
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN
}
