/**
 * `gw.jobs.submit`: writes the job, starts its missing shards on a runner, and returns a handle whose
 * `result()` shows progress (shards done and failed, examples per second, ETA), merges the parts into the
 * in-process call's result, and cancels the job when the cell is interrupted.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { GlasswingError, describeValue } from '../errors'
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import { interruptRequested, interruptedError } from '../session/interrupt'
import type { Attribution } from '../attribution/attribution'
import type { ExplainedAndEvaluated, JobArray } from './job-array'
import { mergeJob, missingShards } from './merge'
import { readJob, type LoadedJob } from './parts'
import { localRunner, type LocalRunnerOptions } from './runners/local'
import { rayRunner, type RayRunnerOptions } from './runners/ray'
import { slurmRunner, type SlurmRunnerOptions } from './runners/slurm'
import type { Runner, RunningJob } from './runners/types'
import { shardRange } from './shards'
import { checkJob, type JobSpec } from './spec'
import { jobStatusHtml, jobProgress, jobStatusText } from './progress-view'
import { jobSize } from './worker'

/** Where to run a job. */
export type SubmitOptions = LocalRunnerOptions | RayRunnerOptions | SlurmRunnerOptions

/** One shard's state in a handle. */
export interface ShardState {
  shard: number
  start: number
  end: number
  state: 'waiting' | 'running' | 'done' | 'failed'
  attempts: number
  /** Why each failed attempt failed. */
  failures: string[]
}

/** A snapshot of a running job. */
export interface JobStatus {
  name: string
  runner: string
  shards: number
  done: number
  failed: number
  running: number
  /** Shards found complete when the job was submitted (a resumed job). */
  skipped: number
  examples: number
  examplesDone: number
  /** Examples per second since submission (of shards computed now, not skipped). */
  throughput: number
  /** Seconds left at that rate, null until a shard finished. */
  eta: number | null
  elapsed: number
  /** Failed attempts, retried or not: `shard 3 attempt 1: killed by SIGKILL`. */
  failures: string[]
}

/** A submitted job. */
/** What a job merges into: an Attribution for 'explain', a JobArray for 'activations'. */
export type JobResult = Attribution | JobArray | ExplainedAndEvaluated

/** The result type a job description gives. */
export type ResultOf<S> = S extends { operation: { kind: 'activations' } }
  ? JobArray
  : S extends { operation: { kind: 'explain' } }
    ? Attribution
    : S extends { operation: { kind: 'evaluate' } }
      ? ExplainedAndEvaluated
      : JobResult

export class JobHandle<R extends JobResult = JobResult> {
  readonly shards: ShardState[]
  private readonly started = performance.now()
  private readonly skipped: number

  constructor(
    readonly job: LoadedJob,
    readonly runner: Runner,
    readonly running: RunningJob,
    shards: ShardState[],
  ) {
    this.shards = shards
    this.skipped = shards.filter((s) => s.state === 'done').length
  }

  /** Where the job's shards stand now. */
  status(): JobStatus {
    const count = (state: ShardState['state']) => this.shards.filter((s) => s.state === state).length
    const size = (s: ShardState) => s.end - s.start
    const examples = this.shards.reduce((sum, s) => sum + size(s), 0)
    const doneShards = this.shards.filter((s) => s.state === 'done')
    const examplesDone = doneShards.reduce((sum, s) => sum + size(s), 0)
    const computed = doneShards.filter((s) => s.attempts > 0).reduce((sum, s) => sum + size(s), 0)
    const elapsed = (performance.now() - this.started) / 1000
    const throughput = elapsed > 0 ? computed / elapsed : 0
    return {
      name: this.job.spec.name,
      runner: this.runner.name,
      shards: this.shards.length,
      done: doneShards.length,
      failed: count('failed'),
      running: count('running'),
      skipped: this.skipped,
      examples,
      examplesDone,
      throughput,
      eta: computed > 0 ? (examples - examplesDone) / throughput : null,
      elapsed,
      failures: this.shards.flatMap((s) =>
        s.failures.map((f, i) => `shard ${s.shard} attempt ${i + 1}: ${f}`),
      ),
    }
  }

  /**
   * Waits for every shard (showing progress), then merges: the same result the in-process call returns.
   * An interrupt of the cell cancels the job's running shards (finished parts stay, so a resubmission
   * resumes).
   */
  async result(): Promise<R> {
    const view = jobProgress(() => this.status())
    let settled = false
    void this.running.settled.then(() => (settled = true))
    try {
      while (!settled) {
        if (interruptRequested()) {
          await this.cancel()
          const status = this.status()
          throw interruptedError(`gw.jobs (${this.job.spec.name})`, {
            done: status.done,
            total: status.shards,
            unit: 'shards',
          })
        }
        view.update()
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } finally {
      view.finish()
    }
    const status = this.status()
    if (status.failed > 0) {
      throw new GlasswingError({
        where: `gw.jobs (${this.job.spec.name})`,
        argument: 'job',
        expected: 'every shard to finish',
        received: `${status.failed} shard(s) failed after every retry: ${status.failures.slice(-4).join('; ')}`,
        hint: `Read the logs in ${join(this.job.output, 'logs')}; submitting the job again runs only the missing shards.`,
      })
    }
    return mergeJob(this.job) as R
  }

  /** Stops the job's running shards (they are waiting again); finished parts stay. */
  async cancel(): Promise<void> {
    await this.running.cancel()
    for (const shard of this.shards) if (shard.state === 'running') shard.state = 'waiting'
  }

  /** Shows the status at the moment it is displayed (`handle` as a cell's last line). */
  [JUPYTER_DISPLAY](): MimeBundle {
    const status = this.status()
    return { 'text/plain': jobStatusText(status), 'text/html': jobStatusHtml(status) }
  }

  toString(): string {
    return jobStatusText(this.status())
  }
}

/**
 * Writes `job` (a description, or the path of a job file) into its output folder and starts its
 * missing shards on the runner.
 *
 * @example
 * const handle = await gw.jobs.submit({ version: 1, name: 'saliency-test-set', model: 'notebooks/models/mnist-cnn',
 *   data: { dataset: 'mnist', split: 'test' }, operation: { kind: 'explain', options: { method: 'saliency' } },
 *   shards: 16, batchSize: 128, output: 'runs/saliency' }, { runner: 'local', workers: 2 })
 * const attribution = await handle.result()
 */
export async function submit<S extends JobSpec | string>(
  job: S,
  options: SubmitOptions = { runner: 'local' },
): Promise<JobHandle<ResultOf<S>>> {
  const loaded = typeof job === 'string' ? readJob(job) : writeJob(job as JobSpec)
  const runner = runnerOf(options)
  const total = jobSize(loaded)
  const missing = new Set(missingShards(loaded))
  const shards: ShardState[] = Array.from({ length: loaded.spec.shards }, (_, shard) => {
    const { start, end } = shardRange(total, loaded.spec.batchSize, shard, loaded.spec.shards)
    return { shard, start, end, state: missing.has(shard) ? 'waiting' : 'done', attempts: 0, failures: [] }
  })
  const running = runner.start(loaded, [...missing], {
    started(shard, attempt) {
      Object.assign(shards[shard], { state: 'running', attempts: attempt })
    },
    finished(shard) {
      shards[shard].state = 'done'
    },
    failed(shard, _attempt, reason, final) {
      shards[shard].failures.push(reason)
      shards[shard].state = final ? 'failed' : 'waiting'
    },
  })
  return new JobHandle<ResultOf<S>>(loaded, runner, running, shards)
}

/** Writes a job description as `job.json` in its output folder (paths made absolute) and reads it back. */
export function writeJob(job: JobSpec): LoadedJob {
  const spec = checkJob(job, 'gw.jobs.submit')
  const output = resolve(spec.output)
  mkdirSync(output, { recursive: true })
  const file = join(output, 'job.json')
  writeFileSync(
    file,
    JSON.stringify({ ...spec, model: resolve(spec.model), output, data: absoluteData(spec) }, null, 2),
  )
  return readJob(file)
}

function absoluteData(spec: JobSpec): JobSpec['data'] {
  return 'npy' in spec.data ? { ...spec.data, npy: resolve(spec.data.npy) } : spec.data
}

function runnerOf(options: SubmitOptions): Runner {
  if (typeof options !== 'object' || options === null) {
    throw new GlasswingError({
      where: 'gw.jobs.submit',
      argument: 'options',
      expected: "{ runner: 'local', workers }, { runner: 'ray', address } or { runner: 'slurm' }",
      received: describeValue(options),
    })
  }
  switch (options.runner) {
    case 'local':
      return localRunner(options)
    case 'ray':
      return rayRunner(options)
    case 'slurm':
      return slurmRunner(options)
    default:
      throw new GlasswingError({
        where: 'gw.jobs.submit',
        argument: 'options.runner',
        expected: "'local', 'ray' or 'slurm' (Kubernetes: gw.jobs.kubernetesManifest)",
        received: describeValue((options as { runner: unknown }).runner),
      })
  }
}
