import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError, pca } from '../../../src'
import { downsample14, mnistTest, reference } from './mnist'

const fixture = reference.pca
const data = downsample14(mnistTest(1000).images)

/** Sum of squared cosines of the principal angles between two row-spaces (orthonormal rows): ||A B^T||_F^2. */
function overlap(a: Float32Array, b: number[][], k: number, d: number): number {
  let sum = 0
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) sum += b[j]!.reduce((s, v, c) => s + v * a[i * d + c]!, 0) ** 2
  }
  return sum
}

describe('gw.pca against scikit-learn (MNIST 1000 x 196, 10 components)', () => {
  for (const solver of ['exact', 'randomized'] as const) {
    it(`${solver}: explained variance within 1e-4 relative, same subspace`, async () => {
      const before = tf.memory().numTensors
      const model = await pca(data, { components: 10, solver })
      expect(tf.memory().numTensors).toBe(before)
      expect(model.solver).toBe(solver)
      fixture.explainedVariance.forEach((expected, i) => {
        expect(Math.abs(model.explainedVariance[i]! - expected) / expected).toBeLessThan(1e-4)
        expect(Math.abs(model.explainedVarianceRatio[i]! - fixture.explainedVarianceRatio[i]!)).toBeLessThan(
          1e-5,
        )
      })
      // Same subspace: the projector distance ||P - Q||_F^2 = 2k - 2 sum cos^2(angles) is ~0.
      const projectorDistance = 2 * 10 - 2 * overlap(model.components, fixture.componentsRows, 10, 196)
      expect(projectorDistance).toBeLessThan(1e-4)
      // Same components one by one, signs included (largest entry positive, as sklearn's svd_flip).
      for (let k = 0; k < 10; k++) {
        const dot = fixture.componentsRows[k]!.reduce((s, v, c) => s + v * model.components[k * 196 + c]!, 0)
        expect(dot).toBeGreaterThan(0.999)
      }
    })
  }

  it('transforms new points and whitens to unit variance', async () => {
    const model = await pca(data, { components: 3, whiten: true })
    const before = tf.memory().numTensors
    const projected = model.transform(data)
    expect(tf.memory().numTensors).toBe(before)
    expect(projected.columns).toBe(3)
    for (let c = 0; c < 3; c++) {
      let mean = 0
      let square = 0
      for (let i = 0; i < projected.rows; i++) mean += projected.values[i * 3 + c]!
      mean /= projected.rows
      for (let i = 0; i < projected.rows; i++) square += (projected.values[i * 3 + c]! - mean) ** 2
      expect(Math.abs(mean)).toBeLessThan(1e-4)
      expect(square / (projected.rows - 1)).toBeCloseTo(1, 3)
    }
    expect(() => model.transform([[1, 2, 3]])).toThrow(/196 features/)
  })

  it('rejects impossible options and bad points with a next step', async () => {
    await expect(pca(data, { components: 500 })).rejects.toThrow(
      /options.components expected an integer from 1 to/,
    )
    const bad = [
      [0, 1],
      [NaN, 2],
      [3, 4],
    ]
    await expect(pca(bad)).rejects.toThrow(GlasswingError)
    await expect(pca(bad)).rejects.toThrow(/NaN or Infinity in row 1/)
  })
})
