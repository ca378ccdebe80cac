// No silent wrong answers: options that used to give NaN, an all-zero map or a raw tfjs error are
// refused with a GlasswingError naming the option; int and bool inputs are cast as documented.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { explain, type ExplainOptions } from '../../../src/attribution'
import { resolveTarget } from '../../../src/attribution/target'
import { load, type GlasswingModel } from '../../../src/model'
import { embed } from '../../../src/representation'
import { mnistShaped } from './models'

let model: GlasswingModel
let x: tf.Tensor

beforeAll(async () => {
  // Dense only: every gradient here runs on the WebAssembly backend too.
  model = await load(mnistShaped(), { classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] })
  x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3)
})
afterAll(() => {
  x.dispose()
  model.dispose()
})

/** Expects `explain` to refuse `options` with a GlasswingError naming `argument`, leaving no tensor. */
async function refused(options: ExplainOptions, argument: string, inputs: unknown = x): Promise<string> {
  const before = tf.memory().numTensors
  const error = await explain(model, inputs as tf.Tensor, options).then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error, JSON.stringify(options)).toBeInstanceOf(GlasswingError)
  expect((error as GlasswingError).details.argument).toBe(argument)
  expect(tf.memory().numTensors).toBe(before)
  return (error as GlasswingError).message
}

describe('options that gave NaN or raw errors', () => {
  it('refuses non-finite and fractional numbers, naming the option', async () => {
    await refused({ method: 'smoothgrad', noise: { stdev: Infinity } }, 'options.noise.stdev')
    await refused({ method: 'smoothgrad', noise: { stdev: Number.NaN } }, 'options.noise.stdev')
    await refused({ method: 'smoothgrad', noise: { samples: 2.5 } }, 'options.noise.samples')
    await refused({ method: 'saliency', noise: 5 as never }, 'options.noise')
    await refused({ method: 'gradient-shap', stdev: Infinity }, 'options.stdev')
    await refused({ method: 'gradient-shap', internalBatchSize: Number.NaN }, 'options.internalBatchSize')
    await refused({ method: 'gradient-shap', internalBatchSize: 2.5 }, 'options.internalBatchSize')
    await refused({ method: 'integrated-gradients', blurSigma: Infinity }, 'options.blurSigma')
    await refused({ method: 'integrated-gradients', internalBatchSize: 0.5 }, 'options.internalBatchSize')
    await refused({ method: 'saliency', seed: 1.5 }, 'options.seed')
    await refused({ method: 'saliency', batchSize: Number.NaN }, 'options.batchSize')
  })

  it('checks baselines: finite numbers, finite tensors of the right shape', async () => {
    for (const baseline of [Number.NaN, Infinity, -Infinity]) {
      const message = await refused({ method: 'integrated-gradients', baseline }, 'options.baseline')
      expect(message).toMatch(/a finite float32 number/)
    }
    const holes = tf.fill([28, 28, 1], Number.NaN)
    expect(await refused({ method: 'integrated-gradients', baseline: holes }, 'options.baseline')).toMatch(
      /NaN or Infinity/,
    )
    const wrong = tf.zeros([5, 28, 28, 1])
    await refused({ method: 'integrated-gradients', baseline: wrong }, 'options.baseline')
    const text = tf.tensor(['a'])
    await refused({ method: 'integrated-gradients', baseline: text }, 'options.baseline')
    const distribution = tf.fill([3, 28, 28, 1], Infinity)
    await refused({ method: 'gradient-shap', baselines: distribution }, 'options.baselines')
    await refused({ method: 'gradient-shap', baselines: 'grey' as never }, 'options.baselines')
    tf.dispose([holes, wrong, text, distribution])
  })

  it('refuses a class name past the model’s outputs instead of explaining nothing', () => {
    const names = ['cat', 'dog', 'eel', 'fox']
    expect(() => resolveTarget('fox', new Float32Array(6), 2, 3, names, 'gw.explain')).toThrow(
      /options\.target expected a class name among the model’s 3 outputs/,
    )
    expect(resolveTarget('eel', new Float32Array(6), 2, 3, names, 'gw.explain')).toMatchObject({
      classes: Int32Array.of(2, 2),
    })
  })
})

describe('input types', () => {
  it('refuses string and disposed tensors, saying what to do', async () => {
    const text = tf.tensor(new Array<string>(2 * 28 * 28).fill('a'), [2, 28, 28, 1])
    expect(await refused({ method: 'saliency' }, 'inputs', text)).toMatch(/a string tensor. Encode the text/)
    const gone = tf.zeros([2, 28, 28, 1])
    gone.dispose()
    expect(await refused({ method: 'saliency' }, 'inputs', gone)).toMatch(/a disposed tensor/)
    text.dispose()
  })

  it('casts int32 and bool inputs to float32, as documented', async () => {
    const ints = tf.randomUniform([2, 28, 28, 1], 0, 3, 'int32', 4)
    const bools = tf.greater(ints, 1)
    for (const [given, floats] of [
      [ints, tf.cast(ints, 'float32')],
      [bools, tf.cast(bools, 'float32')],
    ] as const) {
      const options: ExplainOptions = { method: 'integrated-gradients', steps: 4 }
      const cast = await explain(model, given, options)
      const reference = await explain(model, floats, options)
      expect(Array.from(cast.values)).toEqual(Array.from(reference.values))
      floats.dispose()
    }
    tf.dispose([ints, bools])
  })

  it('refuses fractional and non-finite embedding batch sizes', async () => {
    const points = tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', 5)
    for (const batchSize of [1.5, Number.NaN, 0]) {
      const before = tf.memory().numTensors
      await expect(embed(model, points, { layer: 'hidden', method: 'pca', batchSize })).rejects.toThrow(
        /options\.batchSize expected a whole number >= 1/,
      )
      expect(tf.memory().numTensors).toBe(before)
    }
    points.dispose()
  })
})
