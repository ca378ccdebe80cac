import * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain } from '../../../src/attribution'
import { neurons, objectives, visualize } from '../../../src/neurons'
import { GlasswingError } from '../../../src/errors'
import { load, type GlasswingModel } from '../../../src/model'
import { installSessionHooks, plainNodeHooks } from '../../../src/session/hooks'
import {
  interruptedError,
  interruptRequested,
  isInterrupt,
  relabelInterrupt,
  throwIfInterrupted,
} from '../../../src/session/interrupt'

/** Hooks whose synchronous flag rises after `passes` checks: an interrupt in the middle of the work. */
function interruptAfter(passes: number): { restore: () => void; checks: () => number } {
  let checks = 0
  const restore = installSessionHooks({
    ...plainNodeHooks(),
    interruptRequested: () => ++checks > passes,
  })
  return { restore, checks: () => checks }
}

describe('the cancellation check', () => {
  it('is silent without an interrupt and throws a GlasswingError naming the call with one', () => {
    expect(interruptRequested()).toBe(false)
    expect(() => throwIfInterrupted('gw.explain')).not.toThrow()
    const { restore } = interruptAfter(0)
    try {
      expect(() => throwIfInterrupted('gw.embed', { done: 3, total: 40, unit: 'iterations' })).toThrow(
        'gw.embed: expected to run to the end, got an interrupt after 3 of 40 iterations: the cell was interrupted.',
      )
    } finally {
      restore()
    }
  })

  it('reads the abort signal too, for hosts without a synchronous flag', () => {
    const controller = new AbortController()
    const restore = installSessionHooks({ ...plainNodeHooks(), interruptSignal: controller.signal })
    try {
      expect(interruptRequested()).toBe(false)
      controller.abort()
      expect(interruptRequested()).toBe(true)
    } finally {
      restore()
    }
  })

  it('is relabelled with the public call, keeping where it stopped; other errors pass unchanged', () => {
    const deep = interruptedError('GlasswingModel.run', { done: 2, total: 9, unit: 'batches' })
    const told = relabelInterrupt(deep, 'gw.explain (occlusion)') as GlasswingError
    expect(isInterrupt(told)).toBe(true)
    expect(told.message).toMatch(
      /^gw\.explain \(occlusion\): .*after 2 of 9 batches: the cell was interrupted/,
    )
    const other = new GlasswingError({ where: 'gw.load', argument: 'source' })
    expect(relabelInterrupt(other, 'gw.explain')).toBe(other)
    expect(isInterrupt(other)).toBe(false)
  })
})

describe('a long attribution interrupted between its batches', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  beforeAll(async () => {
    model = await load(join(__dirname, '..', '..', '..', 'notebooks', 'models', 'mnist-cnn'))
    images = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1)
  })
  afterAll(() => {
    model.dispose()
    images.dispose()
  })

  const cases: [string, Parameters<typeof explain>[2]][] = [
    ['integrated-gradients', { method: 'integrated-gradients', steps: 4000, rule: 'riemann-middle' }],
    ['integrated-gradients', { method: 'integrated-gradients', steps: 200_000 }], // Gauss-Legendre nodes
    ['kernel-shap', { method: 'kernel-shap', samples: 200_000 }],
    ['occlusion', { method: 'occlusion', window: 2, stride: 1 }],
    ['smoothgrad', { method: 'smoothgrad', noise: { type: 'smoothgrad', samples: 4000 } }],
  ]
  it.each(cases)('%s stops with "the cell was interrupted" and leaves no tensor', async (name, options) => {
    const before = tf.memory().numTensors
    const { restore, checks } = interruptAfter(3)
    const started = performance.now()
    try {
      const error = await explain(model, images, options).then(
        () => null,
        (thrown: unknown) => thrown,
      )
      expect(error).toBeInstanceOf(GlasswingError)
      expect((error as Error).message).toMatch(
        new RegExp(`^gw\\.explain \\(${name}\\): .*the cell was interrupted`),
      )
    } finally {
      restore()
    }
    expect(checks()).toBeGreaterThan(3)
    // Stopped soon after the fourth check, not at the end of the whole computation.
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(tf.memory().numTensors).toBe(before)
  })

  // An interrupt inside the forward pass of a gradient leaves the tensors that pass saved for its backward
  // pass kept by tfjs: the entry point frees them (explainBackendError), wherever the interrupt lands.
  it.each([1, 2, 3, 5, 8])(
    'feature visualization interrupted at check %i leaves no tensor',
    async (passes) => {
      const before = tf.memory().numTensors
      const { restore } = interruptAfter(passes)
      try {
        await expect(
          visualize(model, objectives.channel('conv2d_1', 0), { steps: 1000, transforms: [] }),
        ).rejects.toThrow(/^gw\.visualize: .*the cell was interrupted/)
      } finally {
        restore()
      }
      expect(tf.memory().numTensors).toBe(before)
    },
  )

  it('the neuron dictionary interrupted while it visualizes leaves no tensor', async () => {
    const before = tf.memory().numTensors
    const { restore } = interruptAfter(6)
    try {
      await expect(
        neurons(model, {
          layer: 'conv2d_1',
          data: images as tf.Tensor4D,
          units: [0],
          visualize: { steps: 1000, transforms: [] },
        }),
      ).rejects.toThrow(/^gw\.neurons: .*the cell was interrupted/)
    } finally {
      restore()
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})
