// Glasswing (tfjs-node) against Captum (PyTorch CPU), same weights and inputs, in one run:
//   bash bench/attribution/run.sh
// IG 50 steps x 32 MNIST-sized images on a small CNN; saliency on a VGG-like net at 224x224, batch 8;
// IG peak tensor memory at 1,000 steps against 50; first call on a freshly loaded model (fresh processes).
import { execFileSync } from 'node:child_process'
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

/** Best and median of `repeats` timed runs after one warm run. Others' jobs share the machine: the best
 * run is the one least disturbed by them, so the ratio is taken on it (the medians are reported too). */
async function timed(
  body: () => Promise<unknown>,
  repeats = REPEATS,
): Promise<{ best: number; median: number }> {
  await body()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    await body()
    times.push((performance.now() - start) / 1000)
  }
  times.sort((a, b) => a - b)
  return { best: times[0]!, median: times[Math.floor(times.length / 2)]! }
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
  const ours: Record<string, { best: number; median: number }> = {}
  ours.ig = await timed(() =>
    explain(mnist, mnistInputs, { method: 'integrated-gradients', steps: 50, target: 3 }),
  )
  ours.saliency = await timed(() => explain(vgg, vggInputs, { method: 'saliency', target: 3 }), 3)
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

  const captumOut = execFileSync(PYTHON, [join(ROOT, 'bench', 'attribution', 'captum_bench.py'), WORK], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  const theirs = JSON.parse(captumOut.trim().split('\n').pop()!) as Record<string, unknown>
  const captum = (key: string) => theirs[key] as { best: number; median: number }

  const rows: [string, { best: number; median: number }, { best: number; median: number }][] = [
    ['IG, 50 steps x 32 images, small CNN', ours.ig!, captum('ig')],
    ['Saliency, VGG-like 224x224, batch 8', ours.saliency!, captum('saliency')],
  ]
  const cell = (t: { best: number; median: number }) =>
    `${t.best.toFixed(3)} s (median ${t.median.toFixed(3)})`
  const lines = [
    `backend: ${info.backend} (TensorFlow ${info.tensorflowVersion}), torch ${String(theirs.torch)}, captum ${String(theirs.captum)}; best of ${REPEATS} after a warm run`,
    '| benchmark | Glasswing | Captum | Captum time / Glasswing time (best; median) |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      ([name, a, b]) =>
        `| ${name} | ${cell(a)} | ${cell(b)} | ${(b.best / a.best).toFixed(2)}x; ${(b.median / a.median).toFixed(2)}x |`,
    ),
    `IG peak tensor memory: 50 steps ${(peak50 / 2 ** 20).toFixed(1)} MiB, 1000 steps ${(peak1000 / 2 ** 20).toFixed(1)} MiB (ratio ${(peak1000 / peak50).toFixed(2)})`,
    `first call, fresh process (import+ready / load / first IG / second IG, seconds): ` +
      `cold ${fmt(firstCold)}; with load warm-up ${fmt(firstWarm)}; PyTorch ${fmt(theirs.firstCall as Record<string, number>)}`,
  ]
  console.log(lines.join('\n'))
  writeFileSync(
    join(WORK, 'results.json'),
    JSON.stringify({ ours, theirs, peak50, peak1000, firstCold, firstWarm }, null, 1),
  )
  tf.dispose([mnistInputs, vggInputs])
}

function fmt(t: Record<string, number>): string {
  return [t.importSeconds, t.loadSeconds, t.firstExplainSeconds, t.secondExplainSeconds]
    .map((v) => v!.toFixed(2))
    .join(' / ')
}

void main()
