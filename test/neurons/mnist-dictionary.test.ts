/**
 * The neuron dictionary of the trained MNIST CNN (notebooks/models/mnist-cnn): its first conv layer
 * should hold oriented-edge units.
 *
 * The check: most units' orientation selectivity (1 - circular variance of the evoked orientation
 * curve, see src/neurons/selectivity.ts) is above 0.25. Why 0.25: for a sinusoidal tuning curve
 * a + b cos 2(theta - theta0), the index is b / 2a, so 0.25 means the preferred orientation excites the
 * unit 3 times more than the orthogonal one, a common bar for "orientation selective" in physiology;
 * an isotropic kernel scores about 0.003 here. As a control that the orientation comes from learning
 * and not from the 3x3 grid alone, the same layer with each kernel's weights shuffled in space (a
 * seeded null, 10 shuffles) must have a lower median.
 */
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { datasets, load, type GlasswingModel } from '../../src'
import { neurons, tuningCurves } from '../../src/neurons'

const MODEL = 'notebooks/models/mnist-cnn'
const THRESHOLD = 0.25

const orientationSelectivity = (model: GlasswingModel, layer: string): number[] =>
  tuningCurves(model, layer).map((curves) => curves.find((c) => c.sweep === 'orientation')!.selectivity)

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2
}

describe('the neuron dictionary of the MNIST CNN', () => {
  it('shows oriented-edge units in conv2d_1, ablation effects and digit top examples', async () => {
    const model = await load(MODEL)
    const mnist = await datasets.mnist({ split: 'test', limit: 1000 })
    const before = tf.memory().numTensors
    const dictionary = await neurons(model, { layer: 'conv2d_1', data: mnist, visualize: { steps: 64 } })
    expect(tf.memory().numTensors).toBe(before)

    const selectivities = dictionary.entries.map(
      (e) => e.tuning!.find((c) => c.sweep === 'orientation')!.selectivity,
    )
    const oriented = selectivities.filter((s) => s > THRESHOLD).length
    console.log(
      `conv2d_1 orientation selectivity: ${selectivities.map((s) => s.toFixed(2)).join(' ')}; ${oriented}/8 above ${THRESHOLD}`,
    )
    expect(oriented).toBeGreaterThan(selectivities.length / 2)

    expect(dictionary.baselineAccuracy).toBeGreaterThan(0.95)
    expect(Math.max(...dictionary.entries.map((e) => e.ablation!.accuracyDrop!))).toBeGreaterThan(0.005)
    dictionary.entries.forEach((e) => {
      expect(e.examples).toHaveLength(9)
      expect(e.examples[0]!.activation).toBeGreaterThanOrEqual(e.examples[8]!.activation)
      expect(e.label).not.toBeNull()
    })
    mnist.dispose()
  })

  it('is more oriented than the same kernels shuffled in space (a seeded null)', async () => {
    const trained = median(orientationSelectivity(await load(MODEL), 'conv2d_1'))
    const model = await load(MODEL)
    const conv = (model.tfModel as tf.LayersModel).getLayer('conv2d_1')
    const [kernel, bias] = conv.getWeights()
    const weights = kernel!.reshape([9, 8]).arraySync() as number[][]
    let seed = 1
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const nulls: number[] = []
    for (let repeat = 0; repeat < 10; repeat++) {
      for (let unit = 0; unit < 8; unit++) {
        for (let i = 8; i > 0; i--) {
          const j = Math.floor(random() * (i + 1))
          ;[weights[i]![unit], weights[j]![unit]] = [weights[j]![unit]!, weights[i]![unit]!]
        }
      }
      const shuffled = tf.tensor(weights).reshape([3, 3, 1, 8])
      conv.setWeights([shuffled, bias!])
      shuffled.dispose()
      nulls.push(...orientationSelectivity(model, 'conv2d_1'))
    }
    console.log(
      `median orientation selectivity: trained ${trained.toFixed(3)}, shuffled ${median(nulls).toFixed(3)}`,
    )
    expect(trained).toBeGreaterThan(median(nulls))
  })
})
