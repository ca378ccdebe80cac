/**
 * gw.ablate: ablation studies over a labelled data set. Each unit (or channel) alone, or named groups
 * of units across layers ("pathways"), set to zero, their mean, or a resampled example's value; reported
 * as the overall accuracy change, the units x classes matrix of per-class accuracy change (Zhou et al.
 * 2018: a unit with a small overall but large per-class effect is flagged), and the change of the true
 * class's logit. gw.ablate.flip: the greedy smallest set of units whose ablation flips a class.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { checkLayerName, type GlasswingModel } from '../model'
import { makeProvenance } from '../display/provenance'
import { seededRandom } from '../data/random'
import { throwIfInterrupted } from '../session/interrupt'
import { runPatches, type PatchVariant } from './engine'
import { AblationStudy, type FlipSearch } from './ablation-result'
import { whereMask } from './where'

/** How ablated activations are replaced. */
export type AblationMode = 'zero' | 'mean' | 'resample'

/** One part of a pathway: units (last-axis indices) of one layer. */
export interface PathwayPart {
  layer: string
  units: readonly number[]
}

/** Options of {@link ablate}. */
export interface AblateOptions {
  /** Ablate each of `units` of this layer alone. */
  layer?: string
  /** Default: every unit (channel) of `layer`. */
  units?: readonly number[]
  /** Named groups ablated together, across layers: `{ watermark: [{ layer: 'conv2d_1', units: [3] }, ...] }`. */
  pathways?: Readonly<Record<string, readonly PathwayPart[]>>
  /** Default 'zero'. */
  mode?: AblationMode
  /** Inputs whose activations give the 'mean' and 'resample' values; default the data itself. */
  reference?: tf.Tensor
  seed?: number
  batchSize?: number
  classNames?: readonly string[]
  /** Flag units whose |overall change| is below this ... Default 0.01. */
  overallBelow?: number
  /** ... while some class changes by more than this. Default 0.05. */
  classAbove?: number
}

interface Data {
  inputs: tf.Tensor
  labels: Int32Array
}

/**
 * An ablation study of `model` on `data` (`inputs` and integer `labels`).
 *
 * @example
 * const study = gw.ablate(model, { inputs: images, labels }, { layer: 'conv2d_1', mode: 'mean' })
 * study            // units x classes heatmap of per-class accuracy change; flagged units starred
 * study.flagged    // ['unit 5']: small overall, large for one class
 */
export function ablate(
  model: GlasswingModel,
  data: { inputs: tf.Tensor; labels: tf.Tensor | readonly number[] },
  options: AblateOptions,
): AblationStudy {
  const where = 'gw.ablate'
  const started = performance.now()
  const { inputs, labels } = checkData(data, where)
  const mode = checkMode(options?.mode, where)
  if (!options || (options.layer === undefined && options.pathways === undefined))
    throw new GlasswingError({
      where,
      argument: 'options',
      expected: 'options.layer (units one by one) or options.pathways (named groups)',
      received: describeValue(options),
      hint: "Pass { layer: 'conv2d_1' }.",
    })
  const rows: string[] = []
  const outputs: Float32Array[] = [] // per row: [examples x classes] measured outputs
  let baseline: Float32Array | null = null
  let classes = 0
  const measure = logitsMeasure(model, inputs)
  if (options.layer !== undefined) {
    checkLayerName(options.layer, model.layerNames, where, 'options.layer')
    const width = unitCount(model, options.layer, inputs)
    const units = options.units ?? Array.from({ length: width }, (_, i) => i)
    if (!Array.isArray(units) || units.length === 0)
      throw new GlasswingError({
        where,
        argument: 'options.units',
        expected: 'a non-empty list of unit indices',
        received: describeValue(units),
        hint: 'Leave units out to ablate every unit of the layer.',
      })
    const variants: PatchVariant[] = units.map((u) => ({
      layer: options.layer!,
      where: { units: [u] },
      source: mode,
      label: `unit ${u}`,
    }))
    const run = runPatches(
      model,
      variants,
      { inputs },
      {
        reference: options.reference,
        seed: options.seed,
        batchSize: options.batchSize,
        measure,
        caller: where,
      },
    )
    baseline = run.baseline
    classes = run.width
    units.forEach((u, v) => {
      rows.push(`unit ${u}`)
      outputs.push(run.values.subarray(v * run.examples * run.width, (v + 1) * run.examples * run.width))
    })
  }
  if (options.pathways !== undefined) {
    if (
      typeof options.pathways !== 'object' ||
      options.pathways === null ||
      Object.keys(options.pathways).length === 0
    )
      throw new GlasswingError({
        where,
        argument: 'options.pathways',
        expected: 'named groups { name: [{ layer, units }] }',
        received: describeValue(options.pathways),
        hint: "Pass { watermark: [{ layer: 'conv2d_1', units: [3] }] }.",
      })
    const names = Object.keys(options.pathways)
    const result = runPathways(
      model,
      names.map((n) => options.pathways![n]!),
      inputs,
      mode,
      options,
      measure,
      where,
    )
    baseline ??= result.baseline
    classes = result.classes
    names.forEach((name, k) => {
      rows.push(name)
      outputs.push(result.outputs[k]!)
    })
  }
  return new AblationStudy({
    ...summarize(rows, outputs, baseline!, labels, classes, options),
    mode,
    examples: labels.length,
    seconds: (performance.now() - started) / 1000,
    provenance: makeProvenance({
      method: 'ablation',
      parameters: {
        layer: options.layer ?? null,
        units: options.units ? [...options.units] : null,
        pathways: options.pathways ? Object.keys(options.pathways) : null,
        mode,
      },
      seed: options.seed ?? null,
      model: model.tfModel as tf.LayersModel,
    }),
  })
}

/** Options of {@link flipSet}. */
export interface FlipOptions {
  layer: string
  /** The class to flip: examples of it, predicted correctly, are the ones measured. */
  target: number
  /** Stop when the class's accuracy on them falls below this. Default 0.5. */
  below?: number
  /** Most units to add. Default 16. */
  maxUnits?: number
  mode?: AblationMode
  batchSize?: number
}

/**
 * The greedy smallest set of units of `layer` whose ablation flips class `target`: each step ablates the
 * set found so far plus each remaining unit (one batched engine call) and keeps the unit that lowers the
 * class's accuracy most (ties: its logit).
 *
 * @example
 * gw.ablate.flip(model, { inputs, labels }, { layer: 'conv2d_2', target: 7 })  // { units: [3, 11], accuracy: 0.31 }
 */
export function flipSet(
  model: GlasswingModel,
  data: { inputs: tf.Tensor; labels: tf.Tensor | readonly number[] },
  options: FlipOptions,
): FlipSearch {
  const where = 'gw.ablate.flip'
  const { inputs, labels } = checkData(data, where)
  checkLayerName(options?.layer, model.layerNames, where, 'options.layer')
  const mode = checkMode(options.mode, where)
  const width = unitCount(model, options.layer, inputs)
  const measure = logitsMeasure(model, inputs)
  const predictions = tf.tidy(() => measure(model.predict(inputs)).argMax(1).dataSync() as Int32Array)
  const rows = Array.from(labels.keys()).filter(
    (i) => labels[i] === options.target && predictions[i] === options.target,
  )
  if (rows.length === 0)
    throw new GlasswingError({
      where,
      argument: 'options.target',
      expected: 'a class with correctly predicted examples in the data',
      received: describeValue(options.target),
      hint: 'Pick a class present in the labels.',
    })
  const below = options.below ?? 0.5
  const maxUnits = options.maxUnits ?? 16
  const subset = tf.gather(inputs, tf.tensor1d(Int32Array.from(rows), 'int32'))
  try {
    const chosen: number[] = []
    const history: { unit: number; accuracy: number }[] = []
    let accuracy = 1
    while (accuracy >= below && chosen.length < Math.min(maxUnits, width)) {
      throwIfInterrupted(where, { done: chosen.length, total: maxUnits, unit: 'units' })
      const candidates = Array.from({ length: width }, (_, u) => u).filter((u) => !chosen.includes(u))
      const run = runPatches(
        model,
        candidates.map((u) => ({ layer: options.layer, where: { units: [...chosen, u] }, source: mode })),
        { inputs: subset },
        { batchSize: options.batchSize, measure, caller: where },
      )
      let best = { unit: -1, accuracy: Infinity, logit: Infinity }
      candidates.forEach((u, v) => {
        let correct = 0
        let logit = 0
        for (let i = 0; i < rows.length; i++) {
          const row = run.at(v, i)
          let arg = 0
          for (let c = 1; c < row.length; c++) if (row[c]! > row[arg]!) arg = c
          correct += arg === options.target ? 1 : 0
          logit += row[options.target]! / rows.length
        }
        const acc = correct / rows.length
        if (acc < best.accuracy || (acc === best.accuracy && logit < best.logit))
          best = { unit: u, accuracy: acc, logit }
      })
      chosen.push(best.unit)
      accuracy = best.accuracy
      history.push({ unit: best.unit, accuracy })
    }
    return {
      layer: options.layer,
      target: options.target,
      units: chosen,
      accuracy,
      flipped: accuracy < below,
      examples: rows.length,
      history,
    }
  } finally {
    subset.dispose()
  }
}

/** Pathways: each a set of units over several layers, ablated together, layer by layer in execution order. */
function runPathways(
  model: GlasswingModel,
  pathways: (readonly PathwayPart[])[],
  inputs: tf.Tensor,
  mode: AblationMode,
  options: AblateOptions,
  measure: (o: tf.Tensor) => tf.Tensor2D,
  where: string,
) {
  const order = (layer: string) => model.layerNames.indexOf(layer)
  const layers = [
    ...new Set(
      pathways.flatMap((p, k) => {
        if (!Array.isArray(p) || p.length === 0)
          throw new GlasswingError({
            where,
            argument: `options.pathways (group ${k})`,
            expected: 'a non-empty list of { layer, units }',
            received: describeValue(p),
          })
        return p.map((part, j) => {
          checkLayerName(part.layer, model.layerNames, where, `options.pathways (group ${k})[${j}].layer`)
          return part.layer
        })
      }),
    ),
  ].sort((a, b) => order(a) - order(b))
  const reference = options.reference ?? inputs
  const examples = inputs.shape[0]!
  const batchSize = options.batchSize ?? 128
  const random = seededRandom(options.seed ?? 0)
  const resampleRows = Int32Array.from({ length: examples }, () => Math.floor(random() * reference.shape[0]!))
  const masks = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {}
    for (const layer of layers) {
      const shape = model.activations(inputs.slice([0], [1]), layer)[layer]!.shape.slice(1)
      out[layer] = tf.stack(
        pathways.map((p, k) => {
          const parts = p.filter((part) => part.layer === layer)
          if (!parts.length) return tf.zeros(shape)
          return whereMask(
            { units: parts.flatMap((part) => [...part.units]) },
            shape,
            where,
            `options.pathways (group ${k}).units`,
          )
        }),
      ) // [pathways, ...shape]
    }
    return out
  })
  const means =
    mode === 'mean'
      ? tf.tidy(() => {
          const out: Record<string, tf.Tensor> = {}
          const acts = model.activations(reference, layers)
          for (const layer of layers) out[layer] = acts[layer]!.mean(0)
          return out
        })
      : {}
  const V = pathways.length
  let baseline: Float32Array | null = null
  let classes = 0
  const outputs: Float32Array[] = []
  try {
    for (let first = 0; first < examples; first += batchSize) {
      throwIfInterrupted(where, { done: first, total: examples, unit: 'examples' })
      const n = Math.min(batchSize, examples - first)
      const [base, patched] = tf.tidy(() => {
        const x = inputs.slice([first], [n])
        const tiled = tf.concat(Array.from({ length: V }, () => x))
        const donors =
          mode === 'resample'
            ? model.activations(
                tf.gather(reference, tf.tensor1d(resampleRows.subarray(first, first + n), 'int32')),
                layers,
              )
            : null
        let feed: Record<string, tf.Tensor> = {}
        for (const [i, layer] of layers.entries()) {
          const a =
            i === 0
              ? tf.concat(Array.from({ length: V }, () => model.activations(x, layer)[layer]!))
              : model.run(tiled, { feed, capture: [layer] }).activations[layer]!
          const m = masks[layer]!.expandDims(1)
            .tile([1, n, ...a.shape.slice(1).map(() => 1)])
            .reshape(a.shape)
          const value =
            mode === 'zero'
              ? tf.zerosLike(a)
              : mode === 'mean'
                ? tf.zerosLike(a).add(means[layer]!)
                : tf.concat(Array.from({ length: V }, () => donors![layer]!))
          feed = { [layer]: a.mul(tf.onesLike(m).sub(m)).add(value.mul(m)) }
        }
        return [measure(model.predict(x)), measure(model.run(tiled, { feed }).output)]
      })
      const b = base.dataSync() as Float32Array
      const p = patched.dataSync() as Float32Array
      tf.dispose([base, patched])
      if (!baseline) {
        classes = b.length / n
        baseline = new Float32Array(examples * classes)
        for (let k = 0; k < V; k++) outputs.push(new Float32Array(examples * classes))
      }
      baseline.set(b, first * classes)
      for (let k = 0; k < V; k++)
        outputs[k]!.set(p.subarray(k * n * classes, (k + 1) * n * classes), first * classes)
    }
  } finally {
    tf.dispose(masks)
    tf.dispose(means)
  }
  return { baseline: baseline!, outputs, classes }
}

function summarize(
  rows: string[],
  outputs: Float32Array[],
  baseline: Float32Array,
  labels: Int32Array,
  classes: number,
  options: AblateOptions,
) {
  const n = labels.length
  const perClass = (out: Float32Array) => {
    const correct = new Float64Array(classes)
    const count = new Float64Array(classes)
    let total = 0
    let logit = 0
    for (let i = 0; i < n; i++) {
      const row = out.subarray(i * classes, (i + 1) * classes)
      let arg = 0
      for (let c = 1; c < classes; c++) if (row[c]! > row[arg]!) arg = c
      const hit = arg === labels[i] ? 1 : 0
      correct[labels[i]!] += hit
      count[labels[i]!] += 1
      total += hit
      logit += row[labels[i]!]!
    }
    return {
      accuracy: total / n,
      classAccuracy: Array.from(correct, (c, k) => (count[k] ? c / count[k]! : NaN)),
      logit: logit / n,
    }
  }
  const base = perClass(baseline)
  const studies = outputs.map(perClass)
  const overallBelow = options.overallBelow ?? 0.01
  const classAbove = options.classAbove ?? 0.05
  const classChange = studies.map((s) => s.classAccuracy.map((a, c) => a - base.classAccuracy[c]!))
  const accuracyChange = studies.map((s) => s.accuracy - base.accuracy)
  const flagged = rows.filter(
    (_, r) =>
      Math.abs(accuracyChange[r]!) < overallBelow && classChange[r]!.some((d) => Math.abs(d) > classAbove),
  )
  return {
    rows,
    classNames: options.classNames
      ? [...options.classNames]
      : Array.from({ length: classes }, (_, c) => String(c)),
    baselineAccuracy: base.accuracy,
    baselineClassAccuracy: base.classAccuracy,
    accuracyChange,
    classChange,
    targetLogitChange: studies.map((s) => s.logit - base.logit),
    flagged,
  }
}

function logitsMeasure(model: GlasswingModel, inputs: tf.Tensor): (output: tf.Tensor) => tf.Tensor2D {
  const isDistribution = tf.tidy(() => {
    const out = model.predict(inputs.slice([0], [Math.min(8, inputs.shape[0]!)]))
    const flat = out.reshape([out.shape[0]!, -1])
    return flat.min().dataSync()[0]! >= 0 && flat.sum(1).sub(1).abs().max().dataSync()[0]! < 1e-3
  })
  return (output) => {
    const flat = output.reshape([output.shape[0]!, -1]) as tf.Tensor2D
    return isDistribution ? (flat.clipByValue(1e-30, 1).log() as tf.Tensor2D) : flat
  }
}

function unitCount(model: GlasswingModel, layer: string, inputs: tf.Tensor): number {
  return tf.tidy(() => {
    const a = model.activations(inputs.slice([0], [1]), layer)[layer]!
    return a.shape[a.rank - 1]!
  })
}

function checkMode(mode: unknown, where: string): AblationMode {
  if (mode === undefined) return 'zero'
  if (mode === 'zero' || mode === 'mean' || mode === 'resample') return mode
  throw new GlasswingError({
    where,
    argument: 'options.mode',
    expected: "'zero', 'mean' or 'resample'",
    received: describeValue(mode),
    hint: "Use 'mean' to keep the layer's average signal.",
  })
}

function checkData(data: { inputs: tf.Tensor; labels: tf.Tensor | readonly number[] }, where: string): Data {
  if (
    typeof data !== 'object' ||
    data === null ||
    !(data.inputs instanceof tf.Tensor) ||
    data.inputs.isDisposed ||
    data.inputs.shape[0] === 0
  )
    throw new GlasswingError({
      where,
      argument: 'data.inputs',
      expected: 'a live tensor of inputs with at least one example',
      received: describeValue(data?.inputs),
      hint: 'Pass { inputs: images, labels }.',
    })
  const raw = data.labels instanceof tf.Tensor ? (data.labels.dataSync() as ArrayLike<number>) : data.labels
  if (
    !raw ||
    raw.length !== data.inputs.shape[0] ||
    !Array.from(raw).every((v) => Number.isInteger(v) && v >= 0)
  )
    throw new GlasswingError({
      where,
      argument: 'data.labels',
      expected: `${data.inputs.shape[0]} integer class labels (one per input)`,
      received: describeValue(data.labels),
      hint: 'Pass dataset labels as integer class indices.',
    })
  return { inputs: data.inputs, labels: Int32Array.from(raw) }
}
