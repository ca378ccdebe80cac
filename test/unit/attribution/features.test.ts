// Tabular and text attributions as the features view: payloads the extension's validator accepts,
// one-hot columns grouped back into attributes, base value + attributions = output (KernelSHAP).
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY, MIME_TYPES, decodePng } from '../../../src/display'
import { decodeArray } from '../../../src/display/codec'
import type { TabularFeaturesPayload, TextFeaturesPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { explain } from '../../../src/attribution'
import { featureView, tokenAttribution } from '../../../src/attribution/features'
import { load, type GlasswingModel } from '../../../src/model'
import { Vocabulary } from '../../../src/data/vocabulary'
import { GlasswingError } from '../../../src/errors'

/** 5 columns: 'income' (numeric), 'housing' one-hot over 3 columns, 'age' (numeric). */
const GROUPS = [0, 1, 1, 1, 2]
const NAMES = ['income', 'housing', 'age']

function softmaxModel(inputs: number, seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [inputs],
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        biasInitializer: tf.initializers.constant({ value: 0.1 }),
      }),
    ],
  })
}

describe('features view', () => {
  let model: GlasswingModel
  let table: tf.Tensor2D
  let groups: tf.Tensor1D
  beforeAll(async () => {
    model = await load(softmaxModel(5, 4), { classNames: ['good', 'bad'] })
    table = tf.tensor2d([
      [0.5, 1, 0, 0, -1.2],
      [-0.3, 0, 0, 1, 0.4],
      [1.1, 0, 1, 0, 0.9],
    ])
    groups = tf.tensor1d(GROUPS, 'int32')
  })
  afterAll(() => {
    tf.dispose([table, groups])
    model.dispose()
  })

  it('displays a grouped KernelSHAP attribution as a valid tabular payload, PNG and text', async () => {
    const shap = await explain(model, table, {
      method: 'kernel-shap',
      segments: { method: 'mask', mask: groups },
      featureNames: NAMES,
      target: 'bad',
      seed: 1,
    })
    const before = tf.memory().numTensors
    const bundle = shap[JUPYTER_DISPLAY]()
    expect(tf.memory().numTensors).toBe(before)
    const payload = bundle[MIME_TYPES.features] as TabularFeaturesPayload
    const validation = validatePayload('features', JSON.parse(JSON.stringify(payload)))
    expect(validation.ok ? [] : validation.errors).toEqual([])
    expect(payload.modality).toBe('tabular')
    expect(payload.featureNames).toEqual(NAMES)
    expect(payload.attributions.shape).toEqual([3, 3])
    expect(payload.outputName).toBe('P(bad)')
    expect(payload.valueLabels![1]).toEqual(['-0.3', 'category 3 of 3', '0.4'])
    expect(Array.from(decodeArray(payload.values!).subarray(0, 3))).toEqual([0.5, 0, expect.closeTo(-1.2, 5)])
    // KernelSHAP against a zero baseline: base value = f(0), output = f(x), exactly.
    const [fx, f0] = tf.tidy(() => [
      model.predict(table).slice([0, 1], [-1, 1]).dataSync(),
      model
        .predict(tf.zeros([1, 5]))
        .slice([0, 1], [-1, 1])
        .dataSync(),
    ])
    const values = decodeArray(payload.attributions)
    payload.outputs.forEach((output, row) => {
      expect(output).toBeCloseTo(fx![row]!, 5)
      expect(payload.baseValues[row]).toBeCloseTo(f0![0]!, 4)
      const sum = values.subarray(row * 3, row * 3 + 3).reduce((a, b) => a + b, 0)
      expect(payload.baseValues[row]! + sum).toBeCloseTo(output, 5)
    })
    expect(payload.provenance.parameters.segments).toEqual({ method: 'mask', mask: 'tensor [5]' })
    expect(payload.importance).toHaveLength(3)
    expect(payload.importance![1]).toBeCloseTo(
      (Math.abs(values[1]!) + Math.abs(values[4]!) + Math.abs(values[7]!)) / 3,
      6,
    )
    expect(decodePng(bundle['image/png'] as string).width).toBeGreaterThan(100)
    expect(bundle['text/plain']).toMatch(
      /KernelSHAP[\s\S]*global importance \(mean \|attribution\| over 3 examples\)/,
    )
  })

  it('labels one example with the raw values it is given, and sums gradient columns per group', async () => {
    const one = table.slice([1], [1])
    const ig = await explain(model, one, { method: 'integrated-gradients', steps: 32, target: 'bad' })
    const rows = [['a few', 'rent', 'old']]
    const view = featureView(ig, { groups: GROUPS, featureNames: NAMES, rows, outputName: 'P(bad)' })
    const bundle = await view[JUPYTER_DISPLAY]()
    const payload = bundle[MIME_TYPES.features] as TabularFeaturesPayload
    expect(validatePayload('features', payload).ok).toBe(true)
    expect(payload.valueLabels).toEqual(rows)
    const columns = ig.values
    expect(decodeArray(payload.attributions)[1]).toBeCloseTo(columns[1]! + columns[2]! + columns[3]!, 5)
    expect(bundle['text/plain']).toMatch(/P\(bad\) = [\d.]+, base [\d.-]+; strongest features:\n {2}\w+ = /)
    expect(() => featureView(ig, { rows: [] })).toThrow(GlasswingError)
    one.dispose()
  })

  it('leaves image attributions as saliency and refuses them in featureView', async () => {
    const net = await load(
      tf.sequential({
        layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2 })],
      }),
    )
    const images = tf.ones([1, 4, 4, 1])
    const saliency = await explain(net, images, { method: 'saliency' })
    expect(saliency[JUPYTER_DISPLAY]()[MIME_TYPES.features]).toBeUndefined()
    expect(() => featureView(saliency)).toThrow(/gw.featureView/)
    images.dispose()
    net.dispose()
  })
})

describe('token attributions', () => {
  const vocabulary = new Vocabulary(['great', 'terrible', 'food', 'not', 'the'])
  let model: GlasswingModel
  beforeAll(async () => {
    model = await load(softmaxModel(vocabulary.size, 9), { classNames: ['negative', 'positive'] })
  })
  afterAll(() => model.dispose())

  it('gives every token of a bag-of-words sentence its word value, shared among repeats', async () => {
    const texts = ['The food was great, great!', 'Terrible.']
    const x = vocabulary.encode(texts)
    const ig = await explain(model, x, { method: 'integrated-gradients', steps: 32, target: 'positive' })
    x.dispose()
    const before = tf.memory().numTensors
    const tokens = tokenAttribution(ig, texts, { vocabulary, labels: ['positive', 'negative'] })
    const bundle = tokens[JUPYTER_DISPLAY]()
    expect(tf.memory().numTensors).toBe(before)
    const payload = bundle[MIME_TYPES.features] as TextFeaturesPayload
    expect(validatePayload('features', JSON.parse(JSON.stringify(payload))).ok).toBe(true)
    expect(payload.outputName).toBe('P(positive)')
    const [first, second] = payload.examples
    expect(first!.tokens).toEqual(['the', 'food', 'was', 'great', 'great'])
    const width = vocabulary.size
    expect(first!.attributions[0]).toBeCloseTo(ig.values[4]!, 6)
    expect(first!.attributions[2]).toBe(0) // 'was' is outside the vocabulary
    expect(first!.attributions[3]).toBeCloseTo(ig.values[0]! / 2, 6)
    expect(second!.attributions).toEqual([ig.values[width + 1]])
    expect(second!.label).toBe('negative')
    // IG from the empty sentence: base + sum of token values = output, up to the convergence delta.
    const sum = first!.attributions.reduce((a, b) => a + b, 0)
    expect(first!.baseValue + sum).toBeCloseTo(first!.output, 5)
    expect(bundle['text/plain']).toMatch(/^P\(positive\) [\d.]+: the\([+-][\d.]+\) food/)
    expect(decodePng(bundle['image/png'] as string).height).toBeGreaterThan(20)
  })

  it('reads per-token inputs position by position, and names wrong texts or vocabulary', async () => {
    const positional = await load(softmaxModel(4, 2), { classNames: ['negative', 'positive'] })
    const x = tf.tensor2d([[1, 2, 3, 0]])
    const occlusion = await explain(positional, x, { method: 'feature-ablation', target: 1 })
    const tokens = tokenAttribution(occlusion, ['not bad at all'])
    expect(tokens.examples[0]!.attributions).toEqual(Array.from(occlusion.values))
    expect(() => tokenAttribution(occlusion, ['a', 'b'])).toThrow(/texts/)
    expect(() => tokenAttribution(occlusion, ['a'], { vocabulary })).toThrow(/options.vocabulary/)
    x.dispose()
    positional.dispose()
  })
})
