/**
 * A job: one `gw` computation over a whole data set, cut into shards that workers run anywhere (this
 * machine's cores, a Ray cluster, a Slurm array, a Kubernetes Indexed Job). The job is a JSON file, so a
 * worker on another machine reads the same description the notebook wrote.
 */
import { GlasswingError, describeValue } from '../errors'

/** Where a job's examples come from. */
export type JobData =
  /** A bundled data set: examples `offset .. offset + limit` of its split. */
  | { dataset: 'mnist' | 'fashion-mnist'; split?: 'train' | 'test'; offset?: number; limit?: number }
  /** A float32 .npy file of inputs, batch axis first (on a file system every worker sees). */
  | { npy: string; offset?: number; limit?: number }

/** What each example goes through: one entry of the operations registry (operations.ts). */
export type JobOperation =
  /** `gw.explain` with these options (method, target, ...); the result merges into an Attribution. */
  | { kind: 'explain'; options: { method: string } & Record<string, unknown> }
  /** Activations at one layer; the result merges into a {@link JobArray}. */
  | { kind: 'activations'; layer: string }
  /** `gw.explain` then `gw.evaluate` (e.g. `{ metrics: ['deletion'] }`); merges into both results. */
  | {
      kind: 'evaluate'
      explain: { method: string } & Record<string, unknown>
      evaluate?: Record<string, unknown>
    }
  /** A module every worker loads (absolute path) exporting `run` and `merge`; see operations.ts. */
  | { kind: 'module'; module: string; options?: unknown }

/** A job description: what `glasswing-job run job.json` reads. */
export interface JobSpec {
  /** Format version of this description (1). */
  version: 1
  /** A name for the views and logs. */
  name: string
  /** The model: a folder or model.json path `gw.load` reads (absolute, or relative to the job file). */
  model: string
  data: JobData
  operation: JobOperation
  /** How many shards; each worker run computes one. */
  shards: number
  /**
   * Examples per pass. Shard boundaries fall on multiples of it, so every pass of every shard is a pass
   * the in-process call with the same `batchSize` makes: the results are equal bit for bit.
   */
  batchSize: number
  /** The results folder (absolute, or relative to the job file): parts, manifest, logs. */
  output: string
}

const WHERE = 'glasswing job'

/** Checks a parsed job description, naming the field that is wrong. */
export function checkJob(value: unknown, where = WHERE): JobSpec {
  const fail = (argument: string, expected: string, received: unknown, hint?: string): never => {
    throw new GlasswingError({
      where,
      argument,
      expected,
      received: describeValue(received),
      ...(hint ? { hint } : {}),
    })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('job', 'an object (a job description)', value, 'See the README section "Jobs" for an example.')
  }
  const job = value as Record<string, unknown>
  if (job.version !== 1) fail('job.version', '1', job.version)
  if (typeof job.name !== 'string' || job.name === '') fail('job.name', 'a non-empty string', job.name)
  if (typeof job.model !== 'string' || job.model === '') {
    fail('job.model', 'a model path gw.load reads', job.model, "For example 'notebooks/models/mnist-cnn'.")
  }
  if (typeof job.output !== 'string' || job.output === '') fail('job.output', 'a folder path', job.output)
  for (const key of ['shards', 'batchSize'] as const) {
    const n = job[key]
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1_000_000) {
      fail(`job.${key}`, 'an integer from 1 to 1,000,000', n)
    }
  }
  const data = job.data as Record<string, unknown> | null
  if (typeof data !== 'object' || data === null) fail('job.data', '{ dataset } or { npy }', data)
  const d = data as Record<string, unknown>
  if ('dataset' in d) {
    if (d.dataset !== 'mnist' && d.dataset !== 'fashion-mnist') {
      fail('job.data.dataset', "'mnist' or 'fashion-mnist'", d.dataset)
    }
    if (d.split !== undefined && d.split !== 'train' && d.split !== 'test') {
      fail('job.data.split', "'train' or 'test'", d.split)
    }
  } else if (typeof d.npy !== 'string') {
    fail('job.data', '{ dataset: "mnist", split, offset, limit } or { npy: "inputs.npy" }', data)
  }
  for (const key of ['offset', 'limit'] as const) {
    const n = d[key]
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) {
      fail(`job.data.${key}`, 'a non-negative integer', n)
    }
  }
  const operation = job.operation as Record<string, unknown> | null
  if (typeof operation !== 'object' || operation === null) {
    fail('job.operation', "{ kind: 'explain', options } or { kind: 'activations', layer }", operation)
  }
  const op = operation as Record<string, unknown>
  if (op.kind === 'explain') {
    const options = op.options as Record<string, unknown> | null
    if (typeof options !== 'object' || options === null || typeof options.method !== 'string') {
      fail(
        'job.operation.options',
        "gw.explain's options with a method, e.g. { method: 'saliency' }",
        options,
      )
    }
    if (options!.method === 'feature-permutation') {
      // Each shard would shuffle its features among its own rows only: not the data set's importance.
      fail(
        'job.operation.options.method',
        'a method that explains each example on its own',
        options!.method,
        'Feature permutation shuffles across all the examples passed: run gw.explain in the notebook.',
      )
    }
  } else if (op.kind === 'activations') {
    if (typeof op.layer !== 'string') fail('job.operation.layer', 'a layer name', op.layer)
  } else if (op.kind === 'evaluate') {
    const options = op.explain as Record<string, unknown> | null
    if (typeof options !== 'object' || options === null || typeof options.method !== 'string') {
      fail(
        'job.operation.explain',
        "gw.explain's options with a method, e.g. { method: 'saliency' }",
        options,
      )
    }
    if (op.evaluate !== undefined && (typeof op.evaluate !== 'object' || op.evaluate === null)) {
      fail('job.operation.evaluate', "gw.evaluate's options, e.g. { metrics: ['deletion'] }", op.evaluate)
    }
  } else if (op.kind === 'module') {
    if (typeof op.module !== 'string' || !op.module.startsWith('/')) {
      fail('job.operation.module', 'the absolute path of a module exporting run and merge', op.module)
    }
  } else {
    fail('job.operation.kind', "'explain', 'activations', 'evaluate' or 'module'", op.kind)
  }
  return job as unknown as JobSpec
}
