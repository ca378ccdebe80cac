import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { pca, quality } from '../../../src'
import { mnistTest, reference } from './mnist'

describe('gw.quality', () => {
  it('computes trustworthiness as sklearn.manifold.trustworthiness does', async () => {
    const { images } = mnistTest(1000)
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
