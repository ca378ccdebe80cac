// The fuzzing soak: test/unit/fuzz's property on many more cases, grouped failures reported.
//   bash bench/fuzz/run.sh                        (100,000 cases, seed 1)
//   GLASSWING_FUZZ_CASES=5000 GLASSWING_FUZZ_SEED=3 bash bench/fuzz/run.sh
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend } from '../../src/backend'
import {
  anyCase,
  describeCase,
  disposeFixtures,
  makeFixtures,
  runCase,
  type Outcome,
} from '../../test/unit/fuzz/harness'

const CASES = Number(process.env.GLASSWING_FUZZ_CASES ?? 100_000)
const SEED = Number(process.env.GLASSWING_FUZZ_SEED ?? 1)

/** One line per kind of failure: the case's function and the error's first line. */
function failureKey(outcome: Outcome, fn: string): string | null {
  switch (outcome.kind) {
    case 'raw': {
      const error = outcome.error as Error
      return `raw ${fn}: ${String(error?.message ?? error)
        .split('\n')[0]!
        .slice(0, 160)}`
    }
    case 'unnamed':
      return `unnamed ${fn}: ${outcome.error.message.slice(0, 160)}`
    case 'leak':
      return `leak ${fn}: ${outcome.tensors} tensors`
    case 'hang':
      return `hang ${fn}`
    default:
      return null
  }
}

async function main(): Promise<void> {
  const info = await ensureBackend()
  const fixtures = await makeFixtures()
  const cases = fc.sample(anyCase, { seed: SEED, numRuns: CASES })
  const counts: Record<string, number> = {}
  const failures = new Map<string, { count: number; example: string; stack: string }>()
  const started = performance.now()
  const tensorsAtStart = tf.memory().numTensors
  for (const [index, c] of cases.entries()) {
    if (process.env.GLASSWING_FUZZ_TRACE) console.log(`case ${index}: ${describeCase(c)}`)
    const caseStarted = performance.now()
    const outcome = await runCase(c, fixtures, 60_000)
    const caseSeconds = (performance.now() - caseStarted) / 1000
    if (caseSeconds > 5)
      console.log(`slow case (${caseSeconds.toFixed(1)} s, ${outcome.kind}): ${describeCase(c)}`)
    counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1
    const key = failureKey(outcome, c.fn)
    if (key) {
      const known = failures.get(key)
      if (known) known.count++
      else if (console.log(`new failure: ${key}\n  e.g. ${describeCase(c)}`) === undefined)
        failures.set(key, {
          count: 1,
          example: describeCase(c),
          stack: outcome.kind === 'raw' ? String((outcome.error as Error)?.stack ?? '').slice(0, 600) : '',
        })
    }
    if ((index + 1) % 5000 === 0)
      console.log(
        `${index + 1} cases, ${((performance.now() - started) / 1000).toFixed(0)} s, ${JSON.stringify(counts)}, rss ${(
          process.memoryUsage().rss /
          2 ** 20
        ).toFixed(0)} MiB, load ${loadavg()[0]!.toFixed(1)}`,
      )
  }
  const seconds = (performance.now() - started) / 1000
  console.log(
    JSON.stringify({
      cases: CASES,
      seed: SEED,
      backend: info.backend,
      seconds: Math.round(seconds),
      outcomes: counts,
      distinctFailures: failures.size,
      tensorsLeftOverall: tf.memory().numTensors - tensorsAtStart,
      load: loadavg().map((l) => Number(l.toFixed(2))),
    }),
  )
  for (const [key, { count, example, stack }] of failures)
    console.log(
      `\n${count} x ${key}\n  e.g. ${example}${stack ? `\n  ${stack.split('\n').slice(0, 4).join('\n  ')}` : ''}`,
    )
  disposeFixtures(fixtures)
  process.exitCode = failures.size === 0 ? 0 : 1
}

void main()
