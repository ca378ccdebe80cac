// Glasswing (tfjs-node) against Captum (PyTorch CPU), same weights and inputs, in one run:
//   bash bench/attribution/run.sh
// IG 50 steps x 32 MNIST-sized images on a small CNN; saliency on a VGG-like net at 224x224, batch 8;
// IG peak tensor memory at 1,000 steps against 50; first call on a freshly loaded model (fresh processes).
import { execFileSync, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import { explain } from '../../src/attribution'
import { ensureBackend } from '../../src/backend'
import { load } from '../../src/model'
import { mnistCnn, saveModel, saveTensor, vggLike } from './models'

const ROOT = resolve(__dirname, '..', '..', '..', '..')
const WORK = join(ROOT, '.cache', 'bench-attribution')
const PYTHON = join(ROOT, '.venv-ref', 'bin', 'python')
const REPEATS = 5

/** Best and median of a list of seconds. The best run is the one least disturbed by others' jobs. */
function summary(times: number[]): { best: number; median: number } {
  const sorted = [...times].sort((a, b) => a - b)
  return { best: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! }
}

/** Captum in a long-lived Python process: `run(name)` times one run there. */
function startCaptum(): { next(): Promise<unknown>; run(name: string): Promise<number>; stop(): void } {
  const child = spawn(
    PYTHON,
    ['-W', 'ignore', join(ROOT, 'bench', 'attribution', 'captum_bench.py'), WORK, 'serve'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async () => JSON.parse(((await lines.next()).value as string) ?? 'null') as unknown
  return {
    next,
    async run(name) {
      child.stdin.write(`${name}\n`)
      return ((await next()) as { seconds: number }).seconds
    },
    stop: () => child.stdin.end('quit\n'),
  }
}

async function main(): Promise<void> {
  const info = await ensureBackend()
  mkdirSync(WORK, { recursive: true })
  const mnistFolder = join(WORK, 'mnist-cnn')
  const vggFolder = join(WORK, 'vgg-like')
  await saveModel(mnistCnn(), mnistFolder)
  await saveModel(vggLike(), vggFolder)
  const mnistInputs = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 1)
  const vggInputs = tf.randomUniform([8, 224, 224, 3], 0, 1, 'float32', 2)
  saveTensor(mnistInputs, join(WORK, 'mnist-inputs.bin'))
  saveTensor(vggInputs, join(WORK, 'vgg-inputs.bin'))

  const mnist = await load(mnistFolder)
  const vgg = await load(vggFolder)
  // Glasswing and Captum runs alternate (Captum in a long-lived Python process), so that both sides
  // see the same background load on this shared machine.
  const captum = startCaptum()
  const versions = (await captum.next()) as { torch: string; captum: string }
  const runs = {
    ig: () => explain(mnist, mnistInputs, { method: 'integrated-gradients', steps: 50, target: 3 }),
    saliency: () => explain(vgg, vggInputs, { method: 'saliency', target: 3 }),
  }
  const ours: Record<string, number[]> = { ig: [], saliency: [] }
  const theirs: Record<string, number[]> = { ig: [], saliency: [] }
  for (const name of ['ig', 'saliency'] as const) {
    await runs[name]()
    await captum.run(name)
    for (let i = 0; i < REPEATS; i++) {
      const start = performance.now()
      await runs[name]()
      ours[name]!.push((performance.now() - start) / 1000)
      theirs[name]!.push(await captum.run(name))
    }
  }
  captum.stop()
  const peak = async (steps: number) =>
    (
      await tf.profile(async () => {
        await explain(mnist, mnistInputs, { method: 'integrated-gradients', steps, target: 3 })
        return tf.scalar(0)
      })
    ).peakBytes
  const [peak50, peak1000] = [await peak(50), await peak(1000)]

  const fresh = (args: string[]) =>
    JSON.parse(
      execFileSync('node', [join(__dirname, 'first-call.js'), ...args], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()!,
    )
  const firstCold = fresh([mnistFolder])
  const firstWarm = fresh([mnistFolder, 'warmup'])
  const firstCallTorch = JSON.parse(
    execFileSync(PYTHON, [join(ROOT, 'bench', 'attribution', 'captum_bench.py'), WORK, 'first-call'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!,
  ) as Record<string, number>

  const rows: [string, { best: number; median: number }, { best: number; median: number }][] = [
    ['IG, 50 steps x 32 images, small CNN', summary(ours.ig!), summary(theirs.ig!)],
    ['Saliency, VGG-like 224x224, batch 8', summary(ours.saliency!), summary(theirs.saliency!)],
  ]
  const cell = (t: { best: number; median: number }) =>
    `${t.best.toFixed(3)} s (median ${t.median.toFixed(3)})`
  const lines = [
    `backend: ${info.backend} (TensorFlow ${info.tensorflowVersion}), torch ${versions.torch}, captum ${versions.captum}; ${REPEATS} alternating runs after a warm one`,
    '| benchmark | Glasswing | Captum | Captum time / Glasswing time (best; median) |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      ([name, a, b]) =>
        `| ${name} | ${cell(a)} | ${cell(b)} | ${(b.best / a.best).toFixed(2)}x; ${(b.median / a.median).toFixed(2)}x |`,
    ),
    `IG peak tensor memory: 50 steps ${(peak50 / 2 ** 20).toFixed(1)} MiB, 1000 steps ${(peak1000 / 2 ** 20).toFixed(1)} MiB (ratio ${(peak1000 / peak50).toFixed(2)})`,
    `first call, fresh process (import+ready / load / first IG / second IG, seconds): ` +
      `cold ${fmt(firstCold)}; with load warm-up ${fmt(firstWarm)}; PyTorch ${fmt(firstCallTorch)}`,
  ]
  console.log(lines.join('\n'))
  writeFileSync(
    join(WORK, 'results.json'),
    JSON.stringify({ ours, theirs, peak50, peak1000, firstCold, firstWarm, firstCallTorch }, null, 1),
  )
  tf.dispose([mnistInputs, vggInputs])
}

function fmt(t: Record<string, number>): string {
  return [t.importSeconds, t.loadSeconds, t.firstExplainSeconds, t.secondExplainSeconds]
    .map((v) => v!.toFixed(2))
    .join(' / ')
}

void main()
