// Saliency and Grad-CAM only, Glasswing against Captum on the same weights and inputs, alternating:
//   bash bench/attribution/run-gradient-pass.sh
// The quick check for changes to the gradient methods' passes (bench.ts and perturbation-cam.ts run
// the same cases among others).
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import { explain } from '../../src/attribution'
import { ensureBackend } from '../../src/backend'
import { load } from '../../src/model'
import { saveModel, saveTensor, vggLike } from './models'

const ROOT = resolve(__dirname, '..', '..', '..', '..')
const WORK = join(ROOT, '.cache', 'bench-attribution')
const PYTHON = join(ROOT, '.venv-ref', 'bin', 'python')
const REPEATS = Number(process.env.GLASSWING_BENCH_REPEATS ?? 5)

async function main(): Promise<void> {
  const info = await ensureBackend()
  mkdirSync(WORK, { recursive: true })
  const vggFolder = join(WORK, 'vgg-like')
  await saveModel(vggLike(), vggFolder)
  const vggInputs = tf.randomUniform([8, 224, 224, 3], 0, 1, 'float32', 2)
  saveTensor(vggInputs, join(WORK, 'vgg-inputs.bin'))
  // captum_bench.py's server also loads the MNIST model and inputs; bench.ts writes them.
  const vgg = await load(vggFolder)
  const child = spawn(
    PYTHON,
    ['-W', 'ignore', join(ROOT, 'bench', 'attribution', 'captum_bench.py'), WORK, 'serve'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async () =>
    JSON.parse(((await lines.next()).value as string) ?? 'null') as Record<string, unknown>
  const captum = async (name: string) => {
    child.stdin.write(`${name}\n`)
    return (await next()).seconds as number
  }
  const versions = await next()
  const runs = {
    saliency: () => explain(vgg, vggInputs, { method: 'saliency', target: 3 }),
    'grad-cam': () => explain(vgg, vggInputs, { method: 'grad-cam', layer: 'block4_conv2', target: 3 }),
  }
  const rows: string[] = []
  for (const name of ['saliency', 'grad-cam'] as const) {
    await runs[name]()
    await captum(name)
    const ours: number[] = []
    const theirs: number[] = []
    for (let i = 0; i < REPEATS; i++) {
      const start = performance.now()
      await runs[name]()
      ours.push((performance.now() - start) / 1000)
      theirs.push(await captum(name))
    }
    const best = (times: number[]) => Math.min(...times)
    const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!
    rows.push(
      `| ${name}, VGG-like 224x224, batch 8 | ${best(ours).toFixed(3)} s (median ${median(ours).toFixed(3)}) | ` +
        `${best(theirs).toFixed(3)} s (median ${median(theirs).toFixed(3)}) | ` +
        `${(best(theirs) / best(ours)).toFixed(2)}x; ${(median(theirs) / median(ours)).toFixed(2)}x |`,
    )
  }
  child.stdin.end('quit\n')
  console.log(
    [
      `backend: ${info.backend}, torch ${String(versions.torch)}, captum ${String(versions.captum)}; ${REPEATS} alternating runs after a warm one`,
      '| benchmark | Glasswing | Captum | Captum time / Glasswing time (best; median) |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  )
  vggInputs.dispose()
}

void main()
