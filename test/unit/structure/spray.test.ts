import { describe, expect, it } from 'vitest'
import { spray } from '../../../src/structure/spray'

/** 8x8 maps: group A relevance in the top-left corner (a watermark-like strategy), group B on the centre. */
function maps(perGroup: number, seed: number): { rows: number[][]; truth: number[] } {
  let a = seed
  const random = (): number => ((a = (a * 1103515245 + 12345) % 2147483648), a / 2147483648)
  const rows: number[][] = []
  const truth: number[] = []
  for (let g = 0; g < 3; g++)
    for (let i = 0; i < perGroup; i++) {
      const map = Array.from({ length: 64 }, () => 0.1 * random())
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 8; x++) {
          const hit =
            g === 0 ? y < 2 && x < 2 : g === 1 ? y >= 3 && y < 5 && x >= 3 && x < 5 : y >= 6 && x >= 6
          if (hit) map[y * 8 + x]! += 1 + 0.3 * random()
        }
      rows.push(map)
      truth.push(g)
    }
  return { rows, truth }
}

describe('gw.similarity.spray (spectral relevance analysis)', () => {
  it('finds the three strategies by the eigengap, unprompted, and groups every map with its strategy', () => {
    const { rows, truth } = maps(20, 3)
    const r = spray(rows, { neighbors: 8 })
    expect(r.count).toBe(3)
    for (let i = 0; i < truth.length; i++)
      for (let j = 0; j < truth.length; j++)
        expect(r.clusters[i] === r.clusters[j]).toBe(truth[i] === truth[j])
    expect(r.eigenvalues[0]).toBeCloseTo(0, 9)
    expect(spray(rows, { neighbors: 8, clusters: 2 }).count).toBe(2)
  })
  it('refuses bad options naming them', () => {
    const { rows } = maps(3, 1)
    expect(() => spray(rows, { neighbors: 40 })).toThrow(
      /gw.similarity.spray: options.neighbors expected a whole number from 1 to 8/,
    )
    expect(() => spray(rows.slice(0, 3))).toThrow(/maps expected at least 4 examples/)
  })
})
