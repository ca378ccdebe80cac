/**
 * The intervention engine: one `patch` primitive that every ablation, activation-patching and
 * causal-tracing call runs on. A patch replaces part of one layer's activation (see {@link PatchWhere})
 * with values from a source (zeros, a mean, a resampled example, the other input of a clean/corrupted
 * pair, a constant, a tensor), then runs the rest of the model. Many patch variants are stacked along the
 * batch axis, so a sweep of hundreds of patches is a few forward passes, not one per index; variants go
 * through in chunks sized by an element budget, so memory stays bounded however long the sweep is.
 *
 * How it runs, per layer and per batch of examples: the model's head runs once on the batch (and once
 * per source that needs another input), every variant's patched activation is `a * (1 - m) + r * m`
 * (m its 0/1 mask, r its source's activation), V variants are concatenated to V x n rows and fed to the
 * model's tail in one pass, and `measure` reduces each output row to a few numbers before the next
 * chunk. Only those numbers leave the engine.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model'
import { checkLayerName } from '../model'
import { seededRandom } from '../data/random'
import { throwIfInterrupted } from '../session/interrupt'
import { whereMask, type PatchWhere } from './where'

export { cellMask, describeWhere, type PatchWhere } from './where'

/**
 * What replaces the selected activations.
 * - `'zero'`: zeros (zero ablation).
 * - `'mean'`: the mean activation over `reference` (mean ablation).
 * - `'resample'`: the activation of a seeded random example of `reference` (resample ablation).
 * - `'clean'` / `'corrupt'`: the same example's activation on the clean or corrupted input of a pair.
 * - a number: that constant.
 * - a tensor: one example's activation shape (broadcast to every example) or [examples, ...] (one per example).
 */
export type PatchSource = 'zero' | 'mean' | 'resample' | 'clean' | 'corrupt' | number | tf.Tensor

/** One patch: a layer, the part of it to replace, and what to replace it with. */
export interface PatchVariant {
  /** A name from `model.layerNames`. */
  layer: string
  /** The part of the activation to replace; all of it when left out. */
  where?: PatchWhere
  /** Defaults to the other input of the pair ('clean' when denoising, 'corrupt' when noising), else 'zero'. */
  source?: PatchSource
  /** A label for tables; defaults to `layer: where`. */
  label?: string
}

/**
 * Which input the patched model runs on. `{ inputs }` for ablation. For a clean/corrupted pair,
 * `'denoise'` (the default) runs the corrupted input and patches clean activations in (does restoring
 * this part restore the behaviour?); `'noise'` runs the clean input and patches corrupted activations in
 * (does breaking this part break it?).
 */
export type PatchInputs =
  | { inputs: tf.Tensor; clean?: undefined; corrupt?: undefined; direction?: undefined }
  | { inputs?: undefined; clean: tf.Tensor; corrupt: tf.Tensor; direction?: 'denoise' | 'noise' }

/** Options of {@link runPatches}. */
export interface RunPatchesOptions {
  /** Inputs for the 'mean' and 'resample' sources; defaults to the inputs the model runs on. */
  reference?: tf.Tensor
  /** Seed of the 'resample' source. Default 0. */
  seed?: number
  /** Examples per pass. Default 128. */
  batchSize?: number
  /**
   * Most activation elements fed to the tail in one pass (variants x examples x one example's
   * activation size); bounds memory. Default 2^23 (32 MiB of float32). At least one variant per pass.
   */
  maxElements?: number
  /**
   * Reduces the model's output for a block of rows to [rows, width] numbers. Default: the output
   * flattened per row (logits, or probabilities when the model ends in a softmax).
   */
  measure?: (output: tf.Tensor) => tf.Tensor2D
  /** The public function calling, for errors and interrupts. Default 'gw.patch'. */
  caller?: string
}

/** What {@link runPatches} returns: measured numbers, no tensors. */
export interface PatchRun {
  variants: PatchVariant[]
  examples: number
  /** Numbers per example that `measure` returns. */
  width: number
  /** The unpatched model on the inputs it runs on: [examples x width], row-major. */
  baseline: Float32Array
  /** With a pair: the unpatched model on the clean and on the corrupted inputs. */
  clean: Float32Array | null
  corrupt: Float32Array | null
  /** [variants x examples x width], row-major. */
  values: Float32Array
  /** Forward passes of the model's tail (the batched patch passes). */
  passes: number
  /** Measured numbers of variant `v` on example `i`. */
  at(v: number, i: number): Float32Array
}

/**
 * Runs every patch in `variants` and measures the model after each, batched along the batch axis.
 *
 * @example
 * // Denoising sweep over every cell of a 7x7 conv layer, metric read off the logits afterwards.
 * const variants = []
 * for (let r = 0; r < 7; r++) for (let c = 0; c < 7; c++)
 *   variants.push({ layer: 'conv2d_2', where: { spatial: cellMask(7, 7, r, c) } })
 * const run = runPatches(model, variants, { clean, corrupt })
 * run.at(0, 5)  // the logits of example 5 with cell (0, 0) restored
 */
export function runPatches(
  model: GlasswingModel,
  variants: readonly PatchVariant[],
  inputs: PatchInputs,
  options: RunPatchesOptions = {},
): PatchRun {
  const caller = options.caller ?? 'gw.patch'
  const pair = inputs.inputs === undefined
  const direction = inputs.direction ?? 'denoise'
  const base = checkTensor(
    pair ? (direction === 'noise' ? inputs.clean : inputs.corrupt) : inputs.inputs,
    caller,
    pair ? (direction === 'noise' ? 'clean' : 'corrupt') : 'inputs',
  )
  if (pair) {
    checkTensor(inputs.clean, caller, 'clean')
    checkTensor(inputs.corrupt, caller, 'corrupt')
    if (!sameShape(inputs.clean!.shape, inputs.corrupt!.shape))
      throw new GlasswingError({
        where: caller,
        argument: 'corrupt',
        expected: `the clean inputs' shape [${inputs.clean!.shape.join(', ')}] (one corrupted input per clean one)`,
        received: describeValue(inputs.corrupt),
        hint: 'Pair every clean input with one corrupted input of the same shape.',
      })
  }
  if (!Array.isArray(variants) || variants.length === 0)
    throw new GlasswingError({
      where: caller,
      argument: 'variants',
      expected: 'a non-empty list of patches { layer, where, source }',
      received: describeValue(variants),
      hint: 'Select at least one layer and part of it to patch.',
    })
  const reference = options.reference ?? base
  const batchSize = positiveInteger(options.batchSize ?? 128, caller, 'options.batchSize')
  const maxElements = positiveInteger(options.maxElements ?? 2 ** 23, caller, 'options.maxElements')
  const measure =
    options.measure ?? ((output: tf.Tensor) => output.reshape([output.shape[0]!, -1]) as tf.Tensor2D)
  const examples = base.shape[0]!

  // Normalise once: layer names, sources and masks are checked before any pass runs.
  const shapes = new Map<string, number[]>()
  const resolved = variants.map((variant, v) => {
    const argument = `variants[${v}]`
    if (typeof variant !== 'object' || variant === null)
      throw new GlasswingError({
        where: caller,
        argument,
        expected: 'a patch { layer, where, source }',
        received: describeValue(variant),
      })
    checkLayerName(variant.layer, model.layerNames, caller, `${argument}.layer`)
    let shape = shapes.get(variant.layer)
    if (!shape) {
      shape = model
        .layerShape(variant.layer)
        .slice(1)
        .map((d) => d ?? -1)
      if (shape.some((d) => d < 0)) shape = probeShape(model, variant.layer, base)
      shapes.set(variant.layer, shape)
    }
    const source = variant.source ?? (pair ? (direction === 'noise' ? 'corrupt' : 'clean') : 'zero')
    checkSource(source, pair, shape, examples, caller, `${argument}.source`)
    return {
      variant,
      index: v,
      source,
      mask: whereMask(variant.where ?? {}, shape, caller, `${argument}.where`),
    }
  })

  const width = { value: -1 }
  let baseline: Float32Array | null = null
  let cleanOut: Float32Array | null = null
  let corruptOut: Float32Array | null = null
  let values: Float32Array | null = null
  let passes = 0
  const means = new Map<string, tf.Tensor>()
  const random = seededRandom(options.seed ?? 0)
  const resampleRows = Int32Array.from({ length: examples }, () => Math.floor(random() * reference.shape[0]!))
  try {
    for (const r of resolved)
      if (r.source === 'mean' && !means.has(r.variant.layer))
        means.set(r.variant.layer, meanActivation(model, r.variant.layer, reference, batchSize, caller))
    const layers = [...new Set(resolved.map((r) => r.variant.layer))]
    for (let first = 0; first < examples; first += batchSize) {
      throwIfInterrupted(caller, { done: first, total: examples, unit: 'examples' })
      const n = Math.min(batchSize, examples - first)
      const batch = (t: tf.Tensor) => t.slice([first], [n])
      // Unpatched outputs of this batch (base, and clean/corrupt with a pair).
      const unpatched = tf.tidy(() => {
        const outs = [measure(model.predict(batch(base)))]
        if (pair)
          outs.push(
            measure(model.predict(batch(inputs.clean!))),
            measure(model.predict(batch(inputs.corrupt!))),
          )
        return outs
      })
      const unpatchedData = unpatched.map((t) => t.dataSync() as Float32Array)
      tf.dispose(unpatched)
      if (width.value < 0) {
        width.value = unpatchedData[0]!.length / n
        baseline = new Float32Array(examples * width.value)
        if (pair) {
          cleanOut = new Float32Array(examples * width.value)
          corruptOut = new Float32Array(examples * width.value)
        }
        values = new Float32Array(variants.length * examples * width.value)
      }
      const w = width.value
      baseline!.set(unpatchedData[0]!, first * w)
      if (pair) {
        cleanOut!.set(unpatchedData[1]!, first * w)
        corruptOut!.set(unpatchedData[2]!, first * w)
      }
      for (const layer of layers) {
        const group = resolved.filter((r) => r.variant.layer === layer)
        const split = model.split(layer)
        const perExample = shapes.get(layer)!.reduce((a, b) => a * b, 1)
        const perPass = Math.max(1, Math.floor(maxElements / (perExample * n)))
        // The activations this batch needs at this layer, computed once for all its variants.
        const activations = tf.tidy(() => {
          const found: Record<string, tf.Tensor> = { base: split.head(batch(base)) }
          for (const r of group) {
            const key = sourceKey(r.source)
            if (found[key]) continue
            found[key] = replacement(
              r.source,
              key,
              split.head,
              batch,
              inputs,
              reference,
              resampleRows,
              first,
              n,
              means.get(layer),
              found.base!,
            )
          }
          return found
        })
        try {
          for (let start = 0; start < group.length; start += perPass) {
            throwIfInterrupted(caller, {
              done: first * variants.length + start,
              total: examples * variants.length,
              unit: 'patches',
            })
            const chunk = group.slice(start, start + perPass)
            const measured = tf.tidy(() => {
              const a = activations.base!
              const patched = tf.concat(
                chunk.map((r) => {
                  const m = r.mask.expandDims(0)
                  return a.mul(tf.onesLike(m).sub(m)).add(activations[sourceKey(r.source)]!.mul(m))
                }),
              )
              const repeated = tf.concat(chunk.map(() => batch(base)))
              return measure(split.tail(patched, repeated))
            })
            const data = measured.dataSync() as Float32Array
            measured.dispose()
            passes++
            chunk.forEach((r, k) => {
              for (let i = 0; i < n; i++)
                values!.set(
                  data.subarray((k * n + i) * w, (k * n + i + 1) * w),
                  (r.index * examples + first + i) * w,
                )
            })
          }
        } finally {
          tf.dispose(activations)
        }
      }
    }
  } finally {
    tf.dispose(resolved.map((r) => r.mask))
    tf.dispose([...means.values()])
  }
  const w = width.value
  const finalValues = values!
  return {
    variants: [...variants],
    examples,
    width: w,
    baseline: baseline!,
    clean: cleanOut,
    corrupt: corruptOut,
    values: finalValues,
    passes,
    at: (v, i) => finalValues.subarray((v * examples + i) * w, (v * examples + i + 1) * w),
  }
}

function sourceKey(source: PatchSource): string {
  if (typeof source === 'number') return `constant:${source}`
  if (source instanceof tf.Tensor) return `tensor:${source.id}`
  return source
}

function replacement(
  source: PatchSource,
  key: string,
  head: (x: tf.Tensor) => tf.Tensor,
  batch: (t: tf.Tensor) => tf.Tensor,
  inputs: PatchInputs,
  reference: tf.Tensor,
  resampleRows: Int32Array,
  first: number,
  n: number,
  mean: tf.Tensor | undefined,
  base: tf.Tensor,
): tf.Tensor {
  if (source === 'zero') return tf.zerosLike(base)
  if (typeof source === 'number') return tf.fill(base.shape, source)
  if (source === 'mean') return tf.zerosLike(base).add(mean!)
  if (source === 'clean') return head(batch(inputs.clean!))
  if (source === 'corrupt') return head(batch(inputs.corrupt!))
  if (source === 'resample')
    return head(tf.gather(reference, tf.tensor1d(resampleRows.subarray(first, first + n), 'int32')))
  void key
  const given = source as tf.Tensor
  return given.rank === base.rank ? given.slice([first], [n]).cast('float32') : tf.zerosLike(base).add(given)
}

/** Per-feature mean activation of `layer` over `reference`, in batches. Kept: the caller disposes it. */
function meanActivation(
  model: GlasswingModel,
  layer: string,
  reference: tf.Tensor,
  batchSize: number,
  caller: string,
): tf.Tensor {
  let sum: tf.Tensor | null = null
  const count = reference.shape[0]!
  for (let first = 0; first < count; first += batchSize) {
    throwIfInterrupted(caller, { done: first, total: count, unit: 'reference examples' })
    const n = Math.min(batchSize, count - first)
    const next: tf.Tensor = tf.tidy(() => {
      const part = model.activations(reference.slice([first], [n]), layer)[layer]!.sum(0)
      return sum ? sum.add(part) : part
    })
    sum?.dispose()
    sum = next
  }
  const mean = tf.tidy(() => sum!.div(count))
  sum!.dispose()
  return mean
}

function probeShape(model: GlasswingModel, layer: string, base: tf.Tensor): number[] {
  return tf.tidy(() => model.activations(base.slice([0], [1]), layer)[layer]!.shape.slice(1))
}

function checkSource(
  source: PatchSource,
  pair: boolean,
  shape: number[],
  examples: number,
  caller: string,
  argument: string,
): void {
  const named = ['zero', 'mean', 'resample', 'clean', 'corrupt']
  if (typeof source === 'number' && Number.isFinite(source)) return
  if (source instanceof tf.Tensor) {
    if (source.isDisposed)
      throw new GlasswingError({
        where: caller,
        argument,
        expected: 'a live tensor',
        received: 'a disposed tensor',
        hint: 'Pass a tensor that has not been disposed.',
      })
    const perExample = sameShape(source.shape, shape)
    const perRow = source.shape[0] === examples && sameShape(source.shape.slice(1), shape)
    if (perExample || perRow) return
    throw new GlasswingError({
      where: caller,
      argument,
      expected: `a tensor of one example's activation shape [${shape.join(', ')}] or [${examples}, ${shape.join(', ')}]`,
      received: describeValue(source),
      hint: 'Read a layer activation with model.activations to get the shape right.',
    })
  }
  if (typeof source === 'string' && named.includes(source)) {
    if ((source === 'clean' || source === 'corrupt') && !pair)
      throw new GlasswingError({
        where: caller,
        argument,
        expected: `'zero', 'mean', 'resample', a number or a tensor when there is no clean/corrupted pair`,
        received: `'${source}'`,
        hint: 'Pass { clean, corrupt } to patch between a pair.',
      })
    return
  }
  throw new GlasswingError({
    where: caller,
    argument,
    expected: `one of ${named.map((s) => `'${s}'`).join(', ')}, a finite number or a tensor`,
    received: describeValue(source),
    hint: "Use 'zero' for zero ablation or 'clean' to restore clean activations.",
  })
}

function checkTensor(value: unknown, caller: string, argument: string): tf.Tensor {
  if (!(value instanceof tf.Tensor) || value.isDisposed || value.rank < 1 || value.shape[0] === 0)
    throw new GlasswingError({
      where: caller,
      argument,
      expected: 'a live tensor with a batch axis and at least one example',
      received: value instanceof tf.Tensor && value.isDisposed ? 'a disposed tensor' : describeValue(value),
      hint: 'Pass a batch of inputs, for example images.slice(0, 64).',
    })
  return value
}

function positiveInteger(value: unknown, caller: string, argument: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value
  throw new GlasswingError({
    where: caller,
    argument,
    expected: 'a positive integer',
    received: describeValue(value),
  })
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}
