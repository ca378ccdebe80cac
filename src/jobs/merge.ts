/**
 * The merge step: joins every shard's part, in shard order, into the result the in-process call
 * returns, and writes `manifest.json` (the parts, their ranges, hosts and times, the job's hash).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GlasswingError } from '../errors'
import { operationOf } from './operations'
import { completePart, readPart, type LoadedJob, type PartRecord } from './parts'

/** Which shards have no complete part yet. */
export function missingShards(job: LoadedJob): number[] {
  return Array.from({ length: job.spec.shards }, (_, i) => i).filter((i) => completePart(job, i) === null)
}

/**
 * The job's result, once every shard is complete.
 *
 * @example
 * const attribution = mergeJob(readJob('runs/mnist-saliency/job.json'))
 */
export function mergeJob(job: LoadedJob): unknown {
  const records: PartRecord[] = []
  const missing: number[] = []
  for (let index = 0; index < job.spec.shards; index++) {
    const record = completePart(job, index)
    if (record) records.push(record)
    else missing.push(index)
  }
  if (missing.length > 0) {
    throw new GlasswingError({
      where: 'glasswing job merge',
      argument: 'job',
      expected: 'every shard complete',
      received: `${missing.length} of ${job.spec.shards} shards without a part (${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''})`,
      hint: 'Run the job again (finished shards are skipped), or run the missing shards: glasswing-job run job.json --shard N.',
    })
  }
  const parts = records.filter((r) => r.end > r.start).map((record) => readPart(job, record))
  const manifest = {
    job: job.spec.name,
    jobHash: job.hash,
    examples: records.at(-1)!.end,
    parts: records.map(({ shard, start, end, arrays, seconds, host, pid }) => ({
      shard,
      start,
      end,
      files: Object.values(arrays).map((a) => a.file),
      seconds,
      host,
      pid,
    })),
    mergedAt: new Date().toISOString(),
  }
  writeFileSync(join(job.output, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return operationOf(job.spec.operation).merge(parts)
}
