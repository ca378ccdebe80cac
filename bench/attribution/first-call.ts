// A fresh process: import Glasswing, load a model from disk, explain once, then again. Prints JSON.
import { performance } from 'node:perf_hooks'
const started = performance.now()
import { explain } from '../../src/attribution'
import { ensureBackend } from '../../src/backend'
import { load } from '../../src/model'
import * as tf from '@tensorflow/tfjs'

async function main(): Promise<void> {
  const [folder, warmup] = [process.argv[2]!, process.argv[3] === 'warmup']
  await ensureBackend()
  const imported = performance.now()
  const model = await load(folder, { warmup })
  const loaded = performance.now()
  const x = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 1)
  await explain(model, x, { method: 'integrated-gradients', steps: 50 })
  const first = performance.now()
  await explain(model, x, { method: 'integrated-gradients', steps: 50 })
  const second = performance.now()
  console.log(
    JSON.stringify({
      importSeconds: (imported - started) / 1000,
      loadSeconds: (loaded - imported) / 1000,
      firstExplainSeconds: (first - loaded) / 1000,
      secondExplainSeconds: (second - first) / 1000,
      totalToFirstSeconds: (first - started) / 1000,
    }),
  )
}
void main()
