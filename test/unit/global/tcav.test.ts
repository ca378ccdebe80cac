// gw.tcav on the shortcut model (trained to read a class-placed watermark): the watermark concept is
// significant for its class, a random concept is not, and random-vs-random false positives stay near
// the nominal level over 20 seeds. Real model, real tfjs-node gradients.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as gw from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { MIME_TYPES, type MatrixPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'

let model: gw.GlasswingModel
let threes: tf.Tensor4D
let pool: tf.Tensor4D
const TARGET = 3

beforeAll(async () => {
  model = await gw.load('notebooks/models/shortcut-mnist-cnn')
  const stamped = await gw.datasets.mnist({ split: 'test', limit: 300, watermark: true })
  const plain = await gw.datasets.mnist({ split: 'train', limit: 200 })
  const labels = stamped.labels.arraySync()
  const index = labels.flatMap((l, i) => (l === TARGET ? [i] : [])).slice(0, 24)
  threes = tf.gather(stamped.images, index) as tf.Tensor4D
  pool = plain.images
  stamped.images.dispose()
  stamped.labels.dispose()
  plain.labels.dispose()
})
afterAll(() => {
  threes.dispose()
  pool.dispose()
  model.dispose()
})

describe('gw.tcav', () => {
  it('finds the planted watermark concept significant and a random concept not', async () => {
    const randomConcept = pool.slice(100, 100)
    const randomPool = pool.slice(0, 100)
    const before = tf.memory().numTensors
    const result = await gw.tcav(model, {
      inputs: threes,
      target: TARGET,
      layers: ['dense_1', 'flatten_1'],
      concepts: { watermark: 'watermark', random: randomConcept },
      random: randomPool,
      setSize: 20,
      randomSets: 20,
      seed: 1,
    })
    expect(tf.memory().numTensors).toBe(before)
    randomConcept.dispose()
    randomPool.dispose()
    const mark = result.get('watermark', 'dense_1')!
    expect(mark.scores).toHaveLength(20)
    expect(mark.meanScore).toBeGreaterThan(0.8)
    expect(mark.significant).toBe(true)
    expect(mark.cavAccuracy).toBeGreaterThan(0.9)
    expect(result.get('watermark', 'flatten_1')!.significant).toBe(true)
    expect(result.get('random', 'dense_1')!.significant).toBe(false)
    expect(result.get('random', 'dense_1')!.warning).toMatch(/near chance/)
    expect(result.toArray()).toHaveLength(2)
    const text = result[JUPYTER_DISPLAY]()['text/plain']
    expect(text).toContain('watermark @ dense_1')
    expect(result.toCSV().split('\n')).toHaveLength(5)
    // The concept x layer table in the shared matrix view's shape, significance marked.
    const spec = result.toMatrixSpec()
    expect([spec.rows, spec.columns]).toEqual([
      ['watermark', 'random'],
      ['dense_1', 'flatten_1'],
    ])
    expect(spec.marks).toEqual([
      ['*', '*'],
      ['', ''],
    ])
    expect(spec.perItem!.values[0]![0]).toHaveLength(20)
    const payload = result[JUPYTER_DISPLAY]()[MIME_TYPES.matrix] as MatrixPayload
    expect(validatePayload('matrix', payload).ok).toBe(true)
    expect(payload.notes).toEqual(text.split('\n'))
  })

  it('keeps random-vs-random false positives near the nominal 5 % over 20 seeds', async () => {
    let positives = 0
    const randomPool = pool.slice(0, 100)
    for (let seed = 0; seed < 20; seed++) {
      // A concept that is itself random: 100 other digits, as large as the random pool.
      const concept = pool.slice(100, 100)
      const result = await gw.tcav(model, {
        inputs: threes,
        target: TARGET,
        layers: 'dense_1',
        concepts: { random: concept },
        random: randomPool,
        setSize: 20,
        classifier: seed % 2 ? 'mean-difference' : 'logistic',
        seed,
      })
      concept.dispose()
      if (result.rows[0]!.p < 0.05) positives++
    }
    randomPool.dispose()
    console.log(`TCAV random-vs-random: ${positives} of 20 seeds significant at 0.05`)
    // Binomial(20, 0.05): P(X >= 4) = 0.016.
    expect(positives).toBeLessThanOrEqual(3)
  })

  it('supports relative TCAV and refuses a concept set smaller than the minimum', async () => {
    const result = await gw.tcav(model, {
      inputs: threes.slice(0, 12),
      target: TARGET,
      layers: 'dense_1',
      concepts: { watermark: 'watermark', stripes: 'stripes' },
      random: pool.slice(0, 60),
      relative: [['watermark', 'stripes']],
      randomSets: 4,
    })
    expect(result.concepts).toEqual(['watermark', 'stripes', 'watermark vs stripes'])
    const small = pool.slice(0, 5)
    await expect(
      gw.tcav(model, { inputs: threes, target: TARGET, layers: 'dense_1', concepts: { tiny: small } }),
    ).rejects.toThrow(/gw.tcav: options.concepts.tiny expected at least 8 examples, got 5/)
    await expect(
      gw.tcav(model, {
        inputs: threes,
        target: TARGET,
        layers: 'dense_9',
        concepts: { watermark: 'watermark' },
      }),
    ).rejects.toThrow(/options.layers/)
    small.dispose()
  })
})
