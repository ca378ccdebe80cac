// Activation patching sweep of the committed mnist-cnn: layers conv2d_1 (26x26), max_pooling2d_1
// (13x13) and conv2d_2 (11x11), each tiled into 7x7 cells, 64 clean/corrupted pairs (test digits 0..63
// clean, 64..127 corrupted), normalised recovery. gw.patch stacks the 147 patch variants along the batch
// axis; the loop patches one cell per forward pass (the batch still holds the 64 pairs), as a
// TransformerLens hook loop over layers x positions does. Both give the same numbers (checked).
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import * as gw from '../../src'
import { sweepColumns } from '../../src/interventions'

const ROOT = resolve(__dirname, '..', '..', '..', '..')
const LAYERS = ['conv2d_1', 'max_pooling2d_1', 'conv2d_2']

async function main(): Promise<void> {
  const info = await gw.ready()
  const model = await gw.load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))
  const test = await gw.datasets.mnist({ split: 'test', limit: 128 })
  const clean = test.images.slice([0], [64])
  const corrupt = test.images.slice([64], [64])
  const load = () => loadavg().map((v) => Math.round(v * 100) / 100)
  // Warm-up (kernels, first-call costs) for both, untimed.
  gw.patch(
    model,
    { clean: clean.slice([0], [4]), corrupt: corrupt.slice([0], [4]) },
    { layers: LAYERS, grid: 7 },
  )

  const loadBefore = load()
  let t = performance.now()
  const sweep = gw.patch(model, { clean, corrupt }, { layers: LAYERS, grid: 7 })
  const batchedSeconds = (performance.now() - t) / 1000

  // The one-index-per-pass loop: the clean and corrupted activations per layer, then one tail pass per cell.
  t = performance.now()
  const probs = (x: tf.Tensor) => tf.tidy(() => model.predict(x).clipByValue(1e-30, 1).log())
  const cleanOut = probs(clean)
  const corruptOut = probs(corrupt)
  const target = cleanOut.argMax(1).dataSync()
  const c = corruptOut.arraySync() as number[][]
  const foil = Int32Array.from(c, (row, i) => {
    let best = -1
    row.forEach((v, k) => {
      if (k !== target[i] && (best < 0 || v > row[best]!)) best = k
    })
    const arg = row.indexOf(Math.max(...row))
    return arg !== target[i] ? arg : best
  })
  const cl = cleanOut.arraySync() as number[][]
  const loopValues: number[][] = []
  for (const layer of LAYERS) {
    const split = model.split(layer)
    const a = split.head(corrupt)
    const d = split.head(clean)
    const columns = sweepColumns(a.shape.slice(1), 'cells', 7, 'bench', layer)
    const row: number[] = []
    for (const column of columns) {
      const value = tf.tidy(() => {
        const mask = tf
          .tensor2d(column.where.spatial!.map((r) => [...r]))
          .reshape([a.shape[1]!, a.shape[2]!, 1])
        const patched = a.mul(tf.onesLike(mask).sub(mask)).add(d.mul(mask))
        return split.tail(patched, corrupt).clipByValue(1e-30, 1).log().arraySync() as number[][]
      })
      let sum = 0
      value.forEach((p, i) => {
        const diff = (r: number[]) => r[target[i]!]! - r[foil[i]!]!
        sum += (diff(p) - diff(c[i]!)) / (diff(cl[i]!) - diff(c[i]!))
      })
      row.push(sum / 64)
    }
    loopValues.push(row)
    tf.dispose([a, d])
  }
  tf.dispose([cleanOut, corruptOut])
  const loopSeconds = (performance.now() - t) / 1000
  const loadAfter = load()
  let maxDifference = 0
  sweep.values.forEach((row, r) =>
    row.forEach((v, k) => (maxDifference = Math.max(maxDifference, Math.abs(v - loopValues[r]![k]!)))),
  )
  const result = {
    benchmark:
      'activation patching, mnist-cnn, 3 layers x 7x7 cells x 64 pairs (147 patches), normalised recovery',
    backend: info.backend,
    batchedSeconds: Math.round(batchedSeconds * 1000) / 1000,
    batchedPasses: sweep.passes,
    loopSeconds: Math.round(loopSeconds * 1000) / 1000,
    loopPasses: 147,
    ratio: Math.round((loopSeconds / batchedSeconds) * 100) / 100,
    maxDifference,
    best: sweep.best(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    cpus: require('node:os').cpus().length,
    date: new Date().toISOString(),
  }
  console.log(JSON.stringify(result, null, 1))
  writeFileSync(join(ROOT, 'bench', 'interventions', 'results.json'), JSON.stringify(result, null, 1) + '\n')
  tf.dispose([clean, corrupt])
  test.dispose()
  model.dispose()
}

void main()
