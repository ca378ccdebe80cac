/**
 * One worker run: computes one shard of a job and writes its part, or skips it when a complete part is
 * there already. This is what every runner starts (`glasswing-job run job.json --shard 3`).
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { datasets } from '../data'
import { decodeNpy } from '../data/npy'
import { load } from '../model'
import { GlasswingError } from '../errors'
import { operationOf } from './operations'
import { completePart, writePart, type LoadedJob, type PartRecord } from './parts'
import { shardRange, type ShardRange } from './shards'
import type { JobData } from './spec'

/** How many examples a job covers, without loading them all. */
export function jobSize(job: LoadedJob): number {
  const data = job.spec.data
  const offset = data.offset ?? 0
  let available: number
  if ('dataset' in data) {
    const split = data.split ?? 'test'
    available = split === 'train' ? 60_000 : 10_000 // both bundled sets have these splits
  } else {
    available = decodeNpy(readFileSync(data.npy), data.npy).shape[0]
  }
  return Math.max(0, Math.min(data.limit ?? Infinity, available - offset))
}

/** Examples `start .. end` of the job's data, as a tensor the caller owns. */
export async function loadExamples(data: JobData, start: number, end: number): Promise<tf.Tensor> {
  const offset = (data.offset ?? 0) + start
  const limit = end - start
  if ('dataset' in data) {
    const options = { split: data.split ?? 'test', offset, limit }
    const set =
      data.dataset === 'mnist' ? await datasets.mnist(options) : await datasets.fashionMnist(options)
    set.labels.dispose()
    return set.images
  }
  const npy = decodeNpy(readFileSync(data.npy), data.npy)
  const row = npy.shape.slice(1).reduce((a, b) => a * b, 1)
  return tf.tensor(
    npy.data.slice(offset * row, (offset + limit) * row),
    [limit, ...npy.shape.slice(1)],
    'float32',
  )
}

/** The outcome of one worker run. */
export interface ShardOutcome {
  range: ShardRange
  skipped: boolean
  record: PartRecord
}

/**
 * Computes shard `index` of the job (or finds it done). The model and examples are loaded here, so a
 * worker on any machine needs only the job file and a file system holding the model and the output.
 */
export async function runShard(job: LoadedJob, index: number, total = jobSize(job)): Promise<ShardOutcome> {
  const { spec } = job
  if (!Number.isInteger(index) || index < 0 || index >= spec.shards) {
    throw new GlasswingError({
      where: 'glasswing job run',
      argument: '--shard',
      expected: `an integer from 0 to ${spec.shards - 1}`,
      received: String(index),
    })
  }
  const range = shardRange(total, spec.batchSize, index, spec.shards)
  const done = completePart(job, index)
  if (done) return { range, skipped: true, record: done }
  const started = performance.now()
  if (range.end === range.start) {
    // More shards than passes: this one has no examples; its empty part still marks it done.
    const record = writePart(job, range, { arrays: {}, meta: {} }, { seconds: 0, host: hostname() })
    return { range, skipped: false, record }
  }
  const model = await load(job.model)
  const inputs = await loadExamples(spec.data, range.start, range.end)
  try {
    const output = await operationOf(spec.operation).run(model, inputs, spec.batchSize)
    const seconds = (performance.now() - started) / 1000
    const record = writePart(job, range, output, { seconds, host: hostname() })
    return { range, skipped: false, record }
  } finally {
    inputs.dispose()
    model.dispose()
  }
}
