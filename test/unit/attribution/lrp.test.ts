// LRP: relevance conservation (the relevances of a bias-free ReLU network sum to the target logit)
// for every rule that conserves, batch-norm folding against an explicit network, and the errors.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { load } from '../../../src/model'
import { runAttribution } from '../../../src/attribution/run'
import { lrp } from '../../../src/attribution/lrp/lrp'

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed })

/** conv - BN - ReLU - maxpool - conv(relu) - avgpool - flatten - dense(relu) - dense; no biases. */
function network(withBias: boolean): tf.Sequential {
  const bias = withBias ? {} : { useBias: false }
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv1',
        inputShape: [8, 8, 2],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: glorot(1),
        ...bias,
      }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.reLU({ name: 'relu1' }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({
        name: 'conv2',
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: glorot(2),
        ...bias,
      }),
      tf.layers.averagePooling2d({ name: 'pool2', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'fc', units: 8, activation: 'relu', kernelInitializer: glorot(3), ...bias }),
      tf.layers.dense({ name: 'logits', units: 3, kernelInitializer: glorot(4), ...bias }),
    ],
  })
  const bn = model.getLayer('bn1')
  bn.setWeights([
    tf.tensor1d([0.8, 1.2, 1.5, 0.6]),
    withBias ? tf.tensor1d([0.1, -0.1, 0.05, 0]) : tf.zeros([4]),
    withBias ? tf.tensor1d([0.2, 0, -0.1, 0.3]) : tf.zeros([4]),
    tf.tensor1d([1.5, 0.7, 1.1, 2]),
  ])
  return model
}

const images = tf.tidy(() => tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 4))

describe('LRP', () => {
  it.each(['epsilon', 'epsilon-gamma', 'epsilon-plus', 'epsilon-alpha2-beta1'] as const)(
    'conserves relevance without biases: %s',
    async (composite) => {
      const model = await load(network(false))
      const logits = tf.tidy(() => model.predict(images).arraySync() as number[][])
      const before = tf.memory().numTensors
      const result = await runAttribution(lrp, model, images, { composite, target: 1 }, 'test')
      expect(tf.memory().numTensors).toBe(before)
      expect(result.shape).toEqual([3, 8, 8, 2])
      for (let row = 0; row < 3; row++) {
        const total = result.values
          .subarray(row * 128, (row + 1) * 128)
          .reduce((sum, value) => sum + value, 0)
        // every rule redistributes exactly when there is no bias (alpha-beta: alpha - beta = 1)
        expect(total).toBeCloseTo(logits[row]![1]!, 4)
        expect(Math.abs(result.delta![row]! - (total - logits[row]![1]!))).toBeLessThan(1e-4)
      }
      model.dispose()
    },
  )

  it('handles dense layers on the last axis of images, and refuses activations it has no rule for', async () => {
    const dense = (activation: 'relu' | 'tanh') =>
      tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [8, 8, 2],
            units: 3,
            activation,
            useBias: false,
            kernelInitializer: glorot(5),
          }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, useBias: false, kernelInitializer: glorot(6) }),
        ],
      })
    const model = await load(dense('relu'))
    const logits = tf.tidy(() => model.predict(images).arraySync() as number[][])
    const result = await runAttribution(lrp, model, images, { target: 0 }, 'test')
    for (let row = 0; row < 3; row++) {
      const total = result.values.subarray(row * 128, (row + 1) * 128).reduce((sum, value) => sum + value, 0)
      expect(total).toBeCloseTo(logits[row]![0]!, 4)
    }
    model.dispose()
    const tanh = await load(dense('tanh'))
    await expect(runAttribution(lrp, tanh, images, {}, 'test')).rejects.toThrow(/activation 'tanh'/)
    tanh.dispose()
  })

  it('with biases, relevance is absorbed by them and the delta says how much', async () => {
    const model = await load(network(true))
    const result = await runAttribution(lrp, model, images, { target: 0 }, 'test')
    expect(result.delta!.some((delta) => Math.abs(delta) > 1e-6)).toBe(true)
    expect(result.values.every(Number.isFinite)).toBe(true)
    model.dispose()
  })

  it('takes per-layer rules, refuses unknown layers and composites, and takes a branched model', async () => {
    const model = await load(network(false))
    const plain = await runAttribution(lrp, model, images, { target: 2 }, 'test')
    const overridden = await runAttribution(
      lrp,
      model,
      images,
      { target: 2, layerRules: { conv1: { rule: 'gamma', gamma: 1 } } },
      'test',
    )
    expect(Array.from(overridden.values)).not.toEqual(Array.from(plain.values))
    await expect(
      runAttribution(lrp, model, images, { layerRules: { conv9: { rule: 'z-plus' } } }, 'test'),
    ).rejects.toThrow(/options\.layerRules expected names of the model’s layers, got 'conv9'/)
    await expect(
      runAttribution(lrp, model, images, { composite: 'zennit' as never }, 'test'),
    ).rejects.toThrow(/options\.composite/)
    model.dispose()
    const input = tf.input({ shape: [4] })
    const a = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor
    const sum = tf.layers.add().apply([a, input]) as tf.SymbolicTensor
    const out = tf.layers.dense({ units: 2 }).apply(sum) as tf.SymbolicTensor
    const branched = await load(tf.model({ inputs: input, outputs: out }))
    // Refused while LRP took only chains; lrp-graph.test.ts checks what it gives now.
    const result = await runAttribution(lrp, branched, tf.ones([1, 4]), {}, 'test')
    expect(result.values.every(Number.isFinite)).toBe(true)
    branched.dispose()
  })
})
