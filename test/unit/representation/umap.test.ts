import { describe, expect, it } from 'vitest'
import { umap } from '../../../src'
import { mnistTest } from './mnist'

const { images } = mnistTest(150)

describe('gw.umap', () => {
  it('gives the same coordinates for the same seed', async () => {
    const small = { values: images.values.subarray(0, 150 * 784), rows: 150, columns: 784 }
    const a = await umap(small, { epochs: 50, seed: 1, quality: false })
    const b = await umap(small, { epochs: 50, seed: 1, quality: false })
    const c = await umap(small, { epochs: 50, seed: 2, quality: false })
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates))
    expect(Array.from(a.coordinates)).not.toEqual(Array.from(c.coordinates))
  })

  it('rejects more neighbours than points', async () => {
    const small = { values: images.values.subarray(0, 10 * 784), rows: 10, columns: 784 }
    await expect(umap(small, { neighbors: 15 })).rejects.toThrow(
      /options.neighbors expected an integer from 2 to N - 1 = 9/,
    )
  })
})
