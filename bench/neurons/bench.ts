// Whole neuron dictionaries of MNIST CNN layers: feature visualization (256 steps), top 9 of 10,000
// test images, tuning curves, dissection and ablation over the 10,000, timed step by step, with peak
// memory. The target: a 32-channel conv layer in under 60 s on 2 cores.
//   bash bench/neurons/run.sh
// The committed mnist-cnn has 8 and 16 channels; the 32-channel layer is the first conv layer of the
// same architecture widened to 32 filters and trained here (seeded, 1 epoch on 20,000 images, untimed).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import * as gw from '../../src'

const ROOT = resolve(__dirname, '..', '..', '..', '..')

interface Row {
  model: string
  layer: string
  units: number
  seconds: number
  /** User + system CPU seconds of the call: what an idle 2-core machine needs at most (x1 to x0.5 wall). */
  cpuSeconds: number
  steps: Record<string, number>
  /** Resident memory before the call (model, 10,000 images, libraries) and its peak during the call. */
  rssBeforeMiB: number
  peakRssMiB: number
  ablationExamples: number
  baselineAccuracy: number | null
  orientationSelectivityAbove025: string
}

/** Conv 32@3x3 -> pool -> conv 16@3x3 -> pool -> dense 64 -> logits -> softmax, trained briefly. */
async function widenedCnn(): Promise<tf.LayersModel> {
  const model = tf.sequential()
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed })
  model.add(
    tf.layers.conv2d({
      name: 'conv2d_1',
      inputShape: [28, 28, 1],
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: seeded(1),
    }),
  )
  model.add(tf.layers.maxPooling2d({ name: 'max_pooling2d_1', poolSize: 2 }))
  model.add(
    tf.layers.conv2d({
      name: 'conv2d_2',
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: seeded(2),
    }),
  )
  model.add(tf.layers.maxPooling2d({ name: 'max_pooling2d_2', poolSize: 2 }))
  model.add(tf.layers.flatten({ name: 'flatten_1' }))
  model.add(tf.layers.dense({ name: 'dense_1', units: 64, activation: 'relu', kernelInitializer: seeded(3) }))
  model.add(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: seeded(4) }))
  model.add(tf.layers.activation({ name: 'softmax', activation: 'softmax' }))
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy' })
  const train = await gw.datasets.mnist({ split: 'train', limit: 20_000 })
  const targets = tf.oneHot(train.labels, 10)
  await model.fit(train.images, targets, { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 })
  targets.dispose()
  train.dispose()
  return model
}

async function measure(
  name: string,
  model: gw.GlasswingModel,
  layer: string,
  data: { images: tf.Tensor4D; labels: tf.Tensor1D },
  ablation: { limit?: number } = {},
): Promise<Row> {
  // Linux: writing 5 to clear_refs resets the peak RSS (VmHWM), so each row reports its own peak.
  writeFileSync('/proc/self/clear_refs', '5')
  const rssBefore = statusMiB('VmRSS')
  const started = performance.now()
  const cpu = process.cpuUsage()
  const dictionary = await gw.neurons(model, { layer, data, top: 9, visualize: { steps: 256 }, ablation })
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const selectivities = dictionary.entries.map(
    (e) => e.tuning!.find((c) => c.sweep === 'orientation')!.selectivity,
  )
  const row: Row = {
    model: name,
    layer,
    units: dictionary.entries.length,
    seconds: round(seconds),
    cpuSeconds: round((used.user + used.system) / 1e6),
    ablationExamples: dictionary.parts.ablationExamples,
    steps: Object.fromEntries(Object.entries(dictionary.timings).map(([k, v]) => [k, round(v!)])),
    rssBeforeMiB: rssBefore,
    peakRssMiB: statusMiB('VmHWM'),
    baselineAccuracy: dictionary.baselineAccuracy,
    orientationSelectivityAbove025: `${selectivities.filter((s) => s > 0.25).length}/${selectivities.length}`,
  }
  console.log(JSON.stringify(row))
  return row
}

/** A /proc/self/status field in MiB. */
function statusMiB(field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field))
  return round(Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024)
}

const round = (value: number): number => Math.round(value * 100) / 100

async function main(): Promise<void> {
  const info = await gw.ready()
  const test = await gw.datasets.mnist({ split: 'test', limit: 10_000 })
  const data = { images: test.images, labels: test.labels }
  const rows: Row[] = []
  const only = process.argv[2]
  if (!only || only === 'wide') {
    // Trained once and cached: the benchmark times the dictionary, not the training.
    const cached = join(ROOT, '.cache', 'bench-neurons', 'mnist-cnn-32')
    if (!existsSync(join(cached, 'model.json'))) {
      mkdirSync(cached, { recursive: true })
      await (await widenedCnn()).save(`file://${cached}`)
    }
    const wide = await gw.load(cached)
    rows.push(await measure('mnist-cnn widened to 32 channels', wide, 'conv2d_1', data))
    // The same with ablation over all 10,000 examples instead of the default first 2,000.
    rows.push(await measure('mnist-cnn widened to 32 channels', wide, 'conv2d_1', data, { limit: 10_000 }))
  }
  if (!only || only === 'committed') {
    const committed = await gw.load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))
    rows.push(await measure('mnist-cnn', committed, 'conv2d_1', data))
    rows.push(await measure('mnist-cnn', committed, 'conv2d_2', data))
  }
  const results = {
    machine: `${require('node:os').cpus().length} cores, shared with other jobs (timings are noisy)`,
    backend: info,
    examples: 10_000,
    rows,
  }
  writeFileSync(join(ROOT, 'bench', 'neurons', 'results.json'), JSON.stringify(results, null, 2) + '\n')
  test.dispose()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
