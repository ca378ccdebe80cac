/**
 * Side-by-side benchmark of Glasswing's representation methods against their peers, in one run:
 *   PCA 10,000 x 512 -> 50 (scikit-learn), t-SNE of 10,000 and 70,000 MNIST points after PCA to 50
 *   (openTSNE), UMAP of 10,000 (umap-learn). Peers run from .venv-ref (requirements-reference.txt)
 *   through scripts/reference/representation.py, after ours, one at a time.
 *
 *   node_modules/.bin/tsc -p bench/representation && node .build/representation/bench/representation/bench.js
 *   (add `--only=pca,tsne10k,tsne70k,umap` to pick tasks, `--no-peers` to skip the Python side)
 */
import '@tensorflow/tfjs-node'
import { spawnSync } from 'node:child_process'
import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fitPca } from '../../src/representation/pca'
import { embeddingQuality } from '../../src/representation/quality'
import { runTsne } from '../../src/representation/tsne'
import { runUmap } from '../../src/representation/umap'
import type { Matrix } from '../../src/representation/matrix'
import { mnist, wide512 } from './data'

const ROOT = join(__dirname, '..', '..', '..', '..')
const args = process.argv.slice(2)
const only = (args.find((a) => a.startsWith('--only='))?.slice(7) ?? 'pca,tsne10k,tsne70k,umap').split(',')
const peers = !args.includes('--no-peers')

interface Row {
  task: string
  ours: number
  peer?: number
  peerName: string
  note: string
}
const rows: Row[] = []

function seconds(start: number): number {
  return (performance.now() - start) / 1000
}

function trust(x: Matrix, coordinates: Float32Array): number {
  return embeddingQuality(x, { values: coordinates, rows: x.rows, columns: 2 }).trustworthiness
}

async function main(): Promise<void> {
  // Warm the native backend (library load, first kernels) outside every timing, as the peers' imports are.
  fitPca(mnist('test', 500).images, { components: 5 })
  if (only.includes('pca')) {
    const x = wide512(mnist('train', 10_000).images)
    fitPca(x, { components: 50 })
    const start = performance.now()
    const model = fitPca(x, { components: 50 })
    const sum = model.explainedVariance.reduce((a, b) => a + b, 0)
    rows.push({
      task: 'pca-10000x512-50',
      ours: seconds(start),
      peerName: 'scikit-learn',
      note: `solver ${model.solver}, explained variance sum ${sum.toFixed(4)}`,
    })
    log(rows.at(-1)!)
  }
  for (const n of [10_000, 70_000]) {
    if (!only.includes(`tsne${n / 1000}k`)) continue
    const { images } = mnist(n > 10_000 ? 'all' : 'train', n)
    const x = fitPca(images, { components: 50 }).transform(images)
    const start = performance.now()
    const result = await runTsne(x, { seed: 0 })
    const time = seconds(start)
    const quality = embeddingQuality(x, { values: result.coordinates, rows: n, columns: 2 })
    const estimate = quality.queries < n ? ` (estimated from ${quality.queries} points)` : ''
    rows.push({
      task: `tsne-${n}`,
      ours: time,
      peerName: 'openTSNE',
      note: `trustworthiness ${quality.trustworthiness.toFixed(4)}${estimate}`,
    })
    log(rows.at(-1)!)
  }
  if (only.includes('umap')) {
    const { images } = mnist('test', 10_000)
    const x = fitPca(images, { components: 50 }).transform(images)
    const start = performance.now()
    const result = await runUmap(x, { seed: 0 })
    rows.push({
      task: 'umap-10000',
      ours: seconds(start),
      peerName: 'umap-learn',
      note: `trustworthiness ${trust(x, result.coordinates).toFixed(4)}`,
    })
    log(rows.at(-1)!)
  }
  if (peers) {
    const python = spawnSync(
      join(ROOT, '.venv-ref', 'bin', 'python'),
      [join(ROOT, 'scripts', 'reference', 'representation.py'), 'bench', only.join(',')],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    for (const line of python.stdout.split('\n').filter((l) => l.startsWith('{'))) {
      const peer = JSON.parse(line) as {
        task: string
        seconds: number
        trustworthiness?: number | null
        explainedVarianceSum?: number
      }
      const task = peer.task.replace(/-(auto|randomized)$/, '')
      const row = rows.find((r) => r.task === task)
      if (!row) continue
      const detail = peer.trustworthiness
        ? `trustworthiness ${peer.trustworthiness.toFixed(4)}`
        : peer.explainedVarianceSum
          ? `explained variance sum ${peer.explainedVarianceSum.toFixed(4)}`
          : ''
      if (peer.task.endsWith('-randomized')) row.note += `; sklearn randomized ${peer.seconds.toFixed(2)} s`
      else {
        row.peer = peer.seconds
        row.note += `; peer: ${detail}`
      }
    }
  }
  console.log(
    '\n| task | Glasswing (s) | peer | peer (s) | peer / Glasswing | notes |\n| --- | --- | --- | --- | --- | --- |',
  )
  for (const r of rows) {
    const ratio = r.peer ? (r.peer / r.ours).toFixed(2) : '-'
    console.log(
      `| ${r.task} | ${r.ours.toFixed(2)} | ${r.peerName} | ${r.peer?.toFixed(2) ?? '-'} | ${ratio} | ${r.note} |`,
    )
  }
  mkdirSync(join(ROOT, '.cache', 'bench'), { recursive: true })
  writeFileSync(join(ROOT, '.cache', 'bench', 'representation.json'), JSON.stringify(rows, null, 1))
}

function log(row: Row): void {
  console.log(`${row.task}: ${row.ours.toFixed(2)} s (${row.note})`)
}

void main()
