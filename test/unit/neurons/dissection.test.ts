import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { conceptProbes, dissect } from '../../../src/neurons'
import { colorModel, edgeModel } from './helpers'

describe('dissection', () => {
  it('labels a unit built to fire on red "red" with IoU above 0.5, at full and at pooled resolution', async () => {
    const model = await colorModel()
    const before = tf.memory().numTensors
    for (const layer of ['colors', 'pool']) {
      const { labels } = dissect(model, layer)
      expect(labels[0]).toMatchObject({ unit: 0, concept: 'red', category: 'color' })
      expect(labels[0]!.iou).toBeGreaterThan(0.5)
      expect(labels.map((l) => l.concept)).toEqual(['red', 'green', 'blue'])
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it('probes hold colours, shapes and textures with masks; grayscale models get no colours', () => {
    const rgb = conceptProbes({ height: 32, width: 32, channels: 3 })
    expect(rgb.concepts).toEqual(
      expect.arrayContaining([
        'red',
        'blue',
        'circle',
        'square',
        'triangle',
        'stripes 45°',
        'checkerboard',
        'dots',
      ]),
    )
    expect(rgb.images.length).toBe(rgb.count * 32 * 32 * 3)
    rgb.masks.forEach((mask) => expect(mask.some((v) => v === 1)).toBe(true))
    const grey = conceptProbes({ height: 28, width: 28, channels: 1 })
    expect(grey.categories).not.toContain('color')
  })

  it('scores user concepts beside the procedural ones', async () => {
    const model = await colorModel()
    const before = tf.memory().numTensors
    // A user concept: left halves painted red on grey; the red unit should match it.
    const [images, masks] = tf.tidy(() => {
      const mask = tf.concat([tf.ones([8, 32, 16]), tf.zeros([8, 32, 16])], 2)
      const red = tf.tensor1d([1, 0, 0]).reshape([1, 1, 1, 3])
      const image = mask.expandDims(3).mul(red).add(mask.expandDims(3).sub(1).neg().mul(0.5))
      return [image as tf.Tensor4D, mask]
    })
    const result = dissect(model, 'colors', { concepts: [{ name: 'left red', images, masks }] })
    expect(result.concepts.at(-1)).toBe('left red')
    expect(result.categories.at(-1)).toBe('user')
    expect(result.iou[0]!.at(-1)!).toBeGreaterThan(result.iou[1]!.at(-1)!)
    tf.dispose([images, masks])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('rejects a layer with no spatial extent and malformed user concepts, with the next step', async () => {
    const model = await edgeModel([0])
    expect(() => dissect(model, 'logits')).toThrow(
      /gw.dissect: layer expected a layer with spatial extent.*Pick a convolutional/,
    )
    const images = tf.zeros([2, 20, 20, 1]) as tf.Tensor4D
    const masks = tf.zeros([2, 20, 20])
    expect(() => dissect(model, 'edges', { concepts: [{ name: 'x', images, masks }] })).toThrow(
      /Resize the concept images/,
    )
    tf.dispose([images, masks])
  })
})
