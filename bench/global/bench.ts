/**
 * Global explanations side by side with their peers, in the same run (see run.sh). Writes
 * bench/global/results.json with each time, the peer's, their ratio and the load average.
 */
import '@tensorflow/tfjs-node'
import * as tf from '@tensorflow/tfjs'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import * as gw from '../../src'
import { fitTree } from '../../src/global/distill/cart'
import { groupMetrics } from '../../src/global/fairness/metrics'
import { tcavScores, trainCav } from '../../src/global/tcav/cav'
import { tTest } from '../../src/global/tcav/stats'
import { seededRandom } from '../../src/data/random'

const ROOT = join(__dirname, '..', '..', '..', '..')
const CACHE = join(ROOT, '.cache', 'bench-global')
const PYTHON = join(ROOT, '.venv-ref', 'bin', 'python')
mkdirSync(CACHE, { recursive: true })
const rows: Record<string, unknown>[] = []
const now = () => performance.now() / 1000

function peer(args: string[]): Record<string, { seconds: number } & Record<string, unknown>> {
  const run = spawnSync(PYTHON, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  })
  if (run.status !== 0) throw new Error(run.stderr)
  const out: Record<string, { seconds: number }> = {}
  for (const line of run.stdout.trim().split('\n')) {
    const row = JSON.parse(line)
    out[row.what] = row
  }
  return out
}

function record(task: string, ours: number, peerName: string, peerSeconds: number, note: string): void {
  const row = {
    task,
    ours,
    peer: peerSeconds,
    peerName,
    ratio: ours / peerSeconds,
    load: loadavg().map((v) => +v.toFixed(2)),
    note,
  }
  rows.push(row)
  console.log(JSON.stringify(row))
}

async function main(): Promise<void> {
  await gw.ready()
  // scikit-learn and Fairlearn: the Python side writes the teacher data it timed on.
  const sk = peer(['scripts/reference/global_reference.py', 'bench'])
  const teacher = JSON.parse(readFileSync(join(CACHE, 'teacher.json'), 'utf8'))
  const x = teacher.x.map((r: number[]) => Float64Array.from(r))
  const p = teacher.p.map((r: number[]) => Float64Array.from(r))
  const y = Int32Array.from(teacher.y)
  let start = now()
  for (let depth = 1; depth <= 6; depth++) {
    fitTree(x, { classes: y, classCount: 3 }, { maxDepth: depth })
    fitTree(x, { values: p }, { maxDepth: depth })
  }
  record(
    'CART depth 1..6, classifier + regressor, 5000 x 5',
    now() - start,
    'scikit-learn',
    sk['sklearn trees depth 1..6 x2, 5000x5']!.seconds,
    'same rows and targets',
  )

  const credit = await gw.datasets.creditG({ split: 'all' })
  const col = (name: string) => credit.table.rows.map((r) => r[credit.table.columns.indexOf(name)]!)
  const duration = col('duration') as number[]
  const amount = col('credit_amount') as number[]
  const checking = col('checking_status')
  const yPred = duration.map((d, i) => (d <= 24 && amount[i]! <= 6000 && checking[i] !== '<0' ? 1 : 0))
  const yTrue = Array.from(credit.labels.dataSync(), (v) => (v === 0 ? 1 : 0))
  const sex = col('personal_status').map((v) => (String(v).startsWith('female') ? 'female' : 'male'))
  start = now()
  for (let i = 0; i < 20; i++) groupMetrics(yTrue, yPred, sex)
  record(
    'group metrics x20, German credit by sex',
    now() - start,
    'Fairlearn MetricFrame + 4 summaries',
    sk['fairlearn metrics x20 credit sex']!.seconds,
    '1,000 rows',
  )
  credit.dispose()

  // TCAV at dense_1 of shortcut-mnist-cnn: activations and gradients once, then the CAVs and scores
  // of one concept against 10 random sets plus 10 random-vs-random, as Captum runs them.
  const model = await gw.load('notebooks/models/shortcut-mnist-cnn')
  const stamped = await gw.datasets.mnist({ split: 'test', limit: 500, watermark: true })
  const plain = await gw.datasets.mnist({ split: 'train', limit: 400 })
  const labels = stamped.labels.arraySync()
  const threes = tf.gather(stamped.images, labels.flatMap((l, i) => (l === 3 ? [i] : [])).slice(0, 50))
  const marked = gw.datasets.addWatermark(plain.images.slice(0, 50), new Array(50).fill(3))
  const act = (t: tf.Tensor) => model.activations(t, ['dense_1'])['dense_1']!.arraySync() as number[][]
  const inputs = act(threes)
  const concept = act(marked)
  const pool = act(plain.images.slice(50, 350))
  const gradients = tf.tidy(() => {
    const split = model.split('dense_1')
    const a = split.head(threes)
    return tf
      .grad((v: tf.Tensor) => split.tail(v).slice([0, 3], [-1, 1]).sum())(a)
      .arraySync() as number[][]
  })
  const randoms = Array.from({ length: 10 }, (_, i) => pool.slice(i * 15, i * 15 + 15))
  const nulls = Array.from({ length: 10 }, (_, i) => pool.slice(150 + i * 15, 165 + i * 15))
  const logits = (model.tfModel as tf.LayersModel).getLayer('logits').getWeights()
  writeFileSync(
    join(CACHE, 'tcav.json'),
    JSON.stringify({
      target: 3,
      inputs,
      concept: concept.slice(0, 15),
      randoms,
      nulls,
      kernel: logits[0]!.arraySync(),
      bias: logits[1]!.arraySync(),
    }),
  )
  const f64 = (m: number[][]) => m.map((r) => Float64Array.from(r))
  const g = f64(gradients)
  start = now()
  const random = seededRandom(0)
  const scores = randoms.map(
    (r) => tcavScores(g, trainCav(f64(concept.slice(0, 15)), f64(r), 'logistic', random).direction).score,
  )
  const nullScores = randoms.map(
    (r, i) => tcavScores(g, trainCav(f64(nulls[i]!), f64(r), 'logistic', random).direction).score,
  )
  const test = tTest(scores, nullScores, 'welch')
  const ours = now() - start
  const captum = peer(['bench/global/captum_tcav.py', join(CACHE, 'tcav.json')])['captum TCAV']!
  record(
    'TCAV: 20 CAVs (concept + null vs 10 random sets) and scores, dense_1 activations',
    ours,
    `Captum ${captum.captum} TCAV`,
    captum.seconds,
    `ours mean score ${(scores.reduce((a, b) => a + b) / 10).toFixed(3)} (t ${test.t.toFixed(2)}, p ${test.p.toExponential(2)}), Captum's ${(captum.meanScore as number).toFixed(3)}; Captum has no test`,
  )
  model.dispose()
  writeFileSync(join(ROOT, 'bench', 'global', 'results.json'), JSON.stringify(rows, null, 1) + '\n')
}

void main()
