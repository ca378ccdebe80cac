/**
 * A job's results folder: `job.json`, `parts/part-00003.<array>.npy` + `parts/part-00003.json` per shard,
 * `logs/`, and `manifest.json` once merged. A part's JSON is written last, by rename, so it is the mark
 * that the shard is complete: a worker killed mid-shard leaves no JSON, and a rerun computes it again;
 * a rerun finding the JSON (for the same job) skips the shard. Another store (an object store) would
 * plug in here: the same names as keys, the JSON put last.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { decodeNpy } from '../data/npy'
import { encodeNpy } from './npy-write'
import type { PartInput, PartOutput } from './operations'
import { partName, type ShardRange } from './shards'
import { checkJob, type JobSpec } from './spec'

/** A job read from its file, with its paths made absolute. */
export interface LoadedJob {
  spec: JobSpec
  /** The job file. */
  file: string
  /** The results folder. */
  output: string
  /** The model path. */
  model: string
  /** A hash of the description: parts of another job in the same folder are not reused. */
  hash: string
}

/** Reads and checks a job file. */
export function readJob(file: string): LoadedJob {
  const path = resolve(file)
  const spec = checkJob(JSON.parse(readFileSync(path, 'utf8')))
  const base = dirname(path)
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(base, p))
  const { name: _name, ...what } = spec
  const hash = createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 16)
  return { spec, file: path, output: absolute(spec.output), model: absolute(spec.model), hash }
}

/** What a complete part's JSON holds. */
export interface PartRecord {
  jobHash: string
  shard: number
  start: number
  end: number
  arrays: Record<string, { file: string; shape: number[]; dtype: 'float32' | 'int32' }>
  meta: Record<string, unknown>
  /** Seconds the shard took, from loading the model to the last write. */
  seconds: number
  host: string
  pid: number
}

function partJson(job: LoadedJob, index: number): string {
  return join(job.output, 'parts', `${partName(index)}.json`)
}

/** The shard's record if it is complete for this job, else null. */
export function completePart(job: LoadedJob, index: number): PartRecord | null {
  const file = partJson(job, index)
  if (!existsSync(file)) return null
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as PartRecord
    return record.jobHash === job.hash ? record : null
  } catch {
    return null
  }
}

/** Writes a shard's arrays then its JSON, each through a temporary name and a rename. */
export function writePart(
  job: LoadedJob,
  range: ShardRange,
  output: PartOutput,
  extra: { seconds: number; host: string },
): PartRecord {
  const folder = join(job.output, 'parts')
  mkdirSync(folder, { recursive: true })
  const stem = partName(range.index)
  const arrays: PartRecord['arrays'] = {}
  for (const [name, array] of Object.entries(output.arrays)) {
    const file = `${stem}.${name}.npy`
    atomicWrite(join(folder, file), encodeNpy(array.values, array.shape))
    arrays[name] = {
      file,
      shape: array.shape,
      dtype: array.values instanceof Float32Array ? 'float32' : 'int32',
    }
  }
  const record: PartRecord = {
    jobHash: job.hash,
    shard: range.index,
    start: range.start,
    end: range.end,
    arrays,
    meta: output.meta,
    seconds: extra.seconds,
    host: extra.host,
    pid: process.pid,
  }
  atomicWrite(partJson(job, range.index), Buffer.from(JSON.stringify(record)))
  return record
}

/** A complete part's arrays and metadata, for the merge. */
export function readPart(job: LoadedJob, record: PartRecord): PartInput {
  const folder = join(job.output, 'parts')
  const arrays: PartInput['arrays'] = {}
  for (const [name, entry] of Object.entries(record.arrays)) {
    const npy = decodeNpy(readFileSync(join(folder, entry.file)), entry.file)
    arrays[name] = { values: npy.data as Float32Array | Int32Array, shape: npy.shape }
  }
  return { arrays, meta: record.meta, start: record.start, end: record.end }
}

function atomicWrite(file: string, bytes: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, bytes)
  renameSync(temporary, file)
}
