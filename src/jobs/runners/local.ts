/**
 * The local runner: worker processes on this machine, `workers` at a time (all cores by default, which
 * the kernel's single process cannot use). A worker that dies (killed, out of memory, crashed) has its
 * shard started again, up to `retries` more times; its part is written by rename, so nothing half-written
 * is ever read.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, openSync, closeSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import type { LoadedJob } from '../parts'
import type { Runner, RunnerEvents, RunningJob } from './types'
import { logFile, workerScript } from './worker-command'

/** Options of the local runner. */
export interface LocalRunnerOptions {
  runner: 'local'
  /** Worker processes at a time; default: the machine's cores. */
  workers?: number
  /** Extra attempts for a shard whose worker failed; default 2. */
  retries?: number
}

/** The running workers, by shard (tests kill one to check the retry). */
export interface LocalRunningJob extends RunningJob {
  readonly processes: ReadonlyMap<number, ChildProcess>
}

export function localRunner(options: LocalRunnerOptions): Runner & {
  start(job: LoadedJob, shards: number[], events: RunnerEvents): LocalRunningJob
} {
  const workers = Math.max(1, options.workers ?? availableParallelism())
  const retries = options.retries ?? 2
  return {
    name: 'local',
    start(job, shards, events) {
      const script = workerScript()
      const queue = shards.map((shard) => ({ shard, attempt: 1 }))
      const processes = new Map<number, ChildProcess>()
      let cancelled = false
      let resolveSettled!: () => void
      const settled = new Promise<void>((resolve) => (resolveSettled = resolve))
      const next = (): void => {
        if (cancelled) {
          if (processes.size === 0) resolveSettled()
          return
        }
        while (processes.size < workers && queue.length > 0) {
          const { shard, attempt } = queue.shift()!
          const log = logFile(job.output, shard, attempt, 'local')
          mkdirSync(dirname(log), { recursive: true })
          const fd = openSync(log, 'w')
          const child = spawn(process.execPath, [script, 'run', job.file, '--shard', String(shard)], {
            stdio: ['ignore', fd, fd],
            env: process.env,
          })
          closeSync(fd)
          processes.set(shard, child)
          events.started(shard, attempt, `pid ${child.pid}`)
          child.on('exit', (code, signal) => {
            processes.delete(shard)
            if (code === 0) events.finished(shard)
            else if (!cancelled) {
              const reason = signal ? `killed by ${signal}` : `exit status ${code}`
              const final = attempt > retries
              events.failed(shard, attempt, `${reason} (log: ${log})`, final)
              if (!final) queue.push({ shard, attempt: attempt + 1 })
            }
            next()
          })
        }
        if (processes.size === 0 && queue.length === 0) resolveSettled()
      }
      next()
      return {
        settled,
        processes,
        async cancel() {
          cancelled = true
          queue.length = 0
          for (const child of processes.values()) child.kill('SIGTERM')
          if (processes.size === 0) resolveSettled()
          await settled
        },
      }
    },
  }
}
