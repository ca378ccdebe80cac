import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES, type ClustersPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
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

  it('displays as the clusters view (valid payload, heatmap PNG in leaf order, text per cluster)', () => {
    const c = clusterUnits(REF.inputs, { clusters: 3 })
    const bundle = c[JUPYTER_DISPLAY]()
    const payload = bundle[MIME_TYPES.clusters] as ClustersPayload
    expect(validatePayload('clusters', JSON.parse(JSON.stringify(payload))).ok).toBe(true)
    expect(payload.merges).toHaveLength(11)
    expect(payload.examples).toBeNull()
    expect(typeof bundle['image/png']).toBe('string')
    expect(bundle['text/plain']).toMatch(
      /12 units clustered by correlation \(average linkage, 3 clusters\).*\n  cluster 0 \(\d+ units?\): unit/,
    )
    const broken = { ...payload, order: [...payload.order.slice(1), payload.order[0], 99] }
    const checked = validatePayload('clusters', broken)
    expect(checked.ok).toBe(false)
    if (!checked.ok)
      expect(checked.errors.join('\n')).toMatch(/clusters\.order: expected a permutation of 0\.\.11/)
  })
  it("keeps each unit's top examples from the images its rows came from", () => {
    // 6 images x 2 positions x 3 units; unit u peaks in image u + 1
    const rows: number[][] = []
    for (let image = 0; image < 6; image++)
      for (let p = 0; p < 2; p++)
        rows.push([0, 1, 2].map((u) => (image === u + 1 && p === 1 ? 5 : Math.sin(image * 3 + p + u))))
    const images = tf.tidy(() => tf.range(0, 6).reshape([6, 1, 1, 1]).tile([1, 4, 4, 1]))
    const before = tf.memory().numTensors
    const c = clusterUnits(rows, { clusters: 2, examples: images, examplesPerUnit: 2 })
    expect(tf.memory().numTensors).toBe(before)
    expect(c.examples!.indices.map((l) => l[0])).toEqual([1, 2, 3])
    expect(c.toPayload().examples!.shape).toEqual([3, 2, 4, 4, 1])
    expect(() => clusterUnits(rows, { examples: images.slice(0, 5) })).toThrow(
      /options.examples expected images/,
    )
    images.dispose()
  })
})
