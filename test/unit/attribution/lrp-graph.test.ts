// LRP through layer graphs: a residual Add block and a Concatenate branch conserve relevance for every
// composite, a tiny two-branch dense model gives the relevance computed by hand, and what is still
// unsupported is refused with the layer's name.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { load } from '../../../src/model'
import { runAttribution } from '../../../src/attribution/run'
import { lrp } from '../../../src/attribution/lrp/lrp'

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed })
const conv = (name: string, filters: number, kernelSize: number, seed: number, activation?: 'relu') =>
  tf.layers.conv2d({
    name,
    filters,
    kernelSize,
    padding: 'same',
    useBias: false,
    kernelInitializer: glorot(seed),
    ...(activation ? { activation } : {}),
  })

/**
 * conv1 - BN - ReLU, then a residual block (conv2(relu) - conv3, added to its input) - ReLU, then two
 * branches (1x1 and 3x3 convolutions) concatenated - maxpool - flatten - dense; no biases anywhere.
 */
function residualNetwork(): tf.LayersModel {
  const input = tf.input({ name: 'image', shape: [8, 8, 2] })
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor
  let x = apply(conv('conv1', 4, 3, 1), input)
  x = apply(tf.layers.batchNormalization({ name: 'bn1' }), x)
  const stem = apply(tf.layers.reLU({ name: 'relu1' }), x)
  const residual = apply(conv('conv3', 4, 3, 3), apply(conv('conv2', 4, 3, 2, 'relu'), stem))
  x = apply(tf.layers.reLU({ name: 'relu2' }), apply(tf.layers.add({ name: 'add' }), [stem, residual]))
  const left = apply(conv('branch1x1', 3, 1, 4, 'relu'), x)
  const right = apply(conv('branch3x3', 3, 3, 5, 'relu'), x)
  x = apply(tf.layers.concatenate({ name: 'concat' }), [left, right])
  x = apply(tf.layers.flatten({ name: 'flatten' }), apply(tf.layers.maxPooling2d({ poolSize: 2 }), x))
  const logits = apply(
    tf.layers.dense({ name: 'logits', units: 3, useBias: false, kernelInitializer: glorot(6) }),
    x,
  )
  const model = tf.model({ inputs: input, outputs: logits })
  // Scale and variance only: a shift or mean would be a bias, which absorbs relevance.
  const [, beta, mean] = model.getLayer('bn1').getWeights()
  model
    .getLayer('bn1')
    .setWeights([tf.tensor1d([0.8, 1.2, 1.5, 0.6]), beta!, mean!, tf.tensor1d([1.5, 0.7, 1.1, 2])])
  return model
}

/**
 * x (2) -> A = relu(x W_A) (2) and B = x W_B (1), concatenated -> C W_o (1), merged ('add' or
 * 'average') with the skip S = x W_S (1). Small enough to propagate by hand (see the test).
 */
function twoBranchDense(merge: 'add' | 'average'): tf.LayersModel {
  const input = tf.input({ shape: [2] })
  const dense = (from: tf.SymbolicTensor, kernel: number[][], activation?: 'relu') => {
    const layer = tf.layers.dense({ units: kernel[0]!.length, useBias: false, activation })
    const output = layer.apply(from) as tf.SymbolicTensor
    layer.setWeights([tf.tensor2d(kernel)])
    return output
  }
  const a = dense(
    input,
    [
      [1, -1],
      [2, 1],
    ],
    'relu',
  )
  const b = dense(input, [[0.5], [-1]])
  const c = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor
  const out = dense(c, [[1], [2], [-1]])
  const skip = dense(input, [[1], [0.25]])
  const merged = (merge === 'add' ? tf.layers.add() : tf.layers.average()).apply([out, skip])
  return tf.model({ inputs: input, outputs: merged as tf.SymbolicTensor })
}

const images = tf.tidy(() => tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 4))

describe('LRP through branches and skip connections', () => {
  it.each(['epsilon', 'epsilon-gamma', 'epsilon-plus', 'epsilon-alpha2-beta1'] as const)(
    'conserves relevance through a residual Add and a Concatenate: %s',
    async (composite) => {
      const model = await load(residualNetwork())
      const logits = tf.tidy(() => model.predict(images).arraySync() as number[][])
      const before = tf.memory().numTensors
      const result = await runAttribution(lrp, model, images, { composite, target: 2 }, 'test')
      expect(tf.memory().numTensors).toBe(before)
      expect(result.shape).toEqual([3, 8, 8, 2])
      for (let row = 0; row < 3; row++) {
        const total = result.values.subarray(row * 128, (row + 1) * 128).reduce((sum, v) => sum + v, 0)
        const logit = logits[row]![2]!
        expect(Math.abs(total - logit) / Math.abs(logit)).toBeLessThan(1e-4)
        expect(Math.abs(result.delta![row]! - (total - logit))).toBeLessThan(1e-4)
      }
      model.dispose()
    },
  )

  // x = [1, 2]: A = relu([5, 1]) = [5, 1], B = -1.5, C = [5, 1, -1.5], out = 5 + 2 + 1.5 = 8.5, S = 1.5.
  // Add (10): R_out = 8.5, R_S = 1.5. S: R_x = [1, 0.5]. out: R_C = [5, 2, 1.5], split by the
  // concatenation into R_A = [5, 2], R_B = 1.5. B: R_x = [0.5, -2] * 1.5 / -1.5 = [-0.5, 2].
  // A: unit 0 gives [1, 4] * 5 / 5, unit 1 gives [-1, 2] * 2 / 1, so [-1, 8].
  // In all [1 - 0.5 - 1, 0.5 + 2 + 8] = [-0.5, 10.5], summing to 10. Average halves everything.
  it.each([
    ['add', [-0.5, 10.5]],
    ['average', [-0.25, 5.25]],
  ] as const)(
    'gives the hand-computed relevance on a two-branch dense model (%s)',
    async (merge, expected) => {
      const model = await load(twoBranchDense(merge))
      const inputs = tf.tensor2d([[1, 2]])
      const before = tf.memory().numTensors
      const result = await runAttribution(lrp, model, inputs, { target: 0 }, 'test')
      expect(tf.memory().numTensors).toBe(before)
      expect(result.values[0]).toBeCloseTo(expected[0], 5)
      expect(result.values[1]).toBeCloseTo(expected[1], 5)
      expect(Math.abs(result.delta![0]!)).toBeLessThan(1e-5)
      inputs.dispose()
      model.dispose()
    },
  )

  it('refuses what it has no rule for, naming the layer, what is supported and what to use', async () => {
    const input = tf.input({ shape: [4] })
    const a = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor
    const product = tf.layers.multiply({ name: 'gate' }).apply([a, input]) as tf.SymbolicTensor
    const multiplied = await load(tf.model({ inputs: input, outputs: product }))
    await expect(runAttribution(lrp, multiplied, tf.ones([1, 4]), {}, 'test')).rejects.toThrow(
      /expected layers LRP has rules for: .*Add, Average, Concatenate, got 'gate' \(Multiply.*integrated-gradients/s,
    )
    multiplied.dispose()

    const shared = tf.layers.dense({ name: 'shared', units: 4 })
    const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor
    const reused = await load(tf.model({ inputs: input, outputs: twice }))
    await expect(runAttribution(lrp, reused, tf.ones([1, 4]), {}, 'test')).rejects.toThrow(
      /'shared', called 2 times \(a shared layer\)/,
    )
    reused.dispose()

    const pre = tf.layers.dense({ name: 'pre', units: 4 }).apply(input) as tf.SymbolicTensor
    const normalized = tf.layers.batchNormalization({ name: 'bn' }).apply(pre) as tf.SymbolicTensor
    const both = tf.layers.add().apply([normalized, pre]) as tf.SymbolicTensor
    const forked = await load(tf.model({ inputs: input, outputs: both }))
    await expect(runAttribution(lrp, forked, tf.ones([1, 4]), {}, 'test')).rejects.toThrow(
      /'bn' \(batch-norm whose input, 'pre', also feeds other layers\)/,
    )
    forked.dispose()
  })
})
