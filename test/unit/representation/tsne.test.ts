import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { embed, GlasswingError, tsne } from '../../../src'
import { FftRepulsion } from '../../../src/representation/tsne-fft'
import { subtractExactRepulsion } from '../../../src/representation/tsne-gradient'
import type { EmbeddingProgress } from '../../../src/representation/tsne'
import { mnistTest } from './mnist'

const { images } = mnistTest(200)

describe('gw.tsne', () => {
  it('gives the same coordinates for the same seed, other ones for another seed', async () => {
    const small = { values: images.values.subarray(0, 200 * 784), rows: 200, columns: 784 }
    const options = {
      perplexity: 10,
      earlyExaggerationIterations: 50,
      iterations: 50,
      initialization: 'random' as const,
      quality: false,
    }
    const a = await tsne(small, { ...options, seed: 3 })
    const b = await tsne(small, { ...options, seed: 3 })
    const c = await tsne(small, { ...options, seed: 4 })
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates))
    expect(Array.from(a.coordinates)).not.toEqual(Array.from(c.coordinates))
  })

  it('reports progress with the embedding so far', async () => {
    const seen: EmbeddingProgress[] = []
    const small = { values: images.values.subarray(0, 100 * 784), rows: 100, columns: 784 }
    await embed(small, {
      method: 'tsne',
      perplexity: 5,
      earlyExaggerationIterations: 20,
      iterations: 30,
      progressEvery: 10,
      onProgress: (p) => void seen.push(p),
      quality: false,
    })
    expect(seen.map((p) => p.iteration)).toEqual([10, 20, 30, 40, 50])
    expect(seen.every((p) => p.iterations === 50 && p.coordinates.length === 200)).toBe(true)
  })

  it('FFT-interpolated repulsion agrees with the exact one', () => {
    const n = 600
    const y = new Float64Array(2 * n)
    let state = 7
    for (let e = 0; e < y.length; e++) {
      state = (state * 16807) % 2147483647
      y[e] = (state / 2147483647 - 0.5) * 30 + (e % 4 < 2 ? 5 : -5)
    }
    const exact = new Float64Array(2 * n)
    const approximate = new Float64Array(2 * n)
    const before = tf.memory().numTensors
    const repulsion = new FftRepulsion()
    const zApproximate = repulsion.subtract(y, n, approximate)
    repulsion.dispose()
    expect(tf.memory().numTensors).toBe(before)
    const zExact = subtractExactRepulsion(y, n, exact)
    expect(Math.abs(zApproximate - zExact) / zExact).toBeLessThan(0.01)
    let error = 0
    let norm = 0
    for (let e = 0; e < y.length; e++) {
      error += (approximate[e]! - exact[e]!) ** 2
      norm += exact[e]! ** 2
    }
    expect(Math.sqrt(error / norm)).toBeLessThan(0.05)
  })

  it('rejects a perplexity too large for N, too few points and NaN rows, with the fix', async () => {
    const fifty = { values: images.values.subarray(0, 50 * 784), rows: 50, columns: 784 }
    await expect(tsne(fifty, { perplexity: 30 })).rejects.toThrow(
      /options.perplexity expected a number above 0 and at most \(N - 1\) \/ 3 = 16 for 50 points, got 30. Lower the perplexity/,
    )
    await expect(
      tsne([
        [0, 1],
        [1, 0],
        [1, 1],
      ]),
    ).rejects.toThrow(/expected at least 4 points, got 3/)
    const withNaN = Float32Array.from(images.values.subarray(0, 20 * 784))
    withNaN[5 * 784 + 3] = NaN
    const error = await tsne({ values: withNaN, rows: 20, columns: 784 }, { perplexity: 5 }).catch((e) => e)
    expect(error).toBeInstanceOf(GlasswingError)
    expect(error.message).toMatch(/NaN or Infinity in row 5/)
  })

  it('warns about duplicate points and still embeds them', async () => {
    const rows = 60
    const values = Float32Array.from(images.values.subarray(0, rows * 784))
    values.copyWithin(784, 0, 784)
    const warnings: string[] = []
    const listener = (warning: Error): void => void warnings.push(warning.message)
    process.on('warning', listener)
    try {
      const result = await tsne(
        { values, rows, columns: 784 },
        { perplexity: 5, iterations: 50, quality: false },
      )
      await new Promise((resolve) => setImmediate(resolve))
      expect(result.coordinates.every(Number.isFinite)).toBe(true)
    } finally {
      process.off('warning', listener)
    }
    expect(warnings.join('\n')).toMatch(/1 of 60 points duplicate others/)
  })
})
