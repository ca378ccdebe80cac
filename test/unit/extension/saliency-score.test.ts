// The saliency view's Score control without a browser: the metrics it offers (none, then every metric
// needing no mask), the classes a request names, how scores are written (six decimals, to compare with
// gw.evaluate to 1e-6), how replies are checked, and the lines it shows.
import { describe, expect, it } from 'vitest'
import {
  formatScore,
  replyProblem,
  scoreKey,
  scoreNote,
  scoreOptions,
  scoreSummary,
  shownTargets,
  type ScoredReply,
} from '../../../extension/src/views/saliency-score-model'
import { METRICS } from '../../../src/quality/metrics'
import { saliencyPayload } from './fixtures'

const scored = (scores: (number | null)[], mean: number | null): ScoredReply => ({
  type: 'scored',
  requestId: 'r',
  metric: 'deletion',
  title: 'Deletion AUC',
  higherIsBetter: false,
  scores,
  mean,
})

describe('saliency Score control', () => {
  it('offers none, then every gw.evaluate metric that needs no mask, by title', () => {
    const options = scoreOptions()
    expect(options[0]).toEqual({ value: '', text: 'none' })
    expect(options.slice(1, 4).map((o) => o.text)).toEqual([
      'Deletion AUC',
      'Insertion AUC',
      'Pixel-flipping AOPC',
    ])
    expect(options.map((o) => o.value)).toContain('sparseness')
    for (const option of options.slice(1))
      expect(METRICS[option.value as keyof typeof METRICS].needsMask).toBe(false)
    expect(options.map((o) => o.value)).not.toContain('pointing-game')
  })

  it('asks for the class each input shows under the chosen target', () => {
    const payload = saliencyPayload({ count: 3, targets: 2 })
    expect(shownTargets(payload, { kind: 'rank', rank: 0 })).toEqual([0, 1, 2])
    expect(shownTargets(payload, { kind: 'rank', rank: 1 })).toEqual([1, 2, 3])
    expect(shownTargets(payload, { kind: 'class', target: 7 })).toEqual([7, 7, 7])
    expect(shownTargets(payload, { kind: 'rank', rank: 4 })).toEqual([null, null, null])
    expect(scoreKey('deletion', 1, [3, null])).toBe('deletion|1|3,')
  })

  it('writes scores with six decimals, in exponent form where that would lose them', () => {
    expect(formatScore(0.12345678)).toBe('0.123457')
    expect(formatScore(-1.5)).toBe('-1.500000')
    expect(formatScore(0)).toBe('0.000000')
    expect(formatScore(2.5e-9)).toBe('2.500000e-9')
    expect(formatScore(123456789)).toBe('1.234568e+8')
    expect(formatScore(null)).toBe('–')
  })

  it('checks replies: errors pass their message, malformed scores are named', () => {
    expect(replyProblem(scored([0.1, null], 0.1), 2)).toBeNull()
    expect(replyProblem({ type: 'error', requestId: 'r', message: 'gone' }, 2)).toBe('gone')
    expect(replyProblem(scored([0.1], 0.1), 2)).toMatch(/one number \(or null\) per input \(2\)/)
    expect(replyProblem(scored([0.1, 'x' as unknown as number], 0.1), 2)).toMatch(/per input/)
    expect(replyProblem({ type: 'explained', requestId: 'r', maps: [] }, 2)).toMatch(/instead of scores/)
  })

  it('says the metric, its direction and the mean per method row, and why a score failed', () => {
    const one = saliencyPayload({ count: 2 })
    expect(scoreSummary(one, [scored([0.1, 0.3], 0.2)], 1.26)).toBe(
      'Deletion AUC under each overlay, lower is better: mean 0.200000 over 2 inputs (the kernel took 1.3 s).',
    )
    const two = saliencyPayload({ count: 2, methods: ['saliency', 'integrated-gradients'] })
    expect(scoreSummary(two, [scored([0.1, null], 0.1), scored([0.2, 0.4], 0.3)], null)).toBe(
      'Deletion AUC under each overlay, lower is better: saliency: mean 0.100000 over 1 input; integrated-gradients: mean 0.300000 over 2 inputs.',
    )
    expect(scoreNote('Deletion AUC', 'No kernel is connected.')).toBe(
      'Could not score Deletion AUC: no kernel is connected to this notebook; start one and run the cell again to score its maps.',
    )
    expect(scoreNote('Deletion AUC', 'saliency view (score): metric expected one of deletion, got 1.')).toBe(
      'Could not score Deletion AUC: saliency view (score): metric expected one of deletion, got 1.',
    )
  })
})
