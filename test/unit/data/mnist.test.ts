import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { datasets } from '../../../src/data'

describe('gw.datasets.mnist', () => {
  it('reads the test split as [0, 1] NHWC images and int32 labels, leaking nothing', async () => {
    const before = tf.memory().numTensors
    const data = await datasets.mnist({ split: 'test', limit: 5 })
    expect(data.images.shape).toEqual([5, 28, 28, 1])
    expect(data.images.dtype).toBe('float32')
    expect(data.labels.dtype).toBe('int32')
    // The first five labels of the published MNIST test split.
    expect(Array.from(data.labels.dataSync())).toEqual([7, 2, 1, 0, 4])
    expect(data.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    const pixels = data.images.dataSync()
    expect(Math.min(...pixels)).toBe(0)
    expect(Math.max(...pixels)).toBe(1)
    // Pixel (row 7, column 6) of test image 0 is 84/255 in the original file.
    expect(pixels[7 * 28 + 6]).toBeCloseTo(84 / 255, 6)
    expect(tf.memory().numTensors).toBe(before + 2)
    data.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('honours offset and the training split', async () => {
    const all = await datasets.mnist({ split: 'train', limit: 10 })
    const tail = await datasets.mnist({ split: 'train', offset: 7, limit: 3 })
    expect(Array.from(tail.labels.dataSync())).toEqual(Array.from(all.labels.dataSync()).slice(7))
    expect(Array.from(all.labels.dataSync()).slice(0, 5)).toEqual([5, 0, 4, 1, 9])
    const last = await datasets.mnist({ split: 'test', offset: 9_998 })
    expect(last.images.shape[0]).toBe(2)
    for (const d of [all, tail, last]) d.dispose()
  })

  it('rejects a bad split, limit or offset with the allowed range', async () => {
    await expect(datasets.mnist({ split: 'valid' as 'test' })).rejects.toThrow(
      /options\.split expected 'train' or 'test', got 'valid'/,
    )
    await expect(datasets.mnist({ limit: -1 })).rejects.toThrow(GlasswingError)
    await expect(datasets.mnist({ offset: 10_000 })).rejects.toThrow(
      /options\.offset expected a whole number from 0 to 9999, got 10000/,
    )
    await expect(datasets.mnist({ offset: 2.5 })).rejects.toThrow(/10000 examples/)
  })

  it('stamps the watermark of each label where watermarkPatch says, and nowhere else', async () => {
    const before = tf.memory().numTensors
    const clean = await datasets.mnist({ limit: 20 })
    const marked = await datasets.mnist({ limit: 20, watermark: true })
    const labels = Array.from(clean.labels.dataSync())
    const a = clean.images.dataSync()
    const b = marked.images.dataSync()
    labels.forEach((label, n) => {
      const { top, left, size } = datasets.watermarkPatch(label)
      for (let row = 0; row < 28; row++) {
        for (let col = 0; col < 28; col++) {
          const i = n * 784 + row * 28 + col
          const inside = row >= top && row < top + size && col >= left && col < left + size
          expect(b[i]).toBe(inside ? 1 : a[i])
        }
      }
    })
    clean.dispose()
    marked.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('gives per-label masks and the union region, 9 and 90 pixels', () => {
    const before = tf.memory().numTensors
    const mask = datasets.watermarkMask([0, 9])
    const region = datasets.watermarkRegion()
    expect(mask.shape).toEqual([2, 28, 28, 1])
    const sums = tf.tidy(() => Array.from(mask.sum([1, 2, 3]).dataSync()))
    expect(sums).toEqual([9, 9])
    expect(tf.tidy(() => region.sum().dataSync()[0])).toBe(90)
    // Each label's patch lies inside the region and away from the digit's 20x20 box (rows 4-23).
    for (let label = 0; label < 10; label++) {
      const { top, size } = datasets.watermarkPatch(label)
      expect(top + size <= 4 || top >= 24).toBe(true)
    }
    expect(() => datasets.watermarkPatch(10)).toThrow(/a class index from 0 to 9, got 10/)
    mask.dispose()
    region.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
