// DeepLIFT and Shapley values by their defining properties, on the real tfjs-node backend:
// summation-to-delta (DeepLIFT's attributions sum to f(x) - f(x0)) on a chain with max pooling and on a
// graph with a residual Add, a Concatenate and batch-norm, for Rescale and RevealCancel; DeepLIFT of a
// linear model is (x - x0) * w; DeepLiftShap is the mean of DeepLIFT over its references; exact Shapley
// values equal a brute-force average over every feature order; sampling is efficient for any seed, exact
// on an additive model, and close to the exact values with many orders.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, backend } from '../../../src'
import { explain } from '../../../src/attribution'
import { exactShapley, randomOrder } from '../../../src/attribution/perturbation/shapley'
import { createRandom } from '../../../src/attribution/random'
import { load, type GlasswingModel } from '../../../src/model'
import { tinyCnn } from '../model/helpers'

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed })

/** conv - BN - ReLU, a residual block added to it, two concatenated branches, avg pool, dense; with biases. */
function graphModel(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2] })
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor
  const conv = (filters: number, size: number, seed: number, activation?: 'relu') =>
    tf.layers.conv2d({
      filters,
      kernelSize: size,
      padding: 'same',
      kernelInitializer: glorot(seed),
      biasInitializer: tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed }),
      ...(activation ? { activation } : {}),
    })
  let x = apply(conv(4, 3, 1), input)
  x = apply(tf.layers.batchNormalization({}), x)
  const stem = apply(tf.layers.reLU({}), x)
  const residual = apply(conv(4, 3, 3), apply(conv(4, 3, 2, 'relu'), stem))
  x = apply(tf.layers.reLU({}), apply(tf.layers.add({}), [stem, residual]))
  x = apply(tf.layers.concatenate({}), [apply(conv(3, 1, 4, 'relu'), x), apply(conv(3, 3, 5, 'relu'), x)])
  x = apply(tf.layers.flatten({}), apply(tf.layers.averagePooling2d({ poolSize: 2 }), x))
  x = apply(tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: glorot(6) }), x)
  const logits = apply(tf.layers.dense({ units: 3, kernelInitializer: glorot(7) }), x)
  return tf.model({ inputs: input, outputs: logits })
}

/** A linear model over 5 columns (one dense layer, bias): Shapley values are (x - x0) * w exactly. */
function linearModel(): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2 })] })
  model.layers[0]!.setWeights([
    tf.tensor2d([0.5, -1, 2, 0.3, -0.7, 1.1, 0.25, 0, -1.5, 0.4], [5, 2]),
    tf.tensor1d([0.1, -0.2]),
  ])
  return model
}

/** 5 columns -> 6 ReLU -> 2: interactions between features, so Shapley values are not gradients. */
function tabularMlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [5], units: 6, activation: 'relu', kernelInitializer: glorot(8) }),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(9) }),
    ],
  })
}

const sum = (values: ArrayLike<number>, from: number, count: number) => {
  let total = 0
  for (let i = from; i < from + count; i++) total += values[i]!
  return total
}

describe('DeepLIFT', () => {
  let chain: GlasswingModel
  let graph: GlasswingModel
  let images: tf.Tensor
  let graphInputs: tf.Tensor
  beforeAll(async () => {
    chain = await load(tinyCnn(), { warmup: false })
    graph = await load(graphModel(), { warmup: false })
    images = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2)
    graphInputs = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 3)
    // Running statistics other than 0 and 1, so that folding the batch-norm matters.
    const bn = (graph.tfModel as tf.LayersModel).layers.find(
      (l) => l.getClassName() === 'BatchNormalization',
    )!
    bn.setWeights([
      tf.tensor1d([0.8, 1.2, 1.5, 0.6]),
      tf.tensor1d([0.1, -0.1, 0.2, 0]),
      tf.tensor1d([0.05, -0.1, 0.2, 0.1]),
      tf.tensor1d([1.5, 0.7, 1.1, 2]),
    ])
  })
  afterAll(() => {
    tf.dispose([images, graphInputs])
    chain.dispose()
    graph.dispose()
  })

  /** f(x) - f(x0) of the target logit, per row. */
  async function logitChange(model: GlasswingModel, x: tf.Tensor, x0: tf.Tensor, targets: number[]) {
    const change = tf.tidy(() => {
      const tfModel = model.tfModel as tf.LayersModel
      // The logits: the model's last layer without its softmax, if any.
      const logits = (t: tf.Tensor) => {
        const last = tfModel.layers[tfModel.layers.length - 1]!
        const config = last.getConfig() as { activation?: string }
        if (config.activation !== 'softmax') return tfModel.predict(t) as tf.Tensor
        const head = tf.model({
          inputs: tfModel.inputs,
          outputs: tfModel.layers[tfModel.layers.length - 2]!.output,
        })
        const [kernel, bias] = last.getWeights()
        return tf.add(tf.matMul(head.predict(t) as tf.Tensor2D, kernel as tf.Tensor2D), bias!)
      }
      const oneHot = tf.oneHot(tf.tensor1d(targets, 'int32'), 3)
      return tf.sum(tf.mul(tf.sub(logits(x), logits(x0)), oneHot), 1)
    })
    const values = Array.from(await change.data())
    change.dispose()
    return values
  }

  it.each(['rescale', 'reveal-cancel'] as const)(
    'sums to the change of the logit (%s) through max pooling, a residual Add, Concatenate and batch-norm',
    async (rule) => {
      for (const [model, x, baseline] of [
        [chain, images, 0.5],
        [graph, graphInputs, 0],
      ] as const) {
        const before = tf.memory().numTensors
        const targets = [0, 1, 2]
        const result = await explain(model, x, { method: 'deeplift', rule, baseline, target: targets })
        expect(tf.memory().numTensors).toBe(before)
        const x0 = tf.fill(x.shape, baseline)
        const change = await logitChange(model, x, x0, targets)
        x0.dispose()
        const size = result.values.length / 3
        for (let row = 0; row < 3; row++) {
          const total = sum(result.values, row * size, size)
          expect(Math.abs(total - change[row]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(change[row]!)))
          expect(Math.abs(result.delta![row]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(change[row]!)))
        }
        // The rule matters on a network where positive and negative terms meet at a ReLU.
        expect(result.values.some((v) => v !== 0)).toBe(true)
      }
    },
  )

  it('RevealCancel and Rescale differ on the graph model, and both differ from input x gradient', async () => {
    const rescale = await explain(graph, graphInputs, { method: 'deeplift', target: 0 })
    const reveal = await explain(graph, graphInputs, { method: 'deeplift', rule: 'reveal-cancel', target: 0 })
    const gap = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))
    expect(gap(rescale.values, reveal.values)).toBeGreaterThan(1e-3)
    // Input x gradient needs the conv filter's gradient kernel, which the wasm backend lacks (DeepLIFT's
    // own gradients do not): compared on the native backend only.
    if (backend().backend === 'wasm') return
    const ixg = await explain(graph, graphInputs, { method: 'input-x-gradient', target: 0 })
    expect(gap(rescale.values, ixg.values)).toBeGreaterThan(1e-3)
  })

  it('of a linear model is (x - x0) * w, for either rule', async () => {
    const model = await load(linearModel(), { warmup: false })
    const x = tf.tensor2d([[1, 2, -1, 0.5, 3]])
    for (const rule of ['rescale', 'reveal-cancel'] as const) {
      const result = await explain(model, x, { method: 'deeplift', rule, baseline: 1, target: 1 })
      const w = [-1, 0.3, 1.1, 0, 0.4]
      const expected = [1, 2, -1, 0.5, 3].map((v, i) => (v - 1) * w[i]!)
      result.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5))
    }
    tf.dispose(x)
    model.dispose()
  })

  it('DeepLiftShap is the mean of DeepLIFT over its references, and sums to f(x) - mean f(references)', async () => {
    const references = tf.randomUniform([3, 6, 6, 2], -1, 1, 'float32', 9)
    const before = tf.memory().numTensors
    const shap = await explain(graph, graphInputs, {
      method: 'deeplift-shap',
      baselines: references,
      target: 1,
    })
    expect(tf.memory().numTensors).toBe(before)
    const singles: Awaited<ReturnType<typeof explain>>[] = []
    for (let b = 0; b < 3; b++) {
      const reference = references.slice([b], [1])
      singles.push(await explain(graph, graphInputs, { method: 'deeplift', baseline: reference, target: 1 }))
      reference.dispose()
    }
    shap.values.forEach((v, i) => {
      const mean = (singles[0]!.values[i]! + singles[1]!.values[i]! + singles[2]!.values[i]!) / 3
      expect(Math.abs(v - mean)).toBeLessThan(1e-5)
    })
    shap.delta!.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-3))
    references.dispose()
  })

  it('layer DeepLIFT on the layer every path crosses sums to the same change', async () => {
    const result = await explain(chain, images, { method: 'layer-deeplift', layer: 'conv', target: 2 })
    const input = await explain(chain, images, { method: 'deeplift', target: 2 })
    const size = result.values.length / 3
    const inputSize = input.values.length / 3
    for (let row = 0; row < 3; row++) {
      expect(sum(result.values, row * size, size)).toBeCloseTo(
        sum(input.values, row * inputSize, inputSize),
        3,
      )
    }
  })

  it('refuses a layer without a rule with LRP’s message naming it, and an unknown rule', async () => {
    const input = tf.input({ shape: [4] })
    const a = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor
    const b = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor
    const product = tf.layers.multiply({ name: 'gate' }).apply([a, b]) as tf.SymbolicTensor
    const model = await load(tf.model({ inputs: input, outputs: product }), { warmup: false })
    const x = tf.ones([2, 4])
    const before = tf.memory().numTensors
    await expect(explain(model, x, { method: 'deeplift', target: 0 })).rejects.toThrow(/'gate' \(Multiply/)
    await expect(explain(chain, images, { method: 'deeplift', rule: 'linear' as never })).rejects.toThrow(
      GlasswingError,
    )
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
    model.dispose()
  })
})

describe('Shapley values', () => {
  let mlp: GlasswingModel
  let table: tf.Tensor
  beforeAll(async () => {
    mlp = await load(tabularMlp(), { warmup: false })
    table = tf.tensor2d([
      [1.5, -0.5, 2, 0.3, -1],
      [-1, 2, 0.5, 1.2, 0.7],
    ])
  })
  afterAll(() => {
    table.dispose()
    mlp.dispose()
  })

  /** Brute force: the average marginal gain over all 120 orders of the 5 columns (baseline 0). */
  function bruteForce(row: number[], target: number): number[] {
    const score = (present: Set<number>) =>
      tf.tidy(() => {
        const x = tf.tensor2d([row.map((v, i) => (present.has(i) ? v : 0))])
        return (mlp.predict(x) as tf.Tensor).arraySync() as number[][]
      })[0]![target]!
    const phi = [0, 0, 0, 0, 0]
    const orders: number[][] = []
    const permute = (prefix: number[], rest: number[]) => {
      if (rest.length === 0) orders.push(prefix)
      rest.forEach((v, i) => permute([...prefix, v], [...rest.slice(0, i), ...rest.slice(i + 1)]))
    }
    permute([], [0, 1, 2, 3, 4])
    for (const order of orders) {
      const present = new Set<number>()
      let previous = score(present)
      for (const feature of order) {
        present.add(feature)
        const current = score(present)
        phi[feature] += (current - previous) / orders.length
        previous = current
      }
    }
    return phi
  }

  it('exact values equal the brute-force average over every order, and are efficient', async () => {
    const before = tf.memory().numTensors
    const result = await explain(mlp, table, { method: 'shapley-values', target: 1 })
    expect(tf.memory().numTensors).toBe(before)
    const rows = table.arraySync() as number[][]
    rows.forEach((row, r) => {
      bruteForce(row, 1).forEach((v, i) => expect(result.values[r * 5 + i]).toBeCloseTo(v, 5))
      expect(Math.abs(result.delta![r]!)).toBeLessThan(1e-5)
    })
  })

  it('the enumeration formula agrees with a hand-made game (unanimity of players 0 and 2 out of 3)', () => {
    // v(S) = 1 when S holds both 0 and 2: phi = [1/2, 0, 1/2].
    const scores = Array.from({ length: 8 }, (_, s) => (s & 1 && s & 4 ? 1 : 0))
    expect(Array.from(exactShapley(scores, 3))).toEqual([0.5, 0, 0.5])
  })

  it('sampling is efficient for any seed, exact on an additive model, and near the exact values with many orders', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await explain(mlp, table, { method: 'shapley-sampling', samples: 3, seed, target: 0 })
      result.delta!.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-5))
    }
    const linear = await load(linearModel(), { warmup: false })
    const additive = await explain(linear, table, { method: 'shapley-sampling', samples: 2, target: 0 })
    const w = [0.5, 2, -0.7, 0.25, -1.5]
    ;(table.arraySync() as number[][]).forEach((row, r) =>
      row.forEach((v, i) => expect(additive.values[r * 5 + i]).toBeCloseTo(v * w[i]!, 5)),
    )
    linear.dispose()
    const exact = await explain(mlp, table, { method: 'shapley-values', target: 0 })
    const sampled = await explain(mlp, table, {
      method: 'shapley-sampling',
      samples: 400,
      seed: 4,
      target: 0,
    })
    const range = Math.max(...exact.values) - Math.min(...exact.values)
    sampled.values.forEach((v, i) => expect(Math.abs(v - exact.values[i]!)).toBeLessThan(0.05 * range))
  })

  it('orders are uniform permutations (each item in each place about equally often)', () => {
    const random = createRandom(7)
    const counts = Array.from({ length: 4 }, () => [0, 0, 0, 0])
    for (let i = 0; i < 4000; i++)
      randomOrder(4, random.integer).forEach((item, place) => counts[item]![place]++)
    counts.flat().forEach((count) => expect(Math.abs(count - 1000)).toBeLessThan(120))
  })

  it('refuses exact values over more than 12 features, naming the way out', async () => {
    const images = tf.zeros([1, 8, 8, 1])
    const model = await load(tinyCnn(), { warmup: false })
    const before = tf.memory().numTensors
    await expect(
      explain(model, images, { method: 'shapley-values', segments: { method: 'grid', cellSize: 2 } }),
    ).rejects.toThrow(/at most 12 features.*16 features.*shapley-sampling/s)
    expect(tf.memory().numTensors).toBe(before)
    images.dispose()
    model.dispose()
  })
})
