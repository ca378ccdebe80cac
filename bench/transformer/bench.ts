// Attention rollout (512 tokens x 8 layers x 8 heads) and attention flow (64 tokens x 8 layers, one output
// token) in Glasswing's float64 TypeScript, against numpy's rollout and networkx's maximum_flow_value on
// the same kind of stack (scripts/reference/transformer_reference.py bench), with the load average.
//   bash bench/transformer/run.sh
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { seededRandom } from '../../src/data/random'
import { attentionFlow } from '../../src/transformer/flow'
import { rollout, type Matrix } from '../../src/transformer/rollout'

const ROOT = resolve(__dirname, '..', '..', '..', '..')

function randomStack(layers: number, heads: number, t: number, seed: number): Matrix[][] {
  const random = seededRandom(seed)
  return Array.from({ length: layers }, () =>
    Array.from({ length: heads }, () =>
      Array.from({ length: t }, (_, i) => {
        const row = Array.from({ length: t }, (_, j) => (j <= i ? random() ** 3 : 0))
        const sum = row.reduce((s, v) => s + v, 0)
        return row.map((v) => v / sum)
      }),
    ),
  )
}

function time(f: () => unknown, repeats = 3): number {
  const times: number[] = []
  for (let r = 0; r < repeats; r++) {
    const started = performance.now()
    f()
    times.push((performance.now() - started) / 1000)
  }
  return Math.min(...times)
}

const [tokens, layers, heads] = [512, 8, 8]
const big = randomStack(layers, heads, tokens, 1)
const small = randomStack(layers, heads, 64, 2)
const load = loadavg()[0]
const rolloutSeconds = time(() => rollout(big))
const flowSeconds = time(() => attentionFlow(small, 63), 1)
let guard = ''
try {
  attentionFlow(big, tokens - 1)
} catch (error) {
  guard = (error as Error).message
}
const python = join(ROOT, '.venv-ref', 'bin', 'python')
let reference: Record<string, number | string> | null = null
if (existsSync(python)) {
  const run = spawnSync(
    python,
    [join(ROOT, 'scripts/reference/transformer_reference.py'), 'bench', `${tokens}`, `${layers}`, `${heads}`],
    {
      encoding: 'utf8',
    },
  )
  reference = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>
}
const result = {
  tokens,
  layers,
  heads,
  rolloutSeconds,
  flowSeconds64Tokens: flowSeconds,
  flowGuardAt512: guard,
  reference,
  rolloutRatioToNumpy: reference ? rolloutSeconds / (reference.numpyRolloutSeconds as number) : null,
  flowRatioToNetworkx: reference ? flowSeconds / (reference.networkxFlowSeconds64 as number) : null,
  loadAverage: [load, ...loadavg().slice(1)],
  node: process.version,
  date: new Date().toISOString(),
}
console.log(JSON.stringify(result, null, 2))
writeFileSync(join(ROOT, 'bench', 'transformer', 'results.json'), JSON.stringify(result, null, 2) + '\n')
