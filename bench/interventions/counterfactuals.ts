// Counterfactuals for rejected credit applicants: gw.counterfactuals against DiCE (dice-ml) on the same
// committed credit MLP, the same 20 applicants (the first 20 of the test split the model rejects,
// P(bad) > 0.5), age and foreign_worker immutable, 3 counterfactuals each, target 'good' at p >= 0.5.
// DiCE runs in .venv-ref on a numpy copy of the MLP (scripts/reference/counterfactuals_dice.py, checked
// against tfjs to 1e-5) over the raw attributes; its rows are encoded back and both sides are scored by
// the same code below with the same MAD scales: validity (distinct valid counterfactuals / requested),
// proximity (mean MAD-scaled L1 to the original), sparsity (changed encoded columns, and attributes),
// diversity (mean MAD-scaled L1 between a set's counterfactuals) and wall time (sum over the applicants).
//   bash bench/interventions/counterfactuals.sh   # writes bench/interventions/counterfactuals.json and .md
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import * as tf from '@tensorflow/tfjs'
import * as gw from '../../src'

const ROOT = resolve(__dirname, '..', '..', '..', '..')
const PYTHON = join(ROOT, '.venv-ref', 'bin', 'python')
const APPLICANTS = 20
const COUNT = 3
const GOOD = 0
const IMMUTABLE = ['age', 'foreign_worker']
const SETTINGS = [
  { iterations: 8, steps: 40 },
  { iterations: 4, steps: 25 },
  { iterations: 2, steps: 10 },
]
const SAME = 1e-2 // scaled L1 below which two counterfactuals are one (as gw.counterfactuals dedupes)

interface Score {
  validity: number
  proximity: number | null
  sparsity: number | null
  attributes: number | null
  diversity: number | null
  immutableChanged: number
}

const mean = (values: number[]): number | null =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null
const load = () => loadavg().map((v) => Math.round(v * 100) / 100)

/** One set's quality, the same way for both sides. */
function score(
  original: number[],
  rows: number[][],
  pGood: number[],
  scale: number[],
  attributeOf: number[],
  immutable: number[],
): Score {
  const apart = (a: number[], b: number[]) => a.reduce((d, v, j) => d + Math.abs(v - b[j]!) / scale[j]!, 0)
  const changed = (row: number[]) => original.flatMap((v, j) => (Math.abs(row[j]! - v) > 1e-6 ? [j] : []))
  const kept: number[][] = []
  rows.forEach((row, k) => {
    if (pGood[k]! >= 0.5 - 1e-4 && !kept.some((u) => apart(u, row) < SAME)) kept.push(row)
  })
  const pairs: number[] = []
  for (let a = 0; a < kept.length; a++)
    for (let b = a + 1; b < kept.length; b++) pairs.push(apart(kept[a]!, kept[b]!))
  return {
    validity: kept.length / COUNT,
    proximity: mean(kept.map((row) => apart(row, original))),
    sparsity: mean(kept.map((row) => changed(row).length)),
    attributes: mean(kept.map((row) => new Set(changed(row).map((j) => attributeOf[j])).size)),
    diversity: mean(pairs),
    immutableChanged: rows.filter((row) => changed(row).some((j) => immutable.includes(j))).length,
  }
}

/** Means over the applicants (null metrics left out), validity over all of them. */
function summary(scores: Score[], seconds: number) {
  const of = (key: keyof Score) => {
    const values = scores.map((s) => s[key]).filter((v): v is number => v !== null)
    const m = mean(values)
    return m === null ? null : Math.round(m * 1000) / 1000
  }
  return {
    validity: of('validity'),
    proximity: of('proximity'),
    sparsity: of('sparsity'),
    attributesChanged: of('attributes'),
    diversity: of('diversity'),
    immutableChanged: scores.reduce((a, s) => a + s.immutableChanged, 0),
    applicantsWithNone: scores.filter((s) => s.validity === 0).length,
    seconds: Math.round(seconds * 1000) / 1000,
  }
}

async function main(): Promise<void> {
  const info = await gw.ready()
  const modelDir = join(ROOT, 'notebooks', 'models', 'credit-mlp')
  const credit = await gw.load(modelDir)
  const train = await gw.datasets.creditG({ split: 'train' })
  const test = await gw.datasets.creditG({ split: 'test' })
  const names = test.featureNames
  const attributeOf = test.encoding.attributeOfColumn
  const immutable = names.flatMap((n, j) =>
    IMMUTABLE.some((a) => n === a || n.startsWith(`${a}=`)) ? [j] : [],
  )
  const groups = new Map<number, number[]>()
  attributeOf.forEach((a, j) => groups.set(a, [...(groups.get(a) ?? []), j]))
  const oneHotGroups = [...groups.values()].filter((g) => g.length > 1)
  const probabilities = credit.predict(test.features).arraySync() as number[][]
  const rejected = probabilities.flatMap((p, i) => (p[1]! > 0.5 ? [i] : [])).slice(0, APPLICANTS)
  const encoded = test.features.arraySync() as number[][]
  const options = (seed: number, settings: { iterations: number; steps: number }) => ({
    target: GOOD,
    reference: train.features,
    immutable,
    oneHotGroups,
    featureNames: names,
    classNames: test.classNames,
    count: COUNT,
    seed,
    ...settings,
    timeBudgetMs: 15_000,
  })
  const pGood = (rows: number[][]) =>
    rows.length ? (credit.predict(tf.tensor2d(rows)).arraySync() as number[][]).map((p) => p[GOOD]!) : []

  // Glasswing: one untimed warm-up call (first-call kernel costs), then the applicants in turn, with lab
  // 09's search settings (8 x 40 steps) and with shorter searches (4 x 25, 2 x 10): on this small MLP the
  // Newton repair and the diversity fill do most of the work.
  gw.counterfactuals(credit, test.features.slice([rejected[0]!], [1]), options(99, SETTINGS[0]!))
  const loadBefore = load()
  const ours: { settings: string; runs: { index: number; seconds: number; rows: number[][] }[] }[] = []
  let scale: number[] = []
  for (const settings of SETTINGS) {
    const runs: { index: number; seconds: number; rows: number[][] }[] = []
    for (const [k, index] of rejected.entries()) {
      const x = test.features.slice([index], [1])
      const t = performance.now()
      const cf = gw.counterfactuals(credit, x, options(k, settings))
      runs.push({ index, seconds: (performance.now() - t) / 1000, rows: cf.counterfactuals })
      scale = cf.scale
      x.dispose()
    }
    ours.push({ settings: `${settings.iterations} x ${settings.steps} steps`, runs })
  }

  // DiCE in the reference environment, on the same applicants.
  const work = join(ROOT, '.cache', 'bench', 'counterfactuals')
  mkdirSync(work, { recursive: true })
  writeFileSync(
    join(work, 'input.json'),
    JSON.stringify({
      modelDir,
      encoding: test.encoding,
      columns: train.table.columns,
      trainRows: train.table.rows,
      trainLabels: Array.from(train.labels.dataSync()),
      queries: rejected.map((index) => ({ index, row: test.table.rows[index] })),
      immutable: IMMUTABLE,
      count: COUNT,
      desiredClass: GOOD,
      seed: 0,
      methods: ['random', 'genetic'],
      check: { rows: encoded.slice(0, 100), probabilities: probabilities.slice(0, 100) },
    }),
  )
  const run = spawnSync(
    PYTHON,
    [
      join(ROOT, 'scripts', 'reference', 'counterfactuals_dice.py'),
      join(work, 'input.json'),
      join(work, 'output.json'),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'], timeout: 1_800_000 },
  )
  if (run.status !== 0) throw new Error(`the DiCE script failed (${run.status ?? run.signal})`)
  const dice = JSON.parse(readFileSync(join(work, 'output.json'), 'utf8')) as {
    peer: string
    forwardMaxDifference: number
    results: Record<
      string,
      { index: number; seconds: number; counterfactuals: (string | number)[][]; error: string | null }[]
    >
  }
  const loadAfter = load()

  const glasswing = ours.map(({ settings, runs }) => ({
    settings,
    ...summary(
      runs.map((o) => score(encoded[o.index]!, o.rows, pGood(o.rows), scale, attributeOf, immutable)),
      runs.reduce((a, o) => a + o.seconds, 0),
    ),
  }))
  const peers: Record<string, ReturnType<typeof summary> & { errors: number }> = {}
  for (const [method, rows] of Object.entries(dice.results)) {
    const scores = rows.map((r) => {
      const cfs = r.counterfactuals.length ? (test.encode(r.counterfactuals).arraySync() as number[][]) : []
      return score(encoded[r.index]!, cfs, pGood(cfs), scale, attributeOf, immutable)
    })
    peers[method] = {
      ...summary(
        scores,
        rows.reduce((a, r) => a + r.seconds, 0),
      ),
      errors: rows.filter((r) => r.error).length,
    }
  }
  const results = {
    task:
      `${rejected.length} rejected credit-g test applicants (first with P(bad) > 0.5), ${COUNT} counterfactuals each, ` +
      `target good at p >= 0.5, ${IMMUTABLE.join(' and ')} immutable, one-hot attributes kept one-hot`,
    applicants: rejected,
    glasswing: { backend: info.backend, tensorflow: info.tensorflowVersion, runs: glasswing },
    dice: { peer: dice.peer, forwardMaxDifference: dice.forwardMaxDifference, ...peers },
    ratios: Object.fromEntries(
      glasswing.flatMap((g) =>
        Object.entries(peers).map(([m, p]) => [
          `dice-${m} / glasswing (${g.settings}) wall time`,
          Math.round((p.seconds / g.seconds) * 100) / 100,
        ]),
      ),
    ),
    loadAverage: { before: loadBefore, after: loadAfter },
    cores: (await import('node:os')).cpus().length,
    date: new Date().toISOString(),
  }
  const here = join(ROOT, 'bench', 'interventions')
  writeFileSync(join(here, 'counterfactuals.json'), `${JSON.stringify(results, null, 2)}\n`)
  const row = (name: string, s: ReturnType<typeof summary>) =>
    `| ${name} | ${s.validity} | ${s.proximity} | ${s.sparsity} (${s.attributesChanged}) | ${s.diversity} | ${s.immutableChanged} | ${s.applicantsWithNone} | ${s.seconds} |`
  const md = [
    '# Counterfactuals: gw.counterfactuals vs DiCE',
    '',
    results.task + '.',
    `Scored by the same code (bench/interventions/counterfactuals.ts) with the same MAD scales; DiCE's rows are`,
    `encoded as gw.datasets.creditG encodes. DiCE ran on a numpy copy of the MLP (max difference from tfjs ${dice.forwardMaxDifference.toExponential(1)}).`,
    '',
    '| method | validity | proximity | sparsity: columns (attributes) | diversity | immutable changed | applicants with none | wall time (s) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...glasswing.map((g) => row(`gw.counterfactuals, ${g.settings} (${info.backend})`, g)),
    ...Object.entries(peers).map(([m, p]) => row(`${dice.peer} '${m}'`, p)),
    '',
    ...Object.entries(results.ratios).map(([k, v]) => `- ${k}: ${v}`),
    `- load average before ${loadBefore.join(' / ')}, after ${loadAfter.join(' / ')} on ${results.cores} cores`,
    '',
  ].join('\n')
  writeFileSync(join(here, 'counterfactuals.md'), md)
  console.log(md)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
