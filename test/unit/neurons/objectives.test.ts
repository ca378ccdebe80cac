import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { decodePng, GlasswingError, JUPYTER_DISPLAY } from '../../../src'
import { Objective, objectives, parametrizations, transforms, visualize } from '../../../src/neurons'
import { onWasm, runOrExplain } from './backend-guard'
import { edgeModel } from './helpers'

describe('objectives compose with readable names', () => {
  it('names sums, differences, scalings and negations as they compute', () => {
    const a = objectives.channel('edges', 1)
    const penalty = objectives.totalVariation().times(0.1)
    expect(a.minus(penalty).name).toBe('channel(edges:1) - 0.1 × totalVariation')
    expect(a.plus(objectives.l1()).neg().name).toBe('-(channel(edges:1) + l1)')
    expect(Objective.sum([a, objectives.unit('edges', 2)]).name).toBe('channel(edges:1) + unit(edges:2)')
    const needs = a.plus(objectives.classLogit(0)).plus(objectives.layer('pool')).needs
    expect(needs).toEqual({ layers: ['edges', 'pool'], output: true })
  })
})

describe('unitsPerImage', () => {
  it('equals the sum of one batch-selected objective per image, for channels and centre neurons', async () => {
    const model = await edgeModel([0, 45, 90])
    const before = tf.memory().numTensors
    const [vectorized, summed, centre, summedCentre] = tf.tidy(() => {
      const images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D
      const activations = model.activations(images, 'edges')
      const context = { images, activation: (l: string) => activations[l]!, output: () => images }
      const units = [2, 0, 1]
      return [
        objectives.unitsPerImage('edges', units).evaluate(context),
        Objective.sum(units.map((u, i) => objectives.channel('edges', u, { batch: i }))).evaluate(context),
        objectives.unitsPerImage('edges', units, { at: 'centre' }).evaluate(context),
        Objective.sum(units.map((u, i) => objectives.unit('edges', u, { batch: i }))).evaluate(context),
      ].map((t) => t.dataSync()[0]!)
    })
    expect(vectorized).toBeCloseTo(summed!, 5)
    expect(centre).toBeCloseTo(summedCentre!, 5)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('feature visualization', () => {
  const cases: [string, Objective, number][] = [
    ['channel', objectives.channel('edges', 1), 1],
    ['unit', objectives.unit('edges', 0, { position: [5, 5] }), 1],
    ['layer', objectives.layer('edges'), 1],
    ['class logit', objectives.classLogit(2), 1],
    ['direction', objectives.direction('edges', [1, -1]), 1],
    ['units per image', objectives.unitsPerImage('edges', [1, 0]), 2],
    ['channel with diversity', objectives.channel('edges', 0).plus(objectives.diversity('edges')), 2],
    [
      'channel minus regularizers',
      objectives
        .channel('edges', 1)
        .minus(objectives.l1().plus(objectives.totalVariation()).plus(objectives.blur()).times(0.01)),
      1,
    ],
  ]
  it.each(cases)('raises the %s objective and leaks nothing', async (_, objective, batch) => {
    const model = await edgeModel([0, 90])
    const before = tf.memory().numTensors
    const result = await visualize(model, objective, {
      steps: 24,
      batch,
      seed: 3,
      transforms: [],
      parametrization: parametrizations.pixels({ sd: 0.1 }),
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.history).toHaveLength(24)
    expect(result.history[23]!).toBeGreaterThan(result.history[0]! + 1e-3)
    expect(result.images.batch).toBe(batch)
    const bundle = result[JUPYTER_DISPLAY]()
    expect(decodePng(bundle['image/png'] as string).height).toBeGreaterThanOrEqual(28)
    expect(bundle['text/plain']).toContain(`Visualization of ${objective.name}`)
  })

  it('raises a channel through the Fourier parametrization and the standard transforms', async () => {
    const model = await edgeModel([0, 90])
    const before = tf.memory().numTensors
    const progress: number[] = []
    const result = await runOrExplain(() =>
      visualize(model, objectives.channel('edges', 0), {
        steps: 40,
        seed: 1,
        transforms: transforms.standard(28),
        progressEvery: 10,
        onProgress: (p) => {
          progress.push(p.step)
          expect(p.images().data.length).toBe(28 * 28)
        },
      }),
    )
    expect(tf.memory().numTensors).toBe(before)
    if (!result) return
    expect(progress).toEqual([10, 20, 30, 40])
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(result.history.slice(-5))).toBeGreaterThan(2 * mean(result.history.slice(0, 5)))
  })

  it('moves units that are dead on the starting image, through redirected ReLU gradients', async () => {
    const model = await edgeModel([45], 3, -0.5) // silent on the grey starting image
    const run = (redirectReluSteps: number) =>
      visualize(model, objectives.channel('edges', 0), {
        steps: 24,
        seed: 1,
        transforms: [],
        redirectReluSteps,
        restarts: 0, // plain gradients from the grey start: nothing else wakes the unit
      })
    const plain = await run(0)
    expect(plain.history.at(-1)).toBe(0)
    if (onWasm()) return // the override needs Conv2DBackpropFilter: wasm keeps plain gradients
    const before = tf.memory().numTensors
    const redirected = await run(16)
    expect(redirected.history.at(-1)!).toBeGreaterThan(0.1)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('redraws images dead at the start with more contrast where ReLU gradients cannot be redirected', async () => {
    const model = await edgeModel([45], 3, -0.5) // silent on the grey starting image
    const before = tf.memory().numTensors
    const run = (restarts: number) =>
      visualize(model, objectives.channel('edges', 0), {
        steps: 24,
        seed: 1,
        transforms: [],
        redirectReluSteps: 0, // what graph models and the wasm backend get
        restarts,
      })
    const restarted = await run(30)
    expect(tf.memory().numTensors).toBe(before)
    expect(Object.keys(restarted.parameters.restarted as object)).toEqual(['0'])
    expect(restarted.history[0]!).toBeGreaterThan(0)
    expect(restarted.history.at(-1)!).toBeGreaterThan(Math.max(0.1, 2 * restarted.history[0]!))
    const again = await run(30)
    expect(Array.from(again.images.data)).toEqual(Array.from(restarted.images.data))
  })

  it('gives an image its first start back when no restart reaches it (an objective of other images)', async () => {
    const model = await edgeModel([45], 3, -0.5)
    const run = (restarts: number) =>
      visualize(model, objectives.channel('edges', 0, { batch: 0 }), {
        steps: 2,
        batch: 2,
        seed: 1,
        transforms: [],
        redirectReluSteps: 0,
        restarts,
        learningRate: 0,
      })
    const [plain, restarted] = [await run(0), await run(4)]
    const size = 28 * 28
    // Image 1 is not in the objective: it keeps the start it had without restarts.
    expect(Array.from(restarted.images.data.slice(size))).toEqual(Array.from(plain.images.data.slice(size)))
    expect(Array.from(restarted.images.data.slice(0, size))).not.toEqual(
      Array.from(plain.images.data.slice(0, size)),
    )
  })

  it('is reproducible for a seed', async () => {
    const model = await edgeModel([45])
    const run = () =>
      visualize(model, objectives.channel('edges', 0), {
        steps: 8,
        seed: 7,
        transforms: [transforms.jitter(1), transforms.pad(1)],
      })
    const [a, b] = [await run(), await run()]
    expect(Array.from(a.images.data)).toEqual(Array.from(b.images.data))
  })

  it('rejects a unit out of range and a dense layer for a channel, with the next step', async () => {
    const model = await edgeModel([0, 90])
    const before = tf.memory().numTensors
    await expect(
      visualize(model, objectives.channel('edges', 5), { steps: 2, transforms: [] }),
    ).rejects.toThrow(/unit expected a unit index of layer 'edges' from 0 to 1, got 5/)
    await expect(
      visualize(model, objectives.channel('logits', 0), { steps: 2, transforms: [] }),
    ).rejects.toThrow(GlasswingError)
    await expect(
      visualize(model, objectives.channel('logits', 0), { steps: 2, transforms: [] }),
    ).rejects.toThrow(/spatial extent.*Pick a convolutional/)
    await expect(visualize(model, objectives.unit('edges', 0), { steps: 0 })).rejects.toThrow(
      /options.steps expected a positive integer/,
    )
    expect(tf.memory().numTensors).toBe(before)
  })
})
