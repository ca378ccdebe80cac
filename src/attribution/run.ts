/** The boundary every method goes through: normalize, resolve the target, compute in tf.tidy, collect. */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { makeProvenance } from '../display/provenance'
import { GlasswingError } from '../errors'
import type { GlasswingModel } from '../model'
import { releaseFailedTape } from '../model/tape'
import { Attribution, type ExamplePrediction } from './attribution'
import { attributeInBatches, pointsPerPass, predictInBatches, resolveBatchSize } from './batches'
import { checkCommonOptions } from './common-options'
import { createContext, rangeOf, type OutputCapture } from './context'
import type { RowSpan } from './draws'
import type { Recompute } from './live'
import { normalizeInputs, type InputLike } from './inputs'
import { noiseTunnel } from './noise-tunnel'
import { createRandom } from './random'
import {
  predictedClasses,
  readTargetTensor,
  resolveTarget,
  targetNeedsOutputs,
  type ResolvedTarget,
} from './target'
import type { AttributionMethod, CommonOptions } from './types'

/**
 * Runs one method on a model and inputs: the single path through which `gw.explain`, `gw.compare`
 * and wrappers compute. Nothing is left on the tfjs engine afterwards.
 *
 * @example
 * const a = await runAttribution(saliency, model, images, { target: 3 }, 'gw.explain')
 */
export async function runAttribution<Options extends object>(
  method: AttributionMethod<Options>,
  model: GlasswingModel,
  inputs: InputLike,
  options: Partial<Options> & CommonOptions,
  where: string,
): Promise<Attribution> {
  await ensureBackend()
  const effective =
    options.noise && !method.noiseTunnel
      ? (noiseTunnel(method) as unknown as AttributionMethod<Options>)
      : method
  try {
    return await compute(effective, model, inputs, options, `${where} (${method.name})`)
  } catch (error) {
    // A gradient that threw (a backend without the kernel) leaves the tensors it saved kept.
    releaseFailedTape()
    throw explainBackendError(error, `${where} (${method.name})`)
  }
}

async function compute<Options extends object>(
  method: AttributionMethod<Options>,
  model: GlasswingModel,
  inputs: InputLike,
  options: Partial<Options> & CommonOptions,
  where: string,
): Promise<Attribution> {
  if (method.needsGradients) model.requireGradients(where, method.name)
  checkCommonOptions(options, where)
  options = { ...options, target: await readTargetTensor(options.target, where) }
  const { batch, single } = normalizeInputs(model, inputs, where)
  try {
    const examples = batch.shape[0]!
    const batchSize = resolveBatchSize(options.batchSize, model, batch, where)
    const points = pointsPerPass(options.batchSize, model, batch, batchSize)
    const shared = sharedPass(method, model, options, examples, where)
    let outputData: Float32Array
    let classes: number
    let target: ResolvedTarget
    if (shared) {
      ;({ classes, target } = shared)
    } else {
      const outputs = await predictInBatches(model, batch, batchSize)
      outputData = outputs.values
      classes = outputs.shape.length === 2 ? outputs.shape[1]! : 0
      target = resolveTarget(
        // A neuron is explained instead of an output: any function target keeps the rows as they are.
        options.neuron ? () => tf.zeros([examples]) : options.target,
        outputData,
        examples,
        classes,
        model.classNames,
        where,
      )
    }
    const seed = options.seed ?? 0
    const random = createRandom(seed)
    const inputRange = rangeOf(batch)
    const rows = target.exampleOf.length
    const contextFor = (inputs: tf.Tensor, rowsTarget: ResolvedTarget, span: RowSpan) =>
      createContext({
        where,
        model,
        inputs,
        target: rowsTarget,
        neuron: options.neuron,
        random,
        seed,
        span: { ...span, examples },
        batchSize,
        pointsPerPass: points,
        inputRange,
        ...(shared ? { capture: shared.capture(inputs, span.first) } : {}),
      })
    // Options are resolved once, for every batch of rows: defaults read the whole batch (its range).
    const resolved = method.resolve(
      options,
      createContext({
        where,
        model,
        inputs: batch,
        target,
        neuron: options.neuron,
        random: createRandom(seed),
        seed,
        span: { first: 0, count: examples, total: rows, examples },
        batchSize,
        pointsPerPass: points,
        inputRange,
      }),
    )
    const result = await attributeInBatches({
      method,
      options: resolved,
      inputs: batch,
      target,
      batchSize,
      contextFor,
    })
    const { values, delta, shape } = result
    if (shared) {
      const captured = shared.outputs()
      // Not expected (the method promised the pass): recompute the way every other method does.
      if (!captured)
        return await compute({ ...method, sharesForwardPass: undefined }, model, inputs, options, where)
      outputData = captured
    }
    const provenance = makeProvenance({
      method: method.name,
      parameters: recordable(resolved),
      seed: method.stochastic || options.noise ? seed : null,
      model: null,
    })
    provenance.modelFingerprint = model.fingerprint
    const inputValues = (await batch.data()) as Float32Array
    const recompute =
      classes > 0 && !options.neuron
        ? recomputeFor(method, model, options, { values: inputValues, shape: batch.shape })
        : undefined
    return new Attribution(
      {
        method: method.name,
        title: method.title,
        parameters: recordable(resolved),
        signed: method.signed(resolved),
        values,
        shape,
        inputs: inputValues,
        inputShape: batch.shape,
        exampleOf: Array.from(target.exampleOf),
        targets: Array.from(target.exampleOf, (_, row) =>
          target.kind === 'classes' && !options.neuron ? target.classes[row]! : null,
        ),
        targetDescription: options.neuron
          ? `neuron ${options.neuron.layer}[${options.neuron.index.join(', ')}]`
          : target.description,
        predictions: classes > 0 ? topPredictions(outputData!, examples, classes) : null,
        delta,
        layer: result.layer ?? null,
        classNames: model.classNames,
        classCount: classes,
        single: single && target.exampleOf.length === 1,
        provenance,
      },
      recompute,
    )
  } finally {
    batch.dispose()
  }
}

/**
 * How a result is computed again for another class (a saliency view asking its kernel): the same
 * method, model and options, on a tensor made from the inputs' values when asked (none is kept between
 * requests). Tensor options are copied when bound, since the caller may dispose theirs.
 */
function recomputeFor<Options extends object>(
  method: AttributionMethod<Options>,
  model: GlasswingModel,
  options: Partial<Options> & CommonOptions,
  inputs: { values: Float32Array; shape: number[] },
): Recompute {
  return {
    bind() {
      const { target: _target, ...rest } = options
      const kept: tf.Tensor[] = []
      const copied = copyTensors(rest, kept)
      if (copied === DISPOSED) {
        tf.dispose(kept)
        return null
      }
      return {
        model,
        async run(target) {
          const batch = tf.tensor(inputs.values, inputs.shape, 'float32')
          try {
            const options = { ...(copied as object), target } as Partial<Options> & CommonOptions
            return (await runAttribution(method, model, batch, options, 'saliency view')).data
          } catch (error) {
            if (error instanceof GlasswingError || !/disposed/i.test(String(error))) throw error
            throw new GlasswingError(
              {
                where: 'saliency view',
                argument: 'model',
                expected: 'the model this result was computed with',
                received: 'a model that was disposed since',
                hint: reloadHint(model.source),
              },
              { cause: error },
            )
          } finally {
            batch.dispose()
          }
        },
        release: () => tf.dispose(kept),
      }
    },
  }
}

/** How to get a disposed model back: its gw.load call where it came from a path. */
function reloadHint(source: string): string {
  const reload =
    source === 'memory' ? 'Make the model again' : `Reload it with gw.load(${JSON.stringify(source)})`
  return `${reload} and rerun the cell to explain other classes.`
}

const DISPOSED = Symbol('disposed')

/** `value` with every tensor in it (through plain objects and arrays) replaced by a kept copy. */
function copyTensors(value: unknown, kept: tf.Tensor[]): unknown {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) return DISPOSED
    // Kept: owned by the bound recomputation, disposed by its release() when the view's explainer goes.
    const copy = tf.keep(value.clone())
    kept.push(copy)
    return copy
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => copyTensors(item, kept))
    return items.includes(DISPOSED) ? DISPOSED : items
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).map(([key, item]) => [key, copyTensors(item, kept)] as const)
    return entries.some(([, item]) => item === DISPOSED) ? DISPOSED : Object.fromEntries(entries)
  }
  return value
}

/**
 * Where the method's own forward pass can give the outputs (saliency, Grad-CAM, ...): the target
 * resolved without them (a 'predicted' one filled in from that pass, before it is scored) and a
 * capture to read them. Null where the base must run the model first: top-k (the rows depend on the
 * ranking), neurons, the noise tunnel (its passes run on noisy copies), outputs not `[n, classes]`.
 */
function sharedPass(
  method: AttributionMethod<object>,
  model: GlasswingModel,
  options: CommonOptions,
  examples: number,
  where: string,
): {
  classes: number
  target: ResolvedTarget
  /** A capture for the batch of rows from `first`. */
  capture(inputs: tf.Tensor, first: number): OutputCapture
  /** Every batch's outputs, once each has run (null if one did not). */
  outputs(): Float32Array | null
} | null {
  const classes = model.outputShape[1]
  const eligible =
    method.sharesForwardPass &&
    !options.neuron &&
    !options.noise &&
    model.outputShape.length === 2 &&
    typeof classes === 'number' &&
    classes > 0
  if (!eligible) return null
  const pending = options.target === undefined || options.target === 'predicted'
  if (!pending && targetNeedsOutputs(options.target)) return null
  const target: ResolvedTarget = pending
    ? {
        kind: 'classes',
        classes: new Int32Array(examples),
        exampleOf: Int32Array.from({ length: examples }, (_, i) => i),
        description: 'predicted',
      }
    : resolveTarget(options.target, new Float32Array(0), examples, classes, model.classNames, where)
  const outputs = new Float32Array(examples * classes)
  const captures: OutputCapture[] = []
  return {
    classes,
    target,
    capture(inputs, first) {
      const rows = inputs.shape[0]!
      const capture: OutputCapture = {
        inputs,
        outputs: null,
        onOutputs(values) {
          outputs.set(values, first * classes)
          if (pending && target.kind === 'classes')
            target.classes.set(predictedClasses(values, rows, classes), first)
        },
      }
      captures.push(capture)
      return capture
    },
    outputs: () =>
      captures.every((capture) => capture.outputs?.length === capture.inputs.shape[0]! * classes)
        ? outputs
        : null,
  }
}

/** Options as they go into provenance: tensors and functions described, not copied. */
function recordable(options: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [
      key,
      value instanceof tf.Tensor
        ? `tensor [${value.shape.join(', ')}]`
        : typeof value === 'function'
          ? 'function'
          : value,
    ]),
  )
}

function topPredictions(outputs: Float32Array, examples: number, classes: number): ExamplePrediction[] {
  return Array.from({ length: examples }, (_, example) => {
    const row = Array.from(outputs.subarray(example * classes, (example + 1) * classes))
    const sum = row.reduce((a, b) => a + b, 0)
    const probabilities = row.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 1e-3 ? row : softmax(row)
    const ranked = Array.from(row.keys())
      .sort((a, b) => probabilities[b]! - probabilities[a]!)
      .slice(0, 5)
    return { classes: ranked, probabilities: ranked.map((c) => probabilities[c]!) }
  })
}

function softmax(row: number[]): number[] {
  const max = Math.max(...row)
  const exps = row.map((v) => Math.exp(v - max))
  const total = exps.reduce((a, b) => a + b, 0)
  return exps.map((v) => v / total)
}
