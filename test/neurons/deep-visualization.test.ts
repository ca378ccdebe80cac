/**
 * Feature visualizations of the deeper conv layer of the bundled MNIST CNNs must not come out flat grey.
 *
 * Why they did: the optimization starts from near-uniform grey (sd 0.01 around 0.5), far from MNIST's
 * black backgrounds. Six of the 16 conv2d_2 units of mnist-cnn (1, 2, 10, 11, 12, 15) are below zero
 * everywhere on that grey, so their objective is exactly 0 with a zero gradient, Adam never moves, and
 * the picture stays grey (pixel std 0.010). Redirected ReLU gradients (Lucid) fix it where tfjs lets us
 * override the ReLU (Layers models on the native backend); elsewhere (graph models, wasm;
 * `redirectReluSteps: 0` here) the dead images are now redrawn with more contrast before optimizing.
 *
 * The bars, per unit that fires on some of 500 real test digits:
 * - its value on its picture (channel mean, what the dictionary maximizes) ends above its start by at
 *   least the unit's mean activation over the digits: the picture excites it more than a typical digit
 *   adds to a grey image;
 * - the picture's pixel std is above 0.1. A grey start has 0.010; MNIST digits have about 0.31 (dark
 *   background, white strokes), so 0.1 is ten times the grey start and a third of a real digit's.
 * A unit that never fires on the data (shortcut-mnist-cnn's conv2d_2 unit 2: activation 0 on every test
 * digit) gets words on its card instead of a picture.
 */
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { datasets, load, type GlasswingModel } from '../../src'
import { neurons, objectives, parametrizations, visualize } from '../../src/neurons'
import { JUPYTER_DISPLAY } from '../../src/display/bundle'
import { MIME_TYPES, type NeuronsPayload } from '../../src/display/schema'
import { valuePerImage } from '../../src/neurons/objectives/units-per-image'

const LAYER = 'conv2d_2'
const MIN_PIXEL_STD = 0.1

/** Per unit: [its value on image i for units[i], the pixel std of image i]. */
function measure(
  model: GlasswingModel,
  units: number[],
  images: tf.Tensor4D,
): { value: number; std: number }[] {
  return tf.tidy(() => {
    const values = valuePerImage(model.activations(images, [LAYER])[LAYER]!, units, 'channel').arraySync()
    const { variance } = tf.moments(images.reshape([units.length, -1]), 1)
    const stds = variance.sqrt().arraySync() as number[]
    return units.map((_, i) => ({ value: values[i]!, std: stds[i]! }))
  })
}

describe('feature visualizations of conv2d_2 of the MNIST CNN', () => {
  it.each([
    ['redirected ReLU gradients (Layers models, native backend)', 16],
    ['plain gradients with restarts (graph models, wasm)', 0],
  ])('excite every unit that fires on real digits, with real contrast: %s', async (_, redirectReluSteps) => {
    const model = await load('notebooks/models/mnist-cnn')
    const mnist = await datasets.mnist({ split: 'test', limit: 500 })
    const units = Array.from({ length: 16 }, (_, i) => i)
    const { firing, dataMean } = tf.tidy(() => {
      const activation = model.activations(mnist.images, [LAYER])[LAYER]!.reshape([-1, 16])
      return {
        firing: (activation.max(0).arraySync() as number[]).map((max) => max > 0),
        dataMean: activation.mean(0).arraySync() as number[],
      }
    })
    const start = tf.tidy(() => {
      const parametrized = parametrizations
        .fourier()
        .create({ batch: 16, height: 28, width: 28, channels: 1 }, 1)
      try {
        return measure(model, units, parametrized.images())
      } finally {
        parametrized.dispose()
      }
    })
    const before = tf.memory().numTensors
    const vis = await visualize(model, objectives.unitsPerImage(LAYER, units), {
      batch: 16,
      steps: 256,
      seed: 1,
      redirectReluSteps,
      live: false,
    })
    expect(tf.memory().numTensors).toBe(before)
    const images = vis.toTensor()
    const end = measure(model, units, images)
    images.dispose()
    const rows = units.map((u) => ({
      unit: u,
      start: start[u]!.value,
      end: end[u]!.value,
      dataMean: dataMean[u]!,
      std: end[u]!.std,
    }))
    console.log(
      `redirect ${redirectReluSteps}: ` +
        rows
          .map((r) => `${r.unit}: ${r.start.toFixed(2)}->${r.end.toFixed(2)} sd ${r.std.toFixed(2)}`)
          .join(', '),
    )
    const failing = rows.filter(
      (r) => firing[r.unit] && !(r.end > r.start + r.dataMean && r.std > MIN_PIXEL_STD),
    )
    expect(failing).toEqual([])
    mnist.dispose()
    model.dispose()
  })

  it('says so on the card of a unit that never fires on the data, instead of a misleading picture', async () => {
    const model = await load('notebooks/models/shortcut-mnist-cnn')
    const mnist = await datasets.mnist({ split: 'test', limit: 500 })
    const before = tf.memory().numTensors
    const dictionary = await neurons(model, {
      layer: LAYER,
      data: mnist,
      units: [1, 2],
      visualize: { steps: 64 },
      tuning: false,
      dissection: false,
      ablation: false,
      seed: 1,
    })
    expect(tf.memory().numTensors).toBe(before)
    const [alive, dead] = [dictionary.unit(1), dictionary.unit(2)]
    expect(dead.statistics.max).toBe(0)
    expect(dead.note).toMatch(/never fires on these 500 images/)
    expect(dead.visualizationValue).toBe(0)
    expect(dead.visualization).toBeNull()
    expect(alive.note).toBeNull()
    // The note reaches the notebook view's payload too.
    const units = (dictionary[JUPYTER_DISPLAY]()[MIME_TYPES.neurons] as NeuronsPayload).units
    expect(units.find((u) => u.index === 2)!.note).toMatch(/never fires/)
    expect(units.find((u) => u.index === 1)!.note).toBeUndefined()
    expect(alive.visualization).not.toBeNull()
    expect(alive.visualizationValue!).toBeGreaterThan(0)
    expect(dictionary.toString()).toMatch(/unit +2 \|.*never fires on these 500 images/)
    expect(typeof dictionary[JUPYTER_DISPLAY]()['image/png']).toBe('string')
    mnist.dispose()
    model.dispose()
  })
})
