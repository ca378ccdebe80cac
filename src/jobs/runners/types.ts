/** What every runner does: start a job's missing shards somewhere, report each attempt, cancel. */
import type { LoadedJob } from '../parts'

/** What a runner tells the handle as shards run. */
export interface RunnerEvents {
  /** An attempt at a shard started; `where` names the process or remote job. */
  started(shard: number, attempt: number, where: string): void
  /** The shard's part is complete. */
  finished(shard: number): void
  /** An attempt failed; `final` when no retry is left. */
  failed(shard: number, attempt: number, reason: string, final: boolean): void
}

/** A job running on some runner. */
export interface RunningJob {
  /** Settles when no shard is running or waiting (each finished or failed for good). */
  readonly settled: Promise<void>
  /** Stops every running attempt and starts no more. */
  cancel(): Promise<void>
}

/** A runner: starts the given shards of a job. */
export interface Runner {
  readonly name: string
  start(job: LoadedJob, shards: number[], events: RunnerEvents): RunningJob
}
