/**
 * The Slurm runner: an sbatch job-array script, one array task per shard (`$SLURM_ARRAY_TASK_ID` is the
 * shard), each retrying its shard in place; written beside the job and submitted with `sbatch`, or left
 * for the user to submit. Nodes need Node.js, Glasswing and a file system shared with the notebook.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { completePart, type LoadedJob } from '../parts'
import type { Runner, RunnerEvents, RunningJob } from './types'
import { workerScript } from './worker-command'

/** Options of the Slurm script. */
export interface SlurmOptions {
  /** The partition (default: the cluster's default). */
  partition?: string
  /** CPUs per array task (default 1). */
  cpus?: number
  /** Array tasks running at once (`%N`); default: no limit. */
  parallel?: number
  /** Attempts per shard inside its task (default 3). */
  attempts?: number
  /** Wall-clock limit per task, sbatch's `--time` (default '01:00:00'). */
  time?: string
  /** How a node starts the worker; default this machine's `node` and dist/jobs/cli.js. */
  workerCommand?: string
}

/**
 * The sbatch script for a job's shards (only the missing ones when `shards` is given).
 *
 * @example
 * writeFileSync('job.sbatch', slurmScript(readJob('runs/saliency/job.json')))
 */
export function slurmScript(job: LoadedJob, options: SlurmOptions = {}, shards?: number[]): string {
  const list = shards ?? Array.from({ length: job.spec.shards }, (_, i) => i)
  const array = `${list.join(',')}${options.parallel ? `%${options.parallel}` : ''}`
  const command = options.workerCommand ?? `${process.execPath} ${workerScript()}`
  const attempts = options.attempts ?? 3
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=gw-${job.spec.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    `#SBATCH --array=${array}`,
    `#SBATCH --cpus-per-task=${options.cpus ?? 1}`,
    `#SBATCH --time=${options.time ?? '01:00:00'}`,
    `#SBATCH --output=${join(job.output, 'logs', 'slurm-shard-%a.log')}`,
    ...(options.partition ? [`#SBATCH --partition=${options.partition}`] : []),
    '# One Glasswing shard per array task; a failed attempt is retried here, a finished part is skipped.',
    `for attempt in $(seq 1 ${attempts}); do`,
    `  ${command} run ${JSON.stringify(job.file)} --shard "$SLURM_ARRAY_TASK_ID" && exit 0`,
    '  echo "glasswing: shard $SLURM_ARRAY_TASK_ID attempt $attempt failed" >&2',
    'done',
    'exit 1',
    '',
  ].join('\n')
}

/**
 * Writes the script as `job.sbatch` in the job's output folder; with `submit`, runs `sbatch` and returns
 * its job id.
 */
export function writeSlurmScript(
  job: LoadedJob,
  options: SlurmOptions & { submit?: boolean } = {},
  shards?: number[],
): { script: string; jobId: string | null } {
  const script = join(job.output, 'job.sbatch')
  mkdirSync(join(job.output, 'logs'), { recursive: true }) // Slurm does not create the log folder
  writeFileSync(script, slurmScript(job, options, shards), { mode: 0o755 })
  if (!options.submit) return { script, jobId: null }
  const reply = execFileSync('sbatch', ['--parsable', script], { encoding: 'utf8' })
  return { script, jobId: reply.trim().split(';')[0] }
}

/** Options of the Slurm runner of `gw.jobs.submit` (the script is submitted with sbatch). */
export interface SlurmRunnerOptions extends SlurmOptions {
  runner: 'slurm'
  /** Seconds between polls (default 1). */
  pollSeconds?: number
}

/**
 * The Slurm runner: submits the array script, then watches the parts appear on the shared file system
 * and the array leave the queue (`squeue`); an attempt retried inside a task is reported from its log.
 */
export function slurmRunner(options: SlurmRunnerOptions): Runner {
  const poll = (options.pollSeconds ?? 1) * 1000
  return {
    name: 'slurm',
    start(job: LoadedJob, shards: number[], events: RunnerEvents): RunningJob {
      let jobId: string | null = null
      let cancelled = false
      const waiting = new Set(shards)
      const report = (shard: number, final: boolean) => {
        const log = join(job.output, 'logs', `slurm-shard-${shard}.log`)
        const text = existsSync(log) ? readFileSync(log, 'utf8') : ''
        const attempts = [...text.matchAll(/glasswing: shard \d+ attempt (\d+) failed/g)].map((m) =>
          Number(m[1]),
        )
        attempts.forEach((attempt, i) => {
          const last = final && i === attempts.length - 1
          events.failed(
            shard,
            attempt,
            `Slurm task ${jobId}_${shard} attempt ${attempt} failed (log: ${log})`,
            last,
          )
        })
        if (final && attempts.length === 0)
          events.failed(shard, 1, `Slurm task ${jobId}_${shard} ended without a part (log: ${log})`, true)
      }
      const settled = (async () => {
        jobId = writeSlurmScript(job, { ...options, submit: true }, shards).jobId
        for (const shard of shards) events.started(shard, 1, `slurm ${jobId}_${shard}`)
        while (waiting.size > 0 && !cancelled) {
          await new Promise((resolve) => setTimeout(resolve, poll))
          const queued = execFileSync('squeue', ['-h', '-j', jobId!, '-o', '%i'], { encoding: 'utf8' }).trim()
          for (const shard of [...waiting]) {
            if (completePart(job, shard)) {
              waiting.delete(shard)
              report(shard, false)
              events.finished(shard)
            }
          }
          if (queued === '') {
            // The array left the queue: shards still without a part failed on every attempt.
            for (const shard of waiting) report(shard, true)
            waiting.clear()
          }
        }
      })()
      return {
        settled: settled.catch((error: unknown) => {
          for (const shard of waiting) events.failed(shard, 0, `Slurm: ${(error as Error).message}`, true)
        }),
        async cancel() {
          cancelled = true
          if (jobId) execFileSync('scancel', [jobId])
        },
      }
    },
  }
}
