import { describe, expect, it } from 'vitest'
import { circularSelectivity, rangeSelectivity } from '../../../src/neurons'

describe('selectivity indices', () => {
  const orientations = Array.from({ length: 12 }, (_, i) => i * 15)
  it('is 0 for a flat curve and 1 for a single response', () => {
    expect(
      circularSelectivity(
        orientations,
        orientations.map(() => 2),
        180,
      ),
    ).toBeCloseTo(0, 10)
    expect(
      circularSelectivity(
        orientations,
        orientations.map((o) => (o === 45 ? 3 : 0)),
        180,
      ),
    ).toBeCloseTo(1, 10)
  })
  it('is b/2a for a + b cos(2 theta), and counts a constant offset against the unit', () => {
    const curve = (a: number, b: number) =>
      orientations.map((o) => a + b * Math.cos((2 * Math.PI * (o - 30)) / 180))
    expect(circularSelectivity(orientations, curve(1, 0.5), 180)).toBeCloseTo(0.25, 10)
    expect(circularSelectivity(orientations, curve(2, 0.5), 180)).toBeCloseTo(0.125, 10)
  })
  it('range index: (max - min) / (max + min) of rectified responses', () => {
    expect(rangeSelectivity([1, 3, 2])).toBeCloseTo(0.5, 10)
    expect(rangeSelectivity([0, 0, 0])).toBe(0)
    expect(rangeSelectivity([-1, 2])).toBe(1)
  })
})
