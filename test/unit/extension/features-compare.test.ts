// The tabular comparison's grouped bars (shared by the kernel's PNG and the view) and the view's
// layout: features by mean |attribution| over methods, each method on its own scale or raw, one bar
// per method and feature, `name = value` labels.
import { describe, expect, it } from 'vitest'
import { decodeArray } from '../../../src/display/codec'
import { groupedBars, methodColour } from '../../../src/display/feature-comparison'
import { comparisonLayout } from '../../../extension/src/views/features-compare-model'
import { tabularPayload } from './fixtures'

const GEOMETRY = { left: 170, width: 320, bar: 7, gap: 10, max: 15 }

describe('grouped bars', () => {
  // 2 methods x 2 examples x 3 features; method 1 is 10x method 0 and flips feature 2's sign.
  const values = Float32Array.from([...[0.1, -0.3, 0.2, 0.05, 0.02, -0.01], ...[1, -3, -2, 0.5, 0.2, 0.1]])
  const shape = { methods: 2, examples: 2, features: 3 }

  it('sorts features by mean |value| over methods and scales each method to its largest |value|', () => {
    const bars = groupedBars(values, shape, 0, 'relative', 10)
    expect(bars.groups.map((g) => g.feature)).toEqual([1, 2, 0])
    expect(bars.groups[0]!.shown).toEqual([-1, -1])
    expect(bars.groups[1]!.values.map((v) => Number(v.toFixed(4)))).toEqual([0.2, -2])
    expect(bars.groups[1]!.shown.map((v) => Number(v.toFixed(4)))).toEqual([0.6667, -0.6667])
    expect(bars.extent).toEqual([-1, expect.closeTo(0.6667, 4)])
    expect(bars.others).toBe(0)
  })

  it('keeps raw values on one axis, averages |value| over examples, and cuts to max', () => {
    const raw = groupedBars(values, shape, 1, 'raw', 2)
    expect(raw.groups.map((g) => g.feature)).toEqual([0, 1])
    expect(raw.groups[0]!.shown.map((v) => Number(v.toFixed(4)))).toEqual([0.05, 0.5])
    expect(raw.others).toBe(1)
    const all = groupedBars(values, shape, null, 'raw', 10)
    expect(all.groups[0]!.feature).toBe(1)
    expect(all.groups[0]!.values.map((v) => Number(v.toFixed(4)))).toEqual([0.16, 1.6])
    expect(all.extent[0]).toBe(0)
  })

  it('gives each method its own colour and survives zeros and NaN', () => {
    expect(new Set([0, 1, 2, 3].map(methodColour)).size).toBe(4)
    const odd = groupedBars(
      Float32Array.from([0, 0, NaN, 0]),
      { methods: 2, examples: 1, features: 2 },
      0,
      'relative',
      5,
    )
    expect(odd.groups).toHaveLength(2)
    expect(odd.extent).toEqual([0, 1])
  })
})

describe('comparison layout', () => {
  const methods = ['saliency', 'integrated-gradients', 'kernel-shap']
  const payload = tabularPayload({ examples: 6, labels: true, methods })
  if (payload.modality !== 'tabular') throw new Error('tabular fixture expected')
  const values = decodeArray(payload.comparison!.attributions)

  it('has one bar per method and feature, labelled name = value, within the plot', () => {
    const layout = comparisonLayout(payload, values, 3, 2, 'relative', GEOMETRY)
    expect(layout.rows).toHaveLength(5)
    for (const row of layout.rows) {
      expect(row.bars.map((b) => b.method)).toEqual([0, 1, 2])
      expect(row.bars.map((b) => b.colour)).toEqual([0, 1, 2].map(methodColour))
      for (const bar of row.bars) {
        expect(bar.x).toBeGreaterThanOrEqual(170 - 1e-9)
        expect(bar.x + bar.width).toBeLessThanOrEqual(170 + 320 + 1e-9)
      }
    }
    expect(layout.rows.map((r) => r.label)).toContain(`age = ${payload.valueLabels![2]![2]}`)
    // Bars touch the zero line: each starts or ends there.
    for (const bar of layout.rows[0]!.bars)
      expect(Math.min(Math.abs(bar.x - layout.zero), Math.abs(bar.x + bar.width - layout.zero))).toBeLessThan(
        1e-6,
      )
    // Relative: method 1 (10x larger values) gets bars as long as method 0's.
    const [a, b] = layout.rows[0]!.bars
    expect(a!.width).toBeCloseTo(b!.width, 6)
    expect(b!.value).toBeCloseTo(a!.value * 10, 5)
  })

  it('over all examples shows bare names, and raw scale shows the larger method longer', () => {
    const layout = comparisonLayout(payload, values, 3, null, 'raw', GEOMETRY)
    expect(layout.rows.map((r) => r.label).sort()).toEqual([...payload.featureNames].sort())
    const [a, b] = layout.rows[0]!.bars
    expect(b!.width).toBeGreaterThan(5 * a!.width)
    expect(layout.height).toBe(5 * (3 * 7 + 10))
  })
})
