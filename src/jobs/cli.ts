/**
 * The worker command every runner starts:
 *
 *   node dist/jobs/cli.js run job.json [--shard N | --shards A-B]   compute shards (default: all, in turn)
 *   node dist/jobs/cli.js merge job.json                              check and merge, write manifest.json
 *   node dist/jobs/cli.js status job.json                             shards done / missing
 *
 * `--shard` defaults to $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs) when
 * set. Each finished shard prints one JSON line on stdout; the exit status is 0 only when all ran.
 */
import { mergeJob, missingShards } from './merge'
import { readJob } from './parts'
import { jobSize, runShard } from './worker'

export async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv
  if (!command || !file || !['run', 'merge', 'status'].includes(command)) {
    console.error('usage: glasswing-job run|merge|status job.json [--shard N | --shards A-B]')
    return 2
  }
  const job = readJob(file)
  if (command === 'status') {
    const missing = missingShards(job)
    console.log(JSON.stringify({ shards: job.spec.shards, done: job.spec.shards - missing.length, missing }))
    return 0
  }
  if (command === 'merge') {
    const result = mergeJob(job) as { toString(): string }
    console.log(String(result))
    return 0
  }
  const shards = chooseShards(rest, job.spec.shards)
  const total = jobSize(job)
  for (const shard of shards) {
    const started = performance.now()
    const outcome = await runShard(job, shard, total)
    const { start, end } = outcome.range
    const seconds = (performance.now() - started) / 1000
    console.log(JSON.stringify({ event: 'shard', shard, start, end, skipped: outcome.skipped, seconds }))
  }
  return 0
}

function chooseShards(args: string[], count: number): number[] {
  const flag = (name: string) => {
    const at = args.indexOf(name)
    return at >= 0 ? args[at + 1] : undefined
  }
  const one = flag('--shard') ?? process.env.SLURM_ARRAY_TASK_ID ?? process.env.JOB_COMPLETION_INDEX
  if (one !== undefined) return [Number(one)]
  const span = flag('--shards')
  if (span !== undefined) {
    const [a, b] = span.split('-').map(Number)
    return Array.from({ length: b - a + 1 }, (_, i) => a + i)
  }
  return Array.from({ length: count }, (_, i) => i)
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      process.exit(1)
    },
  )
}
