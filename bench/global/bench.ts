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
import { fitLasso } from '../../src/global/distill/linear'
import { bootstrapIntervals, groupMetrics } from '../../src/global/fairness/metrics'
import { tcavScores, trainCav } from '../../src/global/tcav/cav'
import { tTest } from '../../src/global/tcav/stats'
import { seededRandom } from '../../src/data/random'

const ROOT = join(__dirname, '..', '..', '..', '..')
const CACHE = join(ROOT, '.cache', 'bench-global')
const PYTHON = join(ROOT, '.venv-ref', 'bin', 'python')
mkdirSync(CACHE, { recursive: true })
const rows: Record<string, unknown>[] = []
const now = () => performance.now() / 1000

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function peer(args: string[]): Record<string, { seconds: number } & Record<string, any>> {
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

function record(
  task: string,
  ours: number,
  peerName: string,
  peerSeconds: number,
  note: string,
  compared: Record<string, unknown> = {},
): void {
  const row = {
    task,
    ours,
    peer: peerSeconds,
    peerName,
    ratio: ours / peerSeconds,
    load: loadavg().map((v) => +v.toFixed(2)),
    note,
    ...compared,
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

  start = now()
  const lasso = [0, 1, 2].map((k) =>
    fitLasso(
      x,
      Float64Array.from(p, (r: Float64Array) => r[k]!),
      { alpha: 0.01 },
    ),
  )
  const lassoSeconds = now() - start
  const skLasso = sk['sklearn lasso x3, 5000x5']!
  let coefDifference = 0
  lasso.forEach((m, k) =>
    m.weights.forEach(
      (w, j) => (coefDifference = Math.max(coefDifference, Math.abs(w - skLasso.coef[k][j]))),
    ),
  )
  record(
    'lasso (alpha 0.01) on each of 3 probabilities, 5000 x 5',
    lassoSeconds,
    'scikit-learn Lasso',
    skLasso.seconds,
    `largest coefficient difference ${coefDifference.toExponential(2)} (scikit-learn's tol 1e-4, ours 1e-6)`,
    { largestCoefficientDifference: coefDifference },
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
  start = now()
  const intervals = bootstrapIntervals(yTrue, yPred, sex, { resamples: 200, level: 0.95, seed: 1 })
  const skBoot = sk['fairlearn bootstrap 200 credit sex']!
  record(
    'bootstrap 95 % intervals, 200 resamples, German credit by sex',
    now() - start,
    'Fairlearn MetricFrame(n_boot=200) difference_ci + ratio_ci',
    skBoot.seconds,
    `demographic parity difference [${intervals.demographicParityDifference.map((v) => v.toFixed(3)).join(', ')}] vs Fairlearn's ` +
      `[${(skBoot.demographicParityDifference as number[]).map((v) => v.toFixed(3)).join(', ')}] (ours resamples within each group, Fairlearn all rows: close, not equal)`,
    {
      intervals: {
        ours: intervals.demographicParityDifference,
        fairlearn: skBoot.demographicParityDifference,
      },
    },
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
  // Timed apart: the gradients at dense_1 through the whole model (Captum differentiates only the tail).
  const gradientStart = now()
  const gradients = tf.tidy(() => {
    const split = model.split('dense_1')
    const a = split.head(threes)
    return tf
      .grad((v: tf.Tensor) => split.tail(v).slice([0, 3], [-1, 1]).sum())(a)
      .arraySync() as number[][]
  })
  const gradientSeconds = now() - gradientStart
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
  // The scores compared: Captum's per-set scores, Captum's own CAVs scored on our gradients (must be the
  // same numbers: same gradients, same sign count), and each set's CAV direction against ours.
  const captumScores = (captum.sets as { score: number; cav: number[] }[]).map((s) => s.score)
  const unit = (v: ArrayLike<number>): Float64Array => {
    const norm = Math.sqrt(Array.from(v).reduce((a, b) => a + b * b, 0)) || 1
    return Float64Array.from(v, (x) => x / norm)
  }
  const captumCavsHere = (captum.sets as { cav: number[] }[]).map((s) => tcavScores(g, unit(s.cav)).score)
  const sameCavsDifference = Math.max(...captumCavsHere.map((v, i) => Math.abs(v - captumScores[i]!)))
  const random2 = seededRandom(0)
  const ourDirections = [
    ...randoms.map((r) => trainCav(f64(concept.slice(0, 15)), f64(r), 'logistic', random2).direction),
    ...randoms.map((r, i) => trainCav(f64(nulls[i]!), f64(r), 'logistic', random2).direction),
  ]
  const cosines = ourDirections.map((d, i) => {
    const c = unit((captum.sets as { cav: number[] }[])[i]!.cav)
    return d.reduce((s, v, j) => s + v * c[j]!, 0)
  })
  const ourAll = [...scores, ...nullScores]
  const meanAbs = ourAll.reduce((s, v, i) => s + Math.abs(v - captumScores[i]!), 0) / ourAll.length
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
  record(
    'TCAV: 20 CAVs (concept + null vs 10 random sets) and scores, dense_1 activations',
    ours,
    `Captum ${captum.captum} TCAV`,
    captum.seconds,
    `ours: CAVs and scores from the gradients (the gradients themselves ${gradientSeconds.toFixed(3)} s more); Captum's time includes its gradient pass over the logits layer and writing its CAVs to disk. ` +
      `Mean concept score ours ${mean(scores).toFixed(3)}, Captum ${mean(captumScores.slice(0, 10)).toFixed(3)}; ` +
      `null sets ours ${mean(nullScores).toFixed(3)}, Captum ${mean(captumScores.slice(10)).toFixed(3)}; ` +
      `Captum's CAVs scored on our gradients differ from Captum's scores by at most ${sameCavsDifference.toFixed(3)}; ` +
      `own CAVs: mean |score difference| ${meanAbs.toFixed(3)}, mean cosine of the CAV directions ${mean(cosines).toFixed(3)} ` +
      `(Captum: SGD classifier, ours: L2 logistic regression, different train/test splits). ` +
      `Ours t ${test.t.toFixed(2)}, p ${test.p.toExponential(2)} (concept vs null scores); Captum has no test`,
    {
      scores: { ours: ourAll, captum: captumScores, captumCavsOnOurGradients: captumCavsHere },
      gradientSeconds,
      sameCavsLargestDifference: sameCavsDifference,
      meanAbsoluteScoreDifference: meanAbs,
      cavCosines: cosines,
    },
  )
  model.dispose()
  writeFileSync(join(ROOT, 'bench', 'global', 'results.json'), JSON.stringify(rows, null, 1) + '\n')
}

void main()
