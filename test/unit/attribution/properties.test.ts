// Properties every user relies on: completeness, linear models, targets in every form, bounded batching.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, backend } from '../../../src'
import { explain, type ExplainOptions } from '../../../src/attribution'
import { load, type GlasswingModel } from '../../../src/model'
import { SavedGlasswingModel } from '../../../src/model/saved-model'
import { expectNoLeak, tinyCnn } from '../model/helpers'

/** A linear model y = x W + b on 6 features, 3 classes, with known weights. */
function linearModel(): { model: tf.LayersModel; weights: number[][] } {
  const weights = [
    [1, -2, 0.5],
    [0, 3, -1],
    [2, 0, 0],
    [-1, 1, 1],
    [0.25, -0.5, 2],
    [4, 0, -3],
  ]
  const model = tf.sequential({ layers: [tf.layers.dense({ name: 'linear', inputShape: [6], units: 3 })] })
  model.layers[0]!.setWeights([tf.tensor2d(weights), tf.tensor1d([0.1, -0.2, 0.3])])
  return { model, weights }
}

/** A smooth (tanh) MLP, where IG converges fast. */
function smoothModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed })
  return tf.sequential({
    layers: [
      tf.layers.dense({
        name: 'hidden',
        inputShape: [10],
        units: 16,
        activation: 'tanh',
        kernelInitializer: init(1),
      }),
      tf.layers.dense({ name: 'out', units: 4, kernelInitializer: init(2) }),
    ],
  })
}

/** Runs `body`; on wasm, a missing kernel's GlasswingError counts as the expected outcome. */
async function orMissingKernel(body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (error) {
    const missing = error instanceof GlasswingError && /does not implement it/.test(error.message)
    if (!(missing && backend().backend === 'wasm')) throw error
  }
}

describe('attribution properties', () => {
  let linear: GlasswingModel
  let weights: number[][]
  let smooth: GlasswingModel
  let cnn: GlasswingModel
  beforeAll(async () => {
    const built = linearModel()
    linear = await load(built.model, { classNames: ['cat', 'dog', 'eel'] })
    weights = built.weights
    smooth = await load(smoothModel())
    cnn = await load(tinyCnn())
  })
  afterAll(() => [linear, smooth, cnn].forEach((m) => m.dispose()))

  it('saliency of a linear model equals its weights', async () => {
    const x = tf.randomNormal([2, 6], 0, 1, 'float32', 1)
    for (const target of [0, 1, 2]) {
      const result = await expectNoLeak(() =>
        explain(linear, x, { method: 'saliency', absolute: false, target }),
      )
      const column = weights.map((row) => row[target]!)
      expect(Array.from(result.values)).toEqual([...column, ...column])
    }
    const absolute = await explain(linear, x, { method: 'saliency', target: 1 })
    expect(Array.from(absolute.values.slice(0, 6))).toEqual(weights.map((row) => Math.abs(row[1]!)))
    x.dispose()
  })

  it('GradientSHAP on a linear model is weight x (input - baseline), whatever the samples', async () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]])
    const baselines = tf.tensor2d([[0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
    const result = await expectNoLeak(() =>
      explain(linear, x, { method: 'gradient-shap', baselines, samples: 7, target: 2, seed: 3 }),
    )
    const expected = weights.map((row, i) => row[2]! * (i + 1 - 0.5))
    result.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5))
    tf.dispose([x, baselines])
  })

  it.each([
    'riemann-left',
    'riemann-right',
    'riemann-middle',
    'riemann-trapezoid',
    'gauss-legendre',
  ] as const)('IG (%s) is complete within 1%% at 64 steps', async (rule) => {
    const x = tf.randomNormal([4, 10], 0, 1, 'float32', 2)
    const result = await expectNoLeak(() =>
      explain(smooth, x, { method: 'integrated-gradients', steps: 64, rule }),
    )
    const [out, base] = tf.tidy(() => [
      smooth.predict(x).arraySync(),
      smooth.predict(tf.zerosLike(x)).arraySync(),
    ]) as number[][][]
    const change = result.targets.map((target, row) => out![row]![target!]! - base![row]![target!]!)
    result.delta!.forEach((delta, row) => expect(Math.abs(delta)).toBeLessThan(0.01 * Math.abs(change[row]!)))
    x.dispose()
  })

  it('IG gives the same answer in small batches as in one (bounded memory at any step count)', async () => {
    const x = tf.randomNormal([3, 10], 0, 1, 'float32', 4)
    const whole = await explain(smooth, x, { method: 'integrated-gradients', steps: 40 })
    const pieces = await expectNoLeak(() =>
      explain(smooth, x, { method: 'integrated-gradients', steps: 40, internalBatchSize: 7 }),
    )
    pieces.values.forEach((v, i) => expect(v).toBeCloseTo(whole.values[i]!, 5))
    x.dispose()
  })

  it('a noise tunnel with no noise returns the wrapped method', async () => {
    await orMissingKernel(async () => {
      const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5)
      const plain = await explain(cnn, x, { method: 'integrated-gradients', steps: 8 })
      const tunnel = await expectNoLeak(() =>
        explain(cnn, x, { method: 'integrated-gradients', steps: 8, noise: { stdev: 0, samples: 3 } }),
      )
      tunnel.values.forEach((v, i) => expect(v).toBeCloseTo(plain.values[i]!, 5))
      x.dispose()
    })
  })

  it('aggregates noisy copies as SmoothGrad, SmoothGrad-squared and VarGrad', async () => {
    // A linear model's gradient does not depend on the input: every noisy copy gives the weights.
    const x = tf.randomNormal([2, 6], 0, 1, 'float32', 8)
    const column = weights.map((row) => row[0]!)
    const run = (type: 'smoothgrad' | 'smoothgrad-squared' | 'vargrad') =>
      expectNoLeak(() =>
        explain(linear, x, {
          method: 'saliency',
          absolute: false,
          target: 0,
          noise: { type, samples: 5, stdev: 0.5 },
        }),
      )
    const [mean, squares, variance] = [
      await run('smoothgrad'),
      await run('smoothgrad-squared'),
      await run('vargrad'),
    ]
    mean.values.slice(0, 6).forEach((v, i) => expect(v).toBeCloseTo(column[i]!, 5))
    squares.values.slice(0, 6).forEach((v, i) => expect(v).toBeCloseTo(column[i]! ** 2, 4))
    variance.values.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-4))
    expect(mean.data.provenance.seed).toBe(0)
    x.dispose()
  })

  it('accepts targets as a name, per-example indices, top-k and a function', async () => {
    const x = tf.randomNormal([2, 6], 0, 1, 'float32', 6)
    const byName = await explain(linear, x, { method: 'saliency', target: 'dog' })
    expect(byName.targets).toEqual([1, 1])
    const perExample = await explain(linear, x, { method: 'saliency', target: [2, 0] })
    expect(perExample.targets).toEqual([2, 0])
    const topK = await expectNoLeak(() => explain(linear, x, { method: 'saliency', target: { topK: 2 } }))
    expect(topK.shape).toEqual([4, 6])
    expect(topK.data.exampleOf).toEqual([0, 0, 1, 1])
    expect(topK.targets[0]).toBe(topK.predictions![0]!.classes[0])
    const fn = await expectNoLeak(() =>
      explain(linear, x, { method: 'saliency', absolute: false, target: (outputs) => outputs.sum(1) }),
    )
    expect(Array.from(fn.values.slice(0, 6))).toEqual(
      weights.map((row) => row.reduce((a, b) => a + b, 0)).map((v) => Math.fround(v)),
    )
    await expect(explain(linear, x, { method: 'saliency', target: 'dgo' })).rejects.toThrow(
      /Did you mean 'dog'/,
    )
    x.dispose()
  })

  it('also takes a tfjs model straight from memory', async () => {
    const { model } = linearModel()
    const result = await expectNoLeak(() =>
      explain(model, [[1, 2, 3, 4, 5, 6]], { method: 'saliency', target: 2 }),
    )
    expect(Array.from(result.values)).toEqual(weights.map((row) => Math.abs(row[2]!)))
    model.dispose()
  })

  it('takes one example without a batch axis and returns it without one', async () => {
    const result = await explain(linear, [1, 2, 3, 4, 5, 6], { method: 'input-x-gradient', target: 0 })
    expect(result.shape).toEqual([6])
    expect(result.values[5]).toBeCloseTo(24)
  })

  it('refuses bad inputs, unknown methods and layers with a GlasswingError saying what to do', async () => {
    const nan = tf.tensor2d([[NaN, 0, 0, 0, 0, 0]])
    await expect(explain(linear, nan, { method: 'saliency' })).rejects.toThrow(/NaN or Infinity/)
    await expect(explain(linear, tf.zeros([2, 5]), { method: 'saliency' })).rejects.toThrow(/shape \[n, 6\]/)
    await expect(
      explain(linear, [[1, 2, 3, 4, 5, 6]], { method: 'saliancy' } as unknown as ExplainOptions),
    ).rejects.toThrow(/Did you mean 'saliency'/)
    const x = tf.zeros([1, 8, 8, 1])
    await expect(explain(cnn, x, { method: 'layer-gradient-x-activation', layer: 'conv2' })).rejects.toThrow(
      /Did you mean 'conv'/,
    )
    await expect(
      explain(cnn, x, { method: 'saliency', neuron: { layer: 'conv', index: [9, 0, 0] } }),
    ).rejects.toThrow(/index into the layer/)
    tf.dispose([nan, x])
  })
})

describe('models without gradients', () => {
  it('say plainly that gradient methods need a differentiable model', async () => {
    const session = {
      inputs: [{ name: 'x', shape: [-1, 4], dtype: 'float32' }],
      outputs: [{ name: 'y', shape: [-1, 2], dtype: 'float32' }],
      predict: (x: tf.Tensor) => tf.tidy(() => tf.concat([x.sum(1, true), x.mean(1, true)], 1)),
      execute: () => {
        throw new Error('unused')
      },
      dispose: () => {},
    }
    const model = new SavedGlasswingModel(session as never, '/nowhere', null)
    expect(model.differentiable).toBe(false)
    await expect(explain(model, [[1, 2, 3, 4]], { method: 'integrated-gradients' })).rejects.toThrow(
      /SavedModel runs inside the TensorFlow session/,
    )
  })
})
