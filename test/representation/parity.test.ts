import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { pca, quality, tsne, umap } from '../../src'
import { mnistTest, reference } from '../unit/representation/mnist'

// Parity with the peers on the reference fixtures (scripts/reference/representation.py fixtures):
// 1000 MNIST test digits. Native backend only (test/unit/representation has the fast checks).
const { images, labels } = mnistTest(1000)

describe('parity on 1000 MNIST digits', () => {
  it('is as trustworthy as openTSNE on 1000 MNIST digits, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors
    const result = await tsne(images, { labels })
    expect(tf.memory().numTensors).toBe(before)
    const openTSNE = reference.embeddings.opentsne
    expect(result.quality!.trustworthiness).toBeGreaterThan(openTSNE.trustworthiness - 0.01)
    expect(result.quality!.knnPreservation).toBeGreaterThan(openTSNE.knnPreservation - 0.05)
    expect(result.details.provenance.parameters).toMatchObject({ perplexity: 30, reducedTo: 50 })
    expect(result.size).toBe(1000)
  })

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
})

describe('gw.quality', () => {
  it('computes trustworthiness as sklearn.manifold.trustworthiness does', async () => {
    const x = (await pca(images, { components: 50, powerIterations: 12 })).transform(images)
    const two = (await pca(x, { components: 2, solver: 'exact' })).transform(x)
    const before = tf.memory().numTensors
    const measured = await quality(x, two, { k: 10 })
    expect(tf.memory().numTensors).toBe(before)
    expect(measured.trustworthiness).toBeCloseTo(reference.trustworthinessOfPca2, 3)
    expect(measured.knnPreservation).toBeCloseTo(reference.knnPreservationOfPca2, 2)
    expect(measured.queries).toBe(1000)
  })

  it('is 1 for an embedding that keeps every distance, and estimates from a sample when asked', async () => {
    const points = Array.from({ length: 300 }, (_, i) => [Math.cos(i * 0.37) * i, Math.sin(i * 0.37) * i])
    const same = await quality(points, points)
    expect(same.trustworthiness).toBe(1)
    expect(same.knnPreservation).toBe(1)
    const shuffled = points.map((_, i) => points[(i * 7) % 300]!)
    const sampled = await quality(points, shuffled, { sampleAbove: 100, sampleSize: 50 })
    expect(sampled.queries).toBe(50)
    expect(sampled.trustworthiness).toBeLessThan(0.9)
  })
})
