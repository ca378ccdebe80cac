// Glasswing (tfjs-node) against Captum (PyTorch CPU) for layer conductance and feature permutation, same
// weights, inputs and settings:   bash bench/attribution/run-conductance-permutation.sh
//   Layer conductance     32 MNIST-sized images, small CNN, conv2 (after its ReLU), zero baseline, 50 steps
//   Feature permutation   256 MNIST-sized images, 7x7-pixel grid (16 features) shuffled across them
// Prints a table with the load average before and after (the machine is shared).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import * as gw from '../../src'
import { mnistCnn, saveModel, saveTensor } from './models'

const ROOT = resolve(__dirname, '..', '..', '..', '..')
const WORK = join(ROOT, '.cache', 'bench-attribution-conductance-permutation')
const PYTHON = join(ROOT, '.venv-ref', 'bin', 'python')
const REPEATS = 3
const ROUNDS = 2

async function best(body: () => Promise<unknown>): Promise<number> {
  await body() // warm
  let fastest = Infinity
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now()
    await body()
    fastest = Math.min(fastest, (performance.now() - start) / 1000)
  }
  return fastest
}

async function main(): Promise<void> {
  const info = await gw.ready()
  const loadBefore = loadavg().map((v) => v.toFixed(2))
  mkdirSync(WORK, { recursive: true })
  const folder = join(WORK, 'mnist-cnn')
  await saveModel(mnistCnn(), folder)
  const images = tf.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 1)
  saveTensor(images, join(WORK, 'mnist-inputs.bin'))
  const few = images.slice([0], [32])
  const model = await gw.load(folder)
  const ours = { layerConductance: Infinity, featurePermutation: Infinity }
  let theirs: Record<string, number | string> = {}
  for (let round = 0; round < ROUNDS; round++) {
    ours.layerConductance = Math.min(
      ours.layerConductance,
      await best(() =>
        gw.explain(model, few, { method: 'layer-conductance', layer: 'conv2', steps: 50, target: 3 }),
      ),
    )
    ours.featurePermutation = Math.min(
      ours.featurePermutation,
      await best(() =>
        gw.explain(model, images, {
          method: 'feature-permutation',
          segments: { method: 'grid', cellSize: 7 },
          target: 3,
          seed: 1,
        }),
      ),
    )
    const output = execFileSync(
      PYTHON,
      [join(ROOT, 'bench', 'attribution', 'captum_conductance_permutation_bench.py'), WORK],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    )
    const measured = JSON.parse(output.trim().split('\n').pop()!) as Record<string, number | string>
    theirs = Object.fromEntries(
      Object.entries(measured).map(([key, value]) => [
        key,
        typeof value === 'number' && typeof theirs[key] === 'number' && key !== 'threads'
          ? Math.min(value, theirs[key] as number)
          : value,
      ]),
    )
  }
  const loadAfter = loadavg().map((v) => v.toFixed(2))
  const rows: [string, number, number][] = [
    [
      'Layer conductance, 32 images 28x28, conv2, 50 steps (s)',
      ours.layerConductance,
      theirs.layerConductance as number,
    ],
    [
      'Feature permutation, 256 images, 16 grid cells (s)',
      ours.featurePermutation,
      theirs.featurePermutation as number,
    ],
  ]
  console.log(
    [
      `backend: ${info.backend} (TensorFlow ${info.tensorflowVersion}), torch ${String(theirs.torch)} (${String(theirs.threads)} threads), captum ${String(theirs.captum)}; best of ${REPEATS} x ${ROUNDS} alternating rounds; load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`,
      '| benchmark | Glasswing | Captum | Captum time / Glasswing time |',
      '| --- | --- | --- | --- |',
      ...rows.map(
        ([name, a, b]) => `| ${name} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(b / a).toFixed(2)}x |`,
      ),
    ].join('\n'),
  )
  writeFileSync(join(WORK, 'results.json'), JSON.stringify({ ours, theirs, loadBefore, loadAfter }, null, 1))
  tf.dispose([images, few])
  model.dispose()
}

void main()
