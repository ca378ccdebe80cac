// One measurement of bench/memory: a method on N MNIST test digits, in a fresh process, printing one
// JSON line with the peak resident memory. Run by bench.ts; alone:
//   node .build/memory/bench/memory/one.js smoothgrad 1000
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import { explain, type ExplainOptions } from '../../src/attribution'
import { ensureBackend } from '../../src/backend'
import { mnist } from '../../src/data/mnist'
import { load } from '../../src/model'

const ROOT = resolve(__dirname, '..', '..', '..', '..')

/** The methods measured, as a user would call them. */
export const CASES: Record<string, ExplainOptions> = {
  saliency: { method: 'saliency' },
  smoothgrad: { method: 'smoothgrad', noise: { samples: 50 }, seed: 1 },
  'gradient-shap': { method: 'gradient-shap', samples: 20, stdev: 0.1, seed: 1 },
  'integrated-gradients': { method: 'integrated-gradients', steps: 50 },
}

/** Peak resident set of this process so far, in MiB (the kernel's high-water mark). */
function peakMiB(): number {
  const status = readFileSync('/proc/self/status', 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024
}

async function main(): Promise<void> {
  const [name, count] = [process.argv[2]!, Number(process.argv[3])]
  const info = await ensureBackend()
  const model = await load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))
  const { images } = await mnist({ split: 'test', limit: count })
  const beforeMiB = peakMiB()
  const tensors = tf.memory().numTensors
  const started = performance.now()
  const batchSize = process.env.GLASSWING_BENCH_BATCH ? Number(process.env.GLASSWING_BENCH_BATCH) : undefined
  const result = await explain(model, images, { ...CASES[name]!, ...(batchSize ? { batchSize } : {}) })
  const seconds = (performance.now() - started) / 1000
  const line = {
    method: name,
    inputs: count,
    peakMiB: Math.round(peakMiB()),
    beforeMiB: Math.round(beforeMiB),
    seconds: Number(seconds.toFixed(1)),
    values: result.values.length,
    leakedTensors: tf.memory().numTensors - tensors,
    backend: info.backend,
  }
  console.log(JSON.stringify(line))
  images.dispose()
  model.dispose()
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
