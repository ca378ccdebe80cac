import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { decodePng, GlasswingError, JUPYTER_DISPLAY, MIME_TYPES, validatePayload } from '../../../src'
import { ablate, neurons, transforms } from '../../../src/neurons'
import { runOrExplain } from './backend-guard'
import { colorModel, edgeModel } from './helpers'

/** 3 x `perClass` RGB images: a red, green or blue square on grey; label = the colour's index. */
function colorSquares(perClass: number): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const n = 3 * perClass
  const data = new Float32Array(n * 32 * 32 * 3).fill(0.5)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const color = i % 3
    labels[i] = color
    const top = (i * 5) % 16
    for (let y = top; y < top + 12; y++)
      for (let x = 8; x < 20; x++)
        for (let k = 0; k < 3; k++) data[((i * 32 + y) * 32 + x) * 3 + k] = k === color ? 1 : 0
  }
  return { images: tf.tensor4d(data, [n, 32, 32, 3]), labels: tf.tensor1d(labels, 'int32') }
}

describe('gw.neurons', () => {
  it('gathers every step per unit and displays as the neurons view, PNG and text', async () => {
    const model = await colorModel()
    const data = colorSquares(8)
    const before = tf.memory().numTensors
    const stages: string[] = []
    const dictionary = await runOrExplain(() =>
      neurons(model, {
        layer: 'colors',
        data: { ...data, classNames: ['red', 'green', 'blue', 'none'] },
        top: 4,
        visualize: { steps: 16, transforms: [transforms.jitter(1)] },
        onProgress: ({ stage, done }) => void (done && stages.push(stage)),
      }),
    )
    expect(tf.memory().numTensors).toBe(before)
    if (!dictionary) return tf.dispose(data)
    expect(stages).toEqual(['visualization', 'examples', 'tuning', 'dissection', 'ablation'])
    expect(dictionary.entries).toHaveLength(3)
    const red = dictionary.unit(0)
    expect(red.label?.concept).toBe('red')
    expect(red.examples).toHaveLength(4)
    // The red unit's top examples are red squares, and its map fires inside the square.
    red.examples.forEach((x) => expect(data.labels.dataSync()[x.index]).toBe(0))
    expect(red.tuning?.find((c) => c.sweep === 'hue')?.preferred).toBeLessThan(30)
    expect(red.ablation?.accuracyDrop).toBeGreaterThan(0)
    expect(red.ablation?.classProbabilityChange[0]).toBeLessThan(0)
    expect(dictionary.baselineAccuracy).toBe(1)

    const bundle = await dictionary[JUPYTER_DISPLAY]()
    const validation = validatePayload('neurons', bundle[MIME_TYPES.neurons])
    expect(validation.ok ? [] : validation.errors).toEqual([])
    const png = decodePng(bundle['image/png'] as string)
    expect(png.width).toBeGreaterThan(100)
    expect(bundle['text/plain']).toMatch(/Neuron dictionary of 'colors': 3 units.*\n.*unit\s+0 \| red \(IoU/)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose(data)
  })

  it('ablation zeroes a channel through the split model', async () => {
    const model = await colorModel()
    const data = colorSquares(4)
    const before = tf.memory().numTensors
    const result = ablate(model, 'colors', data.images, data.labels, [0, 1, 2])
    expect(result.baselineAccuracy).toBe(1)
    result.effects.forEach((effect, unit) => {
      // Without unit u the model cannot see colour u: the class-u examples are lost.
      expect(effect.accuracyDrop).toBeCloseTo(1 / 3, 5)
      expect(effect.classProbabilityChange[unit]).toBeLessThan(-0.1)
    })
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose(data)
  })

  it('rejects an empty data set, a unit out of range and dissection of a dense layer, with the next step', async () => {
    const model = await edgeModel([0, 90])
    const empty = tf.zeros([0, 28, 28, 1]) as tf.Tensor4D
    const some = tf.zeros([4, 28, 28, 1]) as tf.Tensor4D
    const flat = tf.zeros([2, 5])
    const before = tf.memory().numTensors
    await expect(neurons(model, { layer: 'edges', data: empty })).rejects.toThrow(
      /options.data expected at least one example.*Pass some images/,
    )
    await expect(neurons(model, { layer: 'edges', data: some, units: [2] })).rejects.toThrow(
      /options.units expected unit indices of layer 'edges' from 0 to 1, got 2/,
    )
    await expect(neurons(model, { layer: 'logits', data: some, dissection: true })).rejects.toThrow(
      GlasswingError,
    )
    await expect(neurons(model, { layer: 'logits', data: some, dissection: true })).rejects.toThrow(
      /spatial extent.*dissection: false/,
    )
    await expect(neurons(model, { layer: 'edges', data: flat as never })).rejects.toThrow(
      /options.data expected images \[n, 28, 28, 1\]/,
    )
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([empty, some, flat])
  })
})
