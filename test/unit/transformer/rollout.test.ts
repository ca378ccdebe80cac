import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { attentionFlow, gradientRollout, rollout, type RolloutOptions } from '../../../src/transformer'
import { FIXTURES, maxDifference } from './helpers'

interface Case {
  name: string
  stack: number[][][][]
  gradients: number[][][][]
  rollout: { options: RolloutOptions; value: number[][] }[]
  flow: { options: RolloutOptions; output: number; value: number[] }[]
  gradientRollout: number[][]
}
const cases = (JSON.parse(readFileSync(join(FIXTURES, 'rollout-flow.json'), 'utf8')) as { cases: Case[] })
  .cases

describe('attention rollout and flow against numpy / networkx (1e-9)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(c.rollout.length).toBeGreaterThanOrEqual(12)
    for (const r of c.rollout)
      expect(maxDifference(rollout(c.stack, r.options), r.value), JSON.stringify(r.options)).toBeLessThan(
        1e-9,
      )
    for (const f of c.flow)
      expect(maxDifference(attentionFlow(c.stack, f.output, f.options), f.value)).toBeLessThan(1e-9)
    expect(maxDifference(gradientRollout(c.stack, c.gradients), c.gradientRollout)).toBeLessThan(1e-9)
  })

  it('rollout rows stay distributions; flow never exceeds one unit out of the output token', () => {
    const c = cases[1]!
    for (const row of rollout(c.stack)) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
    const flow = attentionFlow(c.stack, 5)
    for (const v of flow) expect(v).toBeLessThanOrEqual(1 + 1e-12)
  })

  it('refuses bad options and too-large flows, saying what to do', () => {
    const c = cases[0]!
    expect(() => rollout(c.stack, { startLayer: 2 })).toThrow(/startLayer.*from 0 to 1/)
    expect(() => rollout(c.stack, { headFusion: 'median' as never })).toThrow(GlasswingError)
    expect(() => rollout([[[[1, 0]]]])).toThrow(/square matrices/)
    expect(() => attentionFlow(c.stack, 3)).toThrow(/output position from 0 to 2/)
    expect(() => attentionFlow(c.stack, 0, { maxWork: 10 })).toThrow(/rollout for long inputs/)
  })
})
