// The surrogate view's pure layout: rule lists as ordered rows, GAM shape functions as step charts.
import { describe, expect, it } from 'vitest'
import type { SurrogatePayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { binRange, ruleRows, shapeCharts } from '../../../extension/src/views/surrogate/model'
import { saliencyPayload } from './fixtures'

const base: SurrogatePayload = {
  version: 1,
  provenance: saliencyPayload({ count: 1 }).provenance,
  kind: 'surrogate',
  surrogate: 'rules',
  featureNames: ['age', 'duration'],
  classNames: ['good', 'bad'],
  curve: [],
  chosenDepth: 1,
  nodes: [],
  fidelity: { agreement: 0.9, heldOutAgreement: 0.8, r2: 0.5 },
  text: ['if age > 30 then good (0.90 of 60)', 'else bad (0.70 of 40)'],
  rules: [
    {
      conditions: [{ feature: 0, operator: '>', threshold: 30 }],
      label: 'good',
      samples: 60,
      coverage: 0.55,
      precision: 0.9,
    },
    { conditions: [], label: 'bad', samples: 40, coverage: 0.45, precision: null },
  ],
}

describe('surrogate view model', () => {
  it('lists rules in order with if / else and their figures', () => {
    expect(validatePayload('surrogate', base).ok).toBe(true)
    expect(ruleRows(base)).toEqual([
      {
        keyword: 'if',
        conditions: 'age > 30',
        label: 'good',
        coverage: 0.55,
        figures: 'held out: covers 55.0 %, precision 90.0 %; 60 training rows',
      },
      {
        keyword: 'else',
        conditions: '',
        label: 'bad',
        coverage: 0.45,
        figures: 'held out: covers 45.0 %, precision n/a; 40 training rows',
      },
    ])
  })

  it('draws shape functions as steps on one scale shared by the class, with each bin range', () => {
    expect(binRange([0.5, 2], 0)).toBe('≤ 0.5')
    expect(binRange([0.5, 2], 1)).toBe('(0.5, 2]')
    expect(binRange([0.5, 2], 2)).toBe('> 2')
    const payload: SurrogatePayload = {
      ...base,
      surrogate: 'gam',
      rules: undefined,
      shapes: [
        {
          className: 'good',
          intercept: 0.7,
          shapes: [
            { feature: 1, cuts: [12, 24], values: [0.1, 0, -0.3] },
            { feature: 0, cuts: [30], values: [-0.05, 0.05] },
          ],
          omitted: 3,
        },
      ],
    }
    expect(validatePayload('surrogate', payload).ok).toBe(true)
    const { low, high, charts } = shapeCharts(payload, 0, { width: 150, height: 60 })
    expect([low, high]).toEqual([-0.3, 0.1])
    expect(charts.map((c) => c.feature)).toEqual(['duration', 'age'])
    const [duration] = charts
    expect(duration!.bins.map((b) => b.width)).toEqual([50, 50, 50])
    expect(duration!.bins[0]!.y).toBeCloseTo(0) // the highest value at the top
    expect(duration!.bins[2]!.y).toBeCloseTo(60) // the lowest at the bottom
    expect(duration!.zero).toBeCloseTo(15)
    expect(duration!.bins[2]!.text).toBe('duration > 24: -0.3')
    expect(duration!.points).toHaveLength(6)
    expect(duration!.ends).toEqual(['≤ 12', '> 24'])
    // A shape whose values do not match its bins is refused.
    const broken = structuredClone(payload)
    broken.shapes![0]!.shapes[0]!.values.pop()
    const result = validatePayload('surrogate', broken)
    expect(result.ok ? [] : result.errors).toEqual([
      'surrogate.shapes[0].shapes[0].values: expected 3 values (one per bin), got an array of 2',
    ])
  })
})
