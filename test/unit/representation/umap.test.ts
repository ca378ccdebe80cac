import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { umap } from '../../../src'
import { mnistTest, reference } from './mnist'

const { images, labels } = mnistTest(1000)

describe('gw.umap', () => {
  it('is as trustworthy as umap-learn on 1000 MNIST digits, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors
    const result = await umap(images, { labels })
    expect(tf.memory().numTensors).toBe(before)
    const peer = reference.embeddings['umap-learn']
    expect(result.quality!.trustworthiness).toBeGreaterThan(peer.trustworthiness - 0.01)
    expect(result.quality!.knnPreservation).toBeGreaterThan(peer.knnPreservation - 0.05)
    expect(result.details.provenance.parameters).toMatchObject({
      neighbors: 15,
      minDistance: 0.1,
      epochs: 500,
    })
  })

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
