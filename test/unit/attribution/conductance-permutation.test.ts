// Layer and neuron conductance, internal influence, neuron DeepLIFT and feature permutation by their
// defining properties, on the real tfjs backend: layer conductance sums to what layer IG and IG sum to
// (f(x) - f(x0)); neuron conductance summed over the input is that unit's layer conductance, and summed
// over every unit of a layer that all paths cross it is IG; internal influence through a linear rest of
// the model is that rest's weight; neuron DeepLIFT sums to the unit's change; feature permutation of a
// linear model is w_k (x_ik - x_pk) for the permutation drawn; and each refuses what it cannot do.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError, backend } from '../../../src'
import { JUPYTER_DISPLAY, MIME_TYPES, decodeArray, validatePayload } from '../../../src/display'
import type { SaliencyPayload } from '../../../src/display/schema'
import { explain, type ExplainOptions } from '../../../src/attribution'
import { permutationOf } from '../../../src/attribution/perturbation/feature-permutation'
import { createRandom } from '../../../src/attribution/random'
import { load, type GlasswingModel } from '../../../src/model'
import { tinyCnn } from '../model/helpers'

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed })

/** 5 columns -> 6 ReLU units ('hidden') -> 3 linear units ('mix') -> 2 outputs: every path crosses 'hidden'. */
function mlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        name: 'hidden',
        inputShape: [5],
        units: 6,
        activation: 'relu',
        kernelInitializer: glorot(1),
        biasInitializer: tf.initializers.constant({ value: 0.1 }),
      }),
      tf.layers.dense({ name: 'mix', units: 3, kernelInitializer: glorot(2) }),
      tf.layers.dense({ name: 'out', units: 2, kernelInitializer: glorot(3) }),
    ],
  })
}

const rowSums = (values: Float32Array, rows: number) => {
  const size = values.length / rows
  return Array.from({ length: rows }, (_, row) =>
    values.slice(row * size, (row + 1) * size).reduce((a, b) => a + b, 0),
  )
}

/** Null on a backend lacking a gradient kernel (wasm), the result otherwise. */
async function run(model: GlasswingModel, x: tf.Tensor, options: ExplainOptions) {
  try {
    return await explain(model, x, options)
  } catch (error) {
    if (
      backend().backend === 'wasm' &&
      error instanceof GlasswingError &&
      /does not implement/.test(error.message)
    )
      return null
    throw error
  }
}

describe('conductance, internal influence and neuron DeepLIFT', () => {
  let tabular: GlasswingModel
  let cnn: GlasswingModel
  let rows: tf.Tensor
  let images: tf.Tensor
  beforeAll(async () => {
    tabular = await load(mlp(), { warmup: false })
    cnn = await load(tinyCnn(), { warmup: false })
    rows = tf.randomNormal([4, 5], 0, 1, 'float32', 7)
    images = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 8)
  })
  afterAll(() => {
    tf.dispose([rows, images])
    tabular.dispose()
    cnn.dispose()
  })

  it('layer conductance sums to what layer IG and IG sum to, f(x) - f(x0)', async () => {
    const target = [0, 1, 0, 1]
    const conductance = await run(tabular, rows, {
      method: 'layer-conductance',
      layer: 'hidden',
      steps: 128,
      target,
    })
    const layerIg = await run(tabular, rows, {
      method: 'layer-integrated-gradients',
      layer: 'hidden',
      steps: 128,
      target,
    })
    const ig = await run(tabular, rows, { method: 'integrated-gradients', steps: 128, target })
    if (!conductance || !layerIg || !ig) return
    const [a, b, c] = [conductance, layerIg, ig].map((r) => rowSums(r.values, 4))
    for (let row = 0; row < 4; row++) {
      const change = c[row]! - ig.delta![row]!
      expect(Math.abs(a[row]! - change)).toBeLessThan(2e-3 * Math.max(1, Math.abs(change)))
      expect(Math.abs(a[row]! - b[row]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(change)))
      expect(Math.abs(conductance.delta![row]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(change)))
    }
  })

  it("neuron conductance: over the input it is the unit's layer conductance; over the layer's units, IG", async () => {
    // Piecewise-linear units: the trapezoid's error at a ReLU's kink shrinks as 1/steps.
    const steps = 2048
    const target = 1
    const layer = await run(tabular, rows, { method: 'layer-conductance', layer: 'hidden', steps, target })
    const ig = await run(tabular, rows, {
      method: 'integrated-gradients',
      steps,
      target,
      rule: 'riemann-trapezoid',
    })
    if (!layer || !ig) return
    const total = new Float64Array(ig.values.length)
    for (let unit = 0; unit < 6; unit++) {
      const before = tf.memory().numTensors
      // On wasm, null: picking the unit needs gather's gradient (UnsortedSegmentSum), which wasm lacks.
      const through = await run(tabular, rows, {
        method: 'neuron-conductance',
        through: { layer: 'hidden', index: [unit] },
        steps,
        target,
      })
      expect(tf.memory().numTensors).toBe(before)
      if (!through) return
      through.values.forEach((v, i) => (total[i] += v))
      const sums = rowSums(through.values, 4)
      for (let row = 0; row < 4; row++)
        expect(Math.abs(sums[row]! - layer.values[row * 6 + unit]!)).toBeLessThan(2e-4)
    }
    const scale = Math.max(...ig.values.map(Math.abs))
    total.forEach((v, i) => expect(Math.abs(v - ig.values[i]!)).toBeLessThan(1e-4 * scale))
  })

  it("internal influence through a linear rest of the model is that rest's weight", async () => {
    const result = await run(tabular, rows, {
      method: 'internal-influence',
      layer: 'mix',
      steps: 8,
      target: 1,
    })
    if (!result) return
    const weight = (tabular.tfModel as tf.LayersModel).getLayer('out').getWeights()[0]!
    const column = Array.from(weight.dataSync()).filter((_, i) => i % 2 === 1)
    expect(result.shape).toEqual([4, 3])
    for (let row = 0; row < 4; row++)
      for (let unit = 0; unit < 3; unit++)
        expect(result.values[row * 3 + unit]!).toBeCloseTo(column[unit]!, 5)
  })

  it("neuron DeepLIFT sums to the unit's change from the reference, for both rules", async () => {
    for (const rule of ['rescale', 'reveal-cancel'] as const) {
      const neuron = { layer: 'conv', index: [2, 3, 1] }
      const result = await run(cnn, images, { method: 'neuron-deeplift', neuron, rule, baseline: 0.2 })
      if (!result) return
      const change = tf.tidy(() => {
        const at = (x: tf.Tensor) =>
          cnn.activations(x, 'conv').conv!.slice([0, 2, 3, 1], [-1, 1, 1, 1]).reshape([-1])
        return tf.sub(at(images), at(tf.fill(images.shape, 0.2)))
      })
      const expected = Array.from(change.dataSync())
      change.dispose()
      const sums = rowSums(result.values, 3)
      expect(expected.some((v) => v !== 0)).toBe(true)
      sums.forEach((sum, row) => expect(Math.abs(sum - expected[row]!)).toBeLessThan(1e-5))
      expect(result.data.targetDescription).toBe('neuron conv[2, 3, 1]')
    }
  })

  it('refuses a missing or misplaced unit, naming the option and the way out', async () => {
    const cases: [ExplainOptions, RegExp][] = [
      [
        { method: 'neuron-conductance', layer: 'conv' } as unknown as ExplainOptions,
        /options\.through.*through: \{ layer/s,
      ],
      [
        { method: 'neuron-conductance', neuron: { layer: 'conv', index: [0, 0, 0] } } as ExplainOptions,
        /options\.neuron.*Write through:/s,
      ],
      [
        { method: 'neuron-conductance', through: { layer: 'conv', index: [9, 0, 0] } },
        /options\.through\.index/,
      ],
      [
        { method: 'neuron-conductance', through: { layer: 'con', index: [0, 0, 0] } },
        /options\.through\.layer/,
      ],
      [{ method: 'neuron-deeplift' } as ExplainOptions, /options\.neuron.*neuron: \{ layer/s],
      [
        { method: 'deeplift', neuron: { layer: 'conv', index: [0, 0, 0] } },
        /options\.neuron.*'neuron-deeplift'/s,
      ],
      [{ method: 'layer-conductance' } as ExplainOptions, /options\.layer/],
      [
        { method: 'layer-conductance', layer: 'conv', neuron: { layer: 'conv', index: [0, 0, 0] } },
        /options\.neuron.*'neuron-conductance'/s,
      ],
      [
        { method: 'internal-influence', layer: 'conv', neuron: { layer: 'conv', index: [0, 0, 0] } },
        /options\.neuron.*'neuron-conductance'/s,
      ],
    ]
    for (const [options, message] of cases) {
      const before = tf.memory().numTensors
      const error = await explain(cnn, images, options).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(GlasswingError)
      expect(String((error as Error).message)).toMatch(message)
      expect(tf.memory().numTensors).toBe(before)
    }
  })
})

describe('feature permutation', () => {
  let linear: GlasswingModel
  let table: tf.Tensor
  const weights = [0.5, -1, 2, 0.3, -0.7]
  beforeAll(async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 1 })] })
    model.layers[0]!.setWeights([tf.tensor2d(weights, [5, 1]), tf.tensor1d([0.1])])
    linear = await load(model, { warmup: false })
    table = tf.randomNormal([7, 5], 0, 1, 'float32', 9)
  })
  afterAll(() => {
    table.dispose()
    linear.dispose()
  })

  it('gives a linear model w_k (x_ik - x_pk) for the permutation drawn, the same in any batching', async () => {
    const x = Array.from(table.dataSync())
    const before = tf.memory().numTensors
    const result = await explain(linear, table, { method: 'feature-permutation', seed: 3, batchSize: 3 })
    expect(tf.memory().numTensors).toBe(before)
    const random = createRandom(3)
    const orders = Array.from({ length: 5 }, () => permutationOf(7, (bound) => random.integer(bound)))
    for (let row = 0; row < 7; row++)
      for (let k = 0; k < 5; k++) {
        const expected = weights[k]! * (x[row * 5 + k]! - x[orders[k]![row]! * 5 + k]!)
        expect(result.values[row * 5 + k]!).toBeCloseTo(expected, 5)
      }
    // Each column's drops sum to zero over the data set for a linear model (a permutation moves values).
    for (let k = 0; k < 5; k++) {
      let total = 0
      for (let row = 0; row < 7; row++) total += result.values[row * 5 + k]!
      expect(Math.abs(total)).toBeLessThan(1e-4)
    }
    expect(orders.every((order) => order.some((v, i) => v !== i))).toBe(true)
  })

  it('averages over repeats, groups columns with a mask, and takes image grid cells', async () => {
    const once = await explain(linear, table, { method: 'feature-permutation', seed: 1 })
    const many = await explain(linear, table, { method: 'feature-permutation', seed: 1, repeats: 4 })
    expect(Array.from(many.values)).not.toEqual(Array.from(once.values))
    const groups = tf.tensor1d([0, 0, 1, 1, 1], 'int32')
    const grouped = await explain(linear, table, {
      method: 'feature-permutation',
      segments: { method: 'mask', mask: groups },
      featureNames: ['first two', 'last three'],
    })
    groups.dispose()
    // Two features: every column of a group carries the group's one drop.
    for (let row = 0; row < 7; row++) {
      expect(grouped.values[row * 5]).toBe(grouped.values[row * 5 + 1])
      expect(grouped.values[row * 5 + 2]).toBe(grouped.values[row * 5 + 4])
    }
    const cnn = await load(tinyCnn(), { warmup: false })
    const images = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 4)
    const cells = await explain(cnn, images, {
      method: 'feature-permutation',
      segments: { method: 'grid', cellSize: 4 },
    })
    expect(cells.shape).toEqual([4, 8, 8, 1])
    expect(new Set(cells.values.slice(0, 64)).size).toBeLessThanOrEqual(4)
    images.dispose()
    cnn.dispose()
  })

  it('refuses one example, a baseline, per-image segments and too many permutations', async () => {
    const image = tf.zeros([2, 8, 8, 1])
    const cnn = await load(tinyCnn(), { warmup: false })
    const cases: [GlasswingModel, tf.Tensor, ExplainOptions, RegExp][] = [
      [linear, table.slice([0], [1]), { method: 'feature-permutation' }, /at least 2 examples/],
      [
        linear,
        table,
        { method: 'feature-permutation', baseline: 0 } as ExplainOptions,
        /options\.baseline.*feature-ablation/s,
      ],
      [
        cnn,
        image,
        { method: 'feature-permutation', segments: { method: 'slic' } },
        /options\.segments.*shared by every example/s,
      ],
      [
        linear,
        table,
        { method: 'feature-permutation', repeats: 3_000_000 },
        /options\.repeats.*permuted entries/s,
      ],
      [linear, table, { method: 'feature-permutation', repeats: 0 }, /options\.repeats/],
    ]
    for (const [model, inputs, options, message] of cases) {
      const before = tf.memory().numTensors
      const error = await explain(model, inputs, options).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(GlasswingError)
      expect(String((error as Error).message)).toMatch(message)
      expect(tf.memory().numTensors).toBe(before)
    }
    tf.dispose(image)
    cnn.dispose()
  })
})

describe('display', () => {
  it('shows each new method as the others: a payload its view accepts, a PNG and text', async () => {
    const cnn = await load(tinyCnn(), { warmup: false, classNames: ['a', 'b', 'c'] })
    const images = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 5)
    const unit = { layer: 'conv', index: [2, 3, 1] }
    const cases: ExplainOptions[] = [
      { method: 'layer-conductance', layer: 'conv', steps: 4 },
      { method: 'internal-influence', layer: 'conv', steps: 4 },
      { method: 'neuron-conductance', through: unit, steps: 4 },
      { method: 'neuron-deeplift', neuron: unit },
      { method: 'feature-permutation', segments: { method: 'grid', cellSize: 4 } },
    ]
    try {
      for (const options of cases) {
        const result = await run(cnn, images, options)
        if (!result) continue
        const bundle = await result[JUPYTER_DISPLAY]()
        const checked = validatePayload('saliency', bundle[MIME_TYPES.saliency])
        expect(checked.ok, `${options.method}: ${checked.ok ? '' : checked.errors.join('; ')}`).toBe(true)
        expect(bundle['image/png']).toBeTruthy()
        expect(String(bundle['text/plain'])).toMatch(new RegExp(result.data.title.split(' ')[0]!, 'i'))
      }
    } finally {
      images.dispose()
      cnn.dispose()
    }
  })
})

describe('a map that is zero everywhere', () => {
  it('decodes to zeros (a unit that never fires is not drawn as saturated)', async () => {
    const zero = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 2, kernelInitializer: 'zeros' }),
      ],
    })
    const model = await load(zero, { warmup: false })
    const images = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 6)
    try {
      const result = await explain(model, images, { method: 'input-x-gradient', target: 0 })
      const payload = (await result[JUPYTER_DISPLAY]())[MIME_TYPES.saliency] as SaliencyPayload
      expect(validatePayload('saliency', payload).ok).toBe(true)
      for (const map of payload.maps)
        expect(Array.from(decodeArray(map.values))).toEqual(new Array(16).fill(0))
    } finally {
      images.dispose()
      model.dispose()
    }
  })
})

describe('the noise tunnel around a layer method', () => {
  it("keeps the layer's shape and name (layer conductance, layer IG)", async () => {
    const model = await load(tinyCnn(), { warmup: false })
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2)
    try {
      for (const method of ['layer-conductance', 'layer-integrated-gradients'] as const) {
        const before = tf.memory().numTensors
        const result = await run(model, x, {
          method,
          layer: 'conv',
          steps: 4,
          noise: { samples: 2 },
          seed: 1,
        })
        expect(tf.memory().numTensors).toBe(before)
        if (!result) continue
        expect(result.shape).toEqual([3, 6, 6, 4])
        expect(result.data.layer).toBe('conv')
      }
    } finally {
      x.dispose()
      model.dispose()
    }
  })
})
