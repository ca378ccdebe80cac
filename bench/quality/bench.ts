// gw.evaluate vs Quantus/Captum on mnist-cnn with 64 test digits: the same weights, digits, saliency maps
// and infidelity perturbations on both sides; times as ratios (theirs / ours) with the load average.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { explain } from '../../src/attribution'
import { ensureBackend } from '../../src/backend'
import { datasets } from '../../src/data'
import { load } from '../../src/model'
import { evaluate, qualityMetrics, randomisationTest } from '../../src/quality'

const ROOT = resolve(__dirname, '../../../..')
const WORK = join(ROOT, '.cache/bench-quality')
const N = Number(process.env['N'] ?? 64)
const STEP = 28 // features per pixel-flipping step: 28 steps over 784 pixels
const SAMPLES = 10

async function timed<T>(body: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now()
  const value = await body()
  return { seconds: (performance.now() - start) / 1000, value }
}

async function main(): Promise<void> {
  await ensureBackend()
  mkdirSync(WORK, { recursive: true })
  const model = await load(join(ROOT, 'notebooks/models/mnist-cnn'))
  const data = await datasets.mnist({ split: 'test', limit: N })
  const saliency = await explain(model, data.images, { method: 'saliency' })
  const targets = saliency.targets as number[]
  const noise = qualityMetrics.gaussianPerturbations(N, SAMPLES, 784, 0.1, 0)
  writeFileSync(join(WORK, 'inputs.bin'), Buffer.from(saliency.data.inputs.buffer))
  writeFileSync(join(WORK, 'saliency.bin'), Buffer.from(saliency.values.slice().buffer))
  writeFileSync(join(WORK, 'noise.bin'), Buffer.concat(noise.map((n) => Buffer.from(n.buffer))))
  writeFileSync(join(WORK, 'meta.json'), JSON.stringify({ n: N, targets, step: STEP, samples: SAMPLES }))

  const ours: Record<string, number> = {}
  const deletion = await timed(() =>
    evaluate(model, saliency, {
      preset: 'quantus',
      metrics: ['deletion'],
      settings: { deletion: { perStep: STEP, softmax: false } },
    }),
  )
  ours['deletion'] = deletion.seconds
  const rows = targets.map((target, r) => ({
    input: saliency.data.inputs.subarray(r * 784, (r + 1) * 784),
    attribution: saliency.values.subarray(r * 784, (r + 1) * 784),
    target,
  }))
  const score = qualityMetrics.modelScorer(model, [28, 28, 1], 128, 'bench')
  const infidelity = await timed(() => qualityMetrics.infidelity(score, rows, noise, SAMPLES, true))
  ours['infidelity'] = infidelity.seconds
  const cascade = await timed(() =>
    randomisationTest(model, saliency, { order: 'cascading', similarity: 'spearman' }),
  )
  ours['cascade'] = cascade.seconds

  const python = join(ROOT, '.venv-ref/bin/python')
  const output = execFileSync(python, [join(ROOT, 'bench/quality/reference_bench.py'), WORK], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const theirs = JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number | number[]>
  const diff = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))
  const load1 = loadavg()
    .map((v) => v.toFixed(2))
    .join(', ')
  console.log(`\nmnist-cnn, ${N} test digits, saliency; load average ${load1}`)
  console.log(
    'metric                                 glasswing    quantus/captum   ratio (theirs/ours)  max |diff|',
  )
  const line = (name: string, key: string, d: number): void =>
    console.log(
      `${name.padEnd(38)} ${ours[key]!.toFixed(3).padStart(8)} s ${(theirs[key] as number).toFixed(3).padStart(12)} s ${((theirs[key] as number) / ours[key]!).toFixed(2).padStart(12)}x  ${d.toExponential(2).padStart(12)}`,
    )
  line(
    `deletion AUC (pixel flipping, ${784 / STEP} steps)`,
    'deletion',
    diff(deletion.value.values('deletion'), theirs['deletion-auc'] as number[]),
  )
  line(
    `infidelity (Captum, ${SAMPLES} samples, normalize)`,
    'infidelity',
    diff(infidelity.value, theirs['infidelity-values'] as number[]),
  )
  line(
    `cascade (${cascade.value.layers.length} layers, Spearman; own RNGs)`,
    'cascade',
    diff(cascade.value.similarity, theirs['cascade-means'] as number[]),
  )
  console.log(
    `ours cascade: ${cascade.value.similarity.map((v) => v.toFixed(3)).join(' ')}; quantus: ${(theirs['cascade-means'] as number[]).map((v) => v.toFixed(3)).join(' ')}`,
  )
  tf.dispose([data.images, data.labels])
  model.dispose()
}

void main()
