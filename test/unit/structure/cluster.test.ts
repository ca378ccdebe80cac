import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { clusterUnits } from '../../../src/structure/cluster'

const REF = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'structure', 'cluster.json'), 'utf8'),
) as {
  inputs: number[][]
} & Record<'average' | 'complete' | 'single', { heights: number[]; sizes: number[]; clusters3: number[] }>

function samePartition(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < a.length; j++) if ((a[i] === a[j]) !== (b[i] === b[j])) return false
  return true
}

describe('gw.similarity.clusterUnits against scipy linkage on 1 - r', () => {
  for (const linkage of ['average', 'complete', 'single'] as const) {
    it(`${linkage}: merge heights and sizes at 1e-6, three flat clusters as scipy's maxclust`, () => {
      const c = clusterUnits(REF.inputs, { linkage, clusters: 3 })
      c.merges.forEach(([, , h, s], i) => {
        expect(Math.abs(h - REF[linkage].heights[i]!)).toBeLessThan(1e-6)
        expect(s).toBe(REF[linkage].sizes[i])
      })
      expect(samePartition(c.clusters, REF[linkage].clusters3)).toBe(true)
      expect([...c.order].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i))
    })
  }
  it('invariant to permuting units (same partition, relabelled); constant units listed, not NaN', () => {
    const perm = [5, 2, 11, 0, 7, 1, 3, 9, 4, 10, 6, 8]
    const permuted = REF.inputs.map((r) => perm.map((p) => r[p]!))
    const a = clusterUnits(REF.inputs, { clusters: 3 }).clusters
    const b = clusterUnits(permuted, { clusters: 3 }).clusters
    expect(
      samePartition(
        perm.map((p) => a[p]!),
        b,
      ),
    ).toBe(true)
    const withConstant = REF.inputs.map((r) => [...r, 3])
    const c = clusterUnits(withConstant, { clusters: 4 })
    expect(c.constantUnits).toEqual([12])
    expect(c.correlation.every((v) => Number.isFinite(v))).toBe(true)
    expect(() => clusterUnits(REF.inputs, { clusters: 40 })).toThrow(
      /gw.similarity.clusterUnits: options.clusters expected a whole number from 1 to 12/,
    )
  })
})
