import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY, load, type GlasswingModel } from '../../../src'
import { atlas, ActivationAtlas } from '../../../src/structure'
import { binPoints } from '../../../src/structure/atlas'
import { patchGeometry } from '../../../src/structure/atlas-patches'
import { MIME_TYPES, type AtlasPayload } from '../../../src/display/schema'
import { decodeArray } from '../../../src/display/codec'
import { validatePayload } from '../../../src/display/validate'
import { mnistTest } from '../representation/mnist'

const MODELS = join(__dirname, '..', '..', '..', 'notebooks', 'models')

describe('gw.similarity.atlas (activation atlas)', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  let labels: Int32Array
  let result: ActivationAtlas
  beforeAll(async () => {
    model = await load(join(MODELS, 'mnist-cnn'))
    const data = mnistTest(300)
    images = tf.tensor4d(data.images.values, [300, 28, 28, 1])
    labels = data.labels
    const before = tf.memory().numTensors
    result = await atlas(model, images, {
      layer: 'conv2d_2',
      labels,
      grid: 8,
      maxSamples: 1200,
      neighbors: 15,
      epochs: 60,
      seed: 3,
    })
    expect(tf.memory().numTensors).toBe(before)
  }, 120_000)
  afterAll(() => {
    images.dispose()
    model.dispose()
  })

  it('samples positions over every image, bins the layout and keeps only cells with enough samples', () => {
    const d = result.data
    expect(d.images).toBe(300)
    expect(d.samples).toBe(1200) // 4 positions of each of the 300 digits
    expect(d.cells.length).toBeGreaterThan(5)
    expect(d.cells.length).toBeLessThanOrEqual(64)
    for (const c of d.cells) {
      expect(c.count).toBeGreaterThanOrEqual(3)
      expect(c.mean).toHaveLength(16)
      expect(c.classes.length).toBeGreaterThan(0)
      expect(c.classes[0]!.count).toBeLessThanOrEqual(c.count)
      for (const e of c.examples) expect(labels[e]).toBeGreaterThanOrEqual(0)
    }
    const kept = d.cells.reduce((a, c) => a + c.count, 0)
    expect(kept).toBeLessThanOrEqual(1200)
    expect(kept).toBeGreaterThan(1000) // few samples fall in cells under the minimum
    // the same seed, the same atlas
    expect(result.toString()).toMatch(
      /Activation atlas of conv2d_2: 1,200 activation vectors from 300 images/,
    )
  })

  it('displays as a valid atlas payload with a patch icon per cell, a PNG and text', () => {
    const bundle = result[JUPYTER_DISPLAY]()
    const payload = bundle[MIME_TYPES.atlas] as AtlasPayload
    const checked = validatePayload('atlas', JSON.parse(JSON.stringify(payload)))
    expect(checked.ok).toBe(true)
    expect(payload.icons.shape).toEqual([result.cells.length, 10, 10, 1])
    expect(payload.cells.every((c, i) => c.icon === i)).toBe(true)
    expect(payload.examplePatches!.shape).toEqual([result.cells.length, 4, 10, 10, 1])
    // the first example patch of a cell is its icon
    const examples = decodeArray(payload.examplePatches!)
    expect(Array.from(examples.subarray(0, 100))).toEqual(
      Array.from(decodeArray(payload.icons).subarray(0, 100)),
    )
    // the icon is a patch of a digit: some ink in it
    const icons = decodeArray(payload.icons)
    expect(Math.max(...icons.subarray(0, 100))).toBeGreaterThan(100)
    expect(typeof bundle['image/png']).toBe('string')
    expect(bundle['text/plain']).toMatch(/cells with at least 3 samples/)
  })

  it('the same seed gives the same atlas', async () => {
    const again = await atlas(model, images, {
      layer: 'conv2d_2',
      labels,
      grid: 8,
      maxSamples: 1200,
      neighbors: 15,
      epochs: 60,
      seed: 3,
    })
    expect(again.cells.map((c) => [c.column, c.row, c.count])).toEqual(
      result.cells.map((c) => [c.column, c.row, c.count]),
    )
  }, 60_000)

  it('bins points into a grid, row 0 at the top', () => {
    const cells = binPoints(Float32Array.from([0, 0, 1, 1, 1, 0, 0.49, 0.51]), 4, 2)
    expect(Array.from(cells)).toEqual([2, 1, 3, 0])
    expect(patchGeometry([null, 11, 11, 16], [28, 28]).size).toBe(10)
    expect(patchGeometry([null, 64], [28, 28]).size).toBe(28)
  })

  it('says what is wrong with bad options', async () => {
    await expect(atlas(model, images, { layer: 'conv2d_9' })).rejects.toThrow(/conv2d_9/)
    await expect(atlas(model, images, { layer: 'conv2d_2', grid: 1 })).rejects.toThrow(
      /gw.similarity.atlas: options.grid expected a whole number from 2 to 200/,
    )
    await expect(atlas(model, images.slice(0, 2), { layer: 'dense_1' })).rejects.toThrow(
      /options.positionsPerImage|at least 16 activation vectors/,
    )
  })
})
