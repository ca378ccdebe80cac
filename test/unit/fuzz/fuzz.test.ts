// Property: random bad values in the arguments and options of the public gw.* functions end in a
// valid result or a GlasswingError naming an argument; never a raw error, a leaked tensor or a hang.
// A bounded, seeded run here (it runs on the native and the WebAssembly backend); bench/fuzz/soak.ts
// runs the same property on hundreds of thousands of cases.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anyCase, describeCase, disposeFixtures, makeFixtures, runCase, type Fixtures } from './harness'

const RUNS = Number(process.env.GLASSWING_FUZZ_RUNS ?? 300)
let fixtures: Fixtures

beforeAll(async () => {
  fixtures = await makeFixtures()
})
afterAll(() => disposeFixtures(fixtures))

describe('gw.* under random bad arguments', () => {
  it(`ends every case in a result or a GlasswingError naming the argument (${RUNS} seeded cases)`, async () => {
    const counts: Record<string, number> = {}
    await fc.assert(
      fc.asyncProperty(anyCase, async (c) => {
        const outcome = await runCase(c, fixtures, 30_000)
        counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1
        const problem =
          outcome.kind === 'raw'
            ? `a raw error: ${String((outcome.error as Error)?.stack ?? outcome.error)}`
            : outcome.kind === 'unnamed'
              ? `a GlasswingError naming no argument: ${outcome.error.message}`
              : outcome.kind === 'leak'
                ? `${outcome.tensors} tensors left behind`
                : outcome.kind === 'hang'
                  ? 'no answer within 30 s'
                  : null
        expect(problem, describeCase(c)).toBeNull()
      }),
      { seed: 17, numRuns: RUNS, endOnFailure: true },
    )
    console.log(`fuzz outcomes over ${RUNS} cases: ${JSON.stringify(counts)}`)
    expect(counts.refused).toBeGreaterThan(RUNS / 4)
    expect(counts.result).toBeGreaterThan(0)
  }, 600_000)
})
