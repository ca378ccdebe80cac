/**
 * The operations a job can run, one entry per kind: how to compute one shard's examples, and how to
 * join the shards' parts into the result the in-process call returns. Adding an operation (an
 * evaluation metric, top examples, an ablation effect) is one entry here and one kind in spec.ts.
 */
import * as tf from '@tensorflow/tfjs'
import { explain, type ExplainOptions } from '../attribution'
import { Attribution, type AttributionData } from '../attribution/attribution'
import type { GlasswingModel } from '../model'
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { evaluate, Evaluation, type EvaluateOptions } from '../quality'
import type { EvaluationData } from '../quality/result'
import { JobArray, ExplainedAndEvaluated } from './job-array'
import type { JobOperation } from './spec'

/** A shard's output: arrays written as .npy files (batch axis first) and JSON metadata. */
export interface PartOutput {
  arrays: Record<string, { values: Float32Array | Int32Array; shape: number[] }>
  /** Per-row metadata and the fields every part shares (method, parameters, provenance...). */
  meta: Record<string, unknown>
}

/** A part read back for the merge: its arrays, its metadata, and where its examples start in the job. */
export interface PartInput extends PartOutput {
  start: number
  end: number
}

/** One operation kind. */
export interface Operation {
  /** Computes examples `inputs` (the shard's, batch axis first); the caller owns `inputs`. */
  run(model: GlasswingModel, inputs: tf.Tensor, batchSize: number): Promise<PartOutput>
  /** Joins the parts, in shard order, into the operation's result. */
  merge(parts: PartInput[]): unknown
}

/** An attribution as a part: values and inputs as arrays, the rest as metadata. */
function attributionPart(result: Attribution): PartOutput {
  const { values, inputs: explained, exampleOf, targets, predictions, delta, ...shared } = result.data
  return {
    arrays: {
      values: { values, shape: result.data.shape },
      inputs: { values: explained, shape: result.data.inputShape },
    },
    meta: { exampleOf, targets, predictions, delta, shared },
  }
}

const explainOperation = (options: Record<string, unknown>): Operation => ({
  async run(model, inputs, batchSize) {
    return attributionPart(await explain(model, inputs, { ...options, batchSize } as ExplainOptions))
  },
  merge(parts) {
    const first = parts.find((part) => part.end > part.start) ?? parts[0]
    const shared = first.meta.shared as Omit<AttributionData, 'values' | 'inputs'>
    const rows = (name: string) => parts.flatMap((part) => part.meta[name] as unknown[])
    const exampleOf = parts.flatMap((part) => (part.meta.exampleOf as number[]).map((i) => i + part.start))
    const deltas = parts.map((part) => part.meta.delta as number[] | null)
    const data: AttributionData = {
      ...shared,
      values: concat(parts.map((part) => part.arrays.values.values as Float32Array)),
      shape: [exampleOf.length, ...shared.shape.slice(1)],
      inputs: concat(parts.map((part) => part.arrays.inputs.values as Float32Array)),
      inputShape: [parts.at(-1)!.end - parts[0].start, ...shared.inputShape.slice(1)],
      exampleOf,
      targets: rows('targets') as (number | null)[],
      predictions: parts.some((part) => part.meta.predictions === null)
        ? null
        : (rows('predictions') as AttributionData['predictions']),
      delta: deltas.some((delta) => delta === null) ? null : (deltas.flat() as number[]),
      single: false,
    }
    return new Attribution(data)
  },
})

const activationsOperation = (layer: string): Operation => ({
  async run(model, inputs, batchSize) {
    const count = inputs.shape[0]
    const chunks: Float32Array[] = []
    let shape: number[] = [0]
    for (let first = 0; first < count; first += batchSize) {
      throwIfInterrupted('glasswing job (activations)', { done: first, total: count, unit: 'examples' })
      const size = Math.min(batchSize, count - first)
      const activation = tf.tidy(() => {
        const batch = tf.slice(inputs, [first], [size])
        return model.activations(batch, layer)[layer]
      })
      shape = activation.shape
      chunks.push((await activation.data()) as Float32Array)
      activation.dispose()
    }
    return {
      arrays: { values: { values: concat(chunks), shape: [count, ...shape.slice(1)] } },
      meta: { layer, fingerprint: model.fingerprint },
    }
  },
  merge(parts) {
    const shape = parts.find((part) => part.end > part.start)?.arrays.values.shape ?? [0]
    const values = concat(parts.map((part) => part.arrays.values.values as Float32Array))
    const rows = parts.at(-1)!.end - parts[0].start
    return new JobArray(`activations at ${layer}`, values, [rows, ...shape.slice(1)])
  },
})

/**
 * A user's operation from a module every worker can load (`{ kind: 'module', module, options }`): it
 * exports `run(model, inputs, batchSize, options)` and `merge(parts, options)` with the shapes of
 * {@link Operation}. This is how a computation without an entry here (an evaluation metric, a custom
 * score) runs as a job: the module may call any `gw` function.
 */
export interface ModuleOperation {
  run(model: GlasswingModel, inputs: tf.Tensor, batchSize: number, options: unknown): Promise<PartOutput>
  merge(parts: PartInput[], options: unknown): unknown
}

const moduleOperation = (path: string, options: unknown): Operation => {
  const loaded = require(path) as Partial<ModuleOperation>
  if (typeof loaded.run !== 'function' || typeof loaded.merge !== 'function') {
    throw new GlasswingError({
      where: 'glasswing job',
      argument: 'job.operation.module',
      expected: 'a module exporting run(model, inputs, batchSize, options) and merge(parts, options)',
      received: `${path} exporting ${Object.keys(loaded).join(', ') || 'nothing'}`,
    })
  }
  return {
    run: (model, inputs, batchSize) => loaded.run!(model, inputs, batchSize, options),
    merge: (parts) => loaded.merge!(parts, options),
  }
}

/**
 * `gw.explain` then `gw.evaluate` on each shard (e.g. saliency + deletion AUC): the merge gives both the
 * Attribution and the Evaluation, the evaluation displaying itself.
 */
const evaluateOperation = (
  explainOptions: Record<string, unknown>,
  evaluateOptions: Record<string, unknown>,
): Operation => {
  const explainPart = explainOperation(explainOptions)
  return {
    async run(model, inputs, batchSize) {
      const attribution = await explain(model, inputs, { ...explainOptions, batchSize } as ExplainOptions)
      const evaluation = await evaluate(model, attribution, evaluateOptions as EvaluateOptions)
      const { values, curves, targets, exampleOf, ...shared } = evaluation.data
      const part = attributionPart(attribution)
      return {
        arrays: part.arrays,
        meta: { ...part.meta, evaluation: { values, curves, targets, exampleOf, shared } },
      }
    },
    merge(parts) {
      const attribution = explainPart.merge(parts) as Attribution
      const evaluations = parts.map(
        (part) =>
          part.meta.evaluation as Pick<EvaluationData, 'values' | 'curves' | 'targets' | 'exampleOf'> & {
            shared: Omit<EvaluationData, 'values' | 'curves' | 'targets' | 'exampleOf'>
          },
      )
      const shared = evaluations[0].shared
      const join = <T>(pick: (e: (typeof evaluations)[number]) => Record<string, T[]>) =>
        Object.fromEntries(
          Object.keys(pick(evaluations[0])).map((metric) => [
            metric,
            evaluations.flatMap((e) => pick(e)[metric]),
          ]),
        )
      const evaluation = new Evaluation({
        ...shared,
        values: join((e) => e.values),
        curves: join((e) => e.curves),
        targets: evaluations.flatMap((e) => e.targets),
        exampleOf: evaluations.flatMap((e, i) => e.exampleOf.map((row) => row + parts[i].start)),
      })
      return new ExplainedAndEvaluated(attribution, evaluation)
    },
  }
}

/** The operation a job names. */
export function operationOf(operation: JobOperation): Operation {
  switch (operation.kind) {
    case 'explain':
      return explainOperation(operation.options)
    case 'activations':
      return activationsOperation(operation.layer)
    case 'evaluate':
      return evaluateOperation(operation.explain, operation.evaluate ?? {})
    case 'module':
      return moduleOperation(operation.module, operation.options)
  }
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((sum, array) => sum + array.length, 0))
  let at = 0
  for (const array of arrays) {
    out.set(array, at)
    at += array.length
  }
  return out
}
