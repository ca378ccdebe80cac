// A saliency job (GLASSWING_BENCH_OPTIONS for another) over MNIST test digits (10,000 by default; GLASSWING_BENCH_EXAMPLES to change), 16
// shards of 128-example passes: wall time and examples per second of the in-process call, the local
// runner with 1 and 2 workers, Ray (a local head with 2 CPUs, 1 CPU per shard) and Slurm (the
// single-node cluster of test/jobs/services.ts), each as a ratio to the in-process call, with the
// overhead per shard (a worker process's start, TensorFlow's and the model's load, the part's write,
// the runner's polling) and the load average. Every merged result is compared bit for bit.
//   bash bench/jobs/run.sh            (GLASSWING_BENCH_RUNNERS=local1,local2,ray,slurm to choose)
import { existsSync, mkdtempSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as gw from '../../src'
import { ensureSlurm, startRayHead, stopRayHead } from '../../test/jobs/services'

const ROOT = resolve(__dirname, '..', '..', '..', '..')
const EXAMPLES = Number(process.env.GLASSWING_BENCH_EXAMPLES ?? 10_000)
const SHARDS = Number(process.env.GLASSWING_BENCH_SHARDS ?? 16)
const BATCH = 128
const RUNNERS = (process.env.GLASSWING_BENCH_RUNNERS ?? 'local1,local2,ray,slurm').split(',')
const MODEL = join(ROOT, 'notebooks', 'models', 'mnist-cnn')
// GLASSWING_BENCH_DELETION=1: the job is the explanation + its deletion AUC (gw.evaluate), both compared.
const DELETION = process.env.GLASSWING_BENCH_DELETION === '1'
// gw.explain's options, e.g. '{"method":"integrated-gradients","steps":50}' for a heavier job.
const OPTIONS = JSON.parse(process.env.GLASSWING_BENCH_OPTIONS ?? '{"method":"saliency"}') as {
  method: string
}

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')

function job(name: string): gw.JobSpec {
  return {
    version: 1,
    name,
    model: MODEL,
    data: { dataset: 'mnist', split: 'test', limit: EXAMPLES },
    operation: DELETION
      ? { kind: 'evaluate', explain: OPTIONS, evaluate: { metrics: ['deletion'], batchSize: BATCH } }
      : { kind: 'explain', options: OPTIONS },
    shards: SHARDS,
    batchSize: BATCH,
    output: join(mkdtempSync(join(tmpdir(), 'gw-bench-job-')), 'out'),
  }
}

function same(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length)
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length)
  return x.every((v, i) => v === y[i])
}

async function main(): Promise<void> {
  await gw.ready()
  const model = await gw.load(MODEL)
  const data = await gw.datasets.mnist({ split: 'test', limit: EXAMPLES })
  const loadBefore = load()
  let started = performance.now()
  const expected = await gw.explain(model, data.images, { ...OPTIONS, batchSize: BATCH } as gw.ExplainOptions)
  const expectedAuc = DELETION
    ? (await gw.evaluate(model, expected, { metrics: ['deletion'], batchSize: BATCH })).values('deletion')
    : null
  const inProcess = (performance.now() - started) / 1000
  data.images.dispose()
  data.labels.dispose()
  model.dispose()
  const rows = [
    { runner: 'in-process gw.explain', seconds: inProcess, equal: '-', loadBefore, loadAfter: load() },
  ]
  console.error(`in-process: ${inProcess.toFixed(2)} s`)

  const runs: Record<string, () => Promise<gw.SubmitOptions | null>> = {
    local1: async () => ({ runner: 'local', workers: 1 }),
    local2: async () => ({ runner: 'local', workers: 2 }),
    ray: async () => {
      const ray = join(ROOT, '.cache', 'jobs', 'ray-venv', 'bin', 'ray')
      if (!existsSync(ray)) return null
      return { runner: 'ray', address: await startRayHead(ray), cpus: 1, pollSeconds: 0.2 }
    },
    slurm: async () => ((await ensureSlurm()).ok ? { runner: 'slurm', cpus: 1, pollSeconds: 0.2 } : null),
  }
  for (const name of RUNNERS) {
    const options = await runs[name]()
    if (!options) {
      console.error(`${name}: not available, skipped`)
      continue
    }
    const loadBefore = load()
    started = performance.now()
    const handle = await gw.jobs.submit(job(`bench-${name}`), options)
    const merged = (await handle.result()) as gw.Attribution | gw.ExplainedAndEvaluated
    const seconds = (performance.now() - started) / 1000
    const result = merged instanceof gw.Attribution ? merged : merged.attribution
    const auc = merged instanceof gw.Attribution ? null : merged.evaluation.values('deletion')
    const aucEqual =
      expectedAuc === null || (auc !== null && auc.every((v, i) => Object.is(v, expectedAuc[i])))
    const equal = same(result.values, expected.values) && aucEqual ? 'yes' : 'NO'
    rows.push({ runner: name, seconds, equal, loadBefore, loadAfter: load() })
    console.error(`${name}: ${seconds.toFixed(2)} s, equal ${equal}`)
    if (name === 'ray') stopRayHead(join(ROOT, '.cache', 'jobs', 'ray-venv', 'bin', 'ray'))
  }

  console.log(
    `${JSON.stringify(OPTIONS)}${DELETION ? ' + deletion AUC' : ''} job, ${EXAMPLES} MNIST test digits, ${SHARDS} shards of ${BATCH}-example passes, mnist-cnn`,
  )
  console.log('')
  console.log(
    '| runner | seconds | examples/s | vs in-process | overhead per shard (s) | equal bit for bit | load before | load after |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | --- | --- | --- |')
  for (const row of rows) {
    // With one worker the shards run one after another: the extra time over the in-process call, per shard.
    const overhead = row.runner === 'local1' ? ((row.seconds - inProcess) / SHARDS).toFixed(3) : ''
    console.log(
      `| ${row.runner} | ${row.seconds.toFixed(2)} | ${(EXAMPLES / row.seconds).toFixed(0)} | ${(inProcess / row.seconds).toFixed(2)}x | ${overhead} | ${row.equal} | ${row.loadBefore} | ${row.loadAfter} |`,
    )
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
