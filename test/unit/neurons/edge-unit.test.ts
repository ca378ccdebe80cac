import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  dominantOrientation,
  objectives,
  orientationDifference,
  transforms,
  tuningCurves,
  visualize,
} from '../../../src/neurons'
import { edgeModel } from './helpers'

// Hand-built oriented-edge units: the tuning curve and the feature visualization must both find the
// orientation the kernel was built with.
const ORIENTATIONS = [0, 60, 90, 135]

describe('an oriented-edge unit', () => {
  it('is found at its orientation by its tuning curve (within 15 degrees), selectively', async () => {
    const model = await edgeModel(ORIENTATIONS)
    const before = tf.memory().numTensors
    const curves = tuningCurves(model, 'edges')
    expect(tf.memory().numTensors).toBe(before)
    ORIENTATIONS.forEach((orientation, unit) => {
      const curve = curves[unit]!.find((c) => c.sweep === 'orientation')!
      expect(orientationDifference(curve.preferred, orientation)).toBeLessThanOrEqual(15)
      expect(curve.selectivity).toBeGreaterThan(0.25)
      expect(curves[unit]!.map((c) => c.sweep)).toEqual(['orientation', 'frequency', 'phase', 'position'])
    })
  })

  it('draws its orientation in its feature visualization (structure tensor, within 15 degrees)', async () => {
    const model = await edgeModel(ORIENTATIONS)
    const before = tf.memory().numTensors
    for (const [unit, orientation] of [
      [1, 60],
      [3, 135],
    ] as const) {
      const result = await visualize(model, objectives.channel('edges', unit), {
        steps: 64,
        seed: 2,
        transforms: [transforms.pad(2), transforms.jitter(2)],
      })
      const measured = dominantOrientation(result.images)
      expect(orientationDifference(measured.orientation, orientation)).toBeLessThanOrEqual(15)
      expect(measured.coherence).toBeGreaterThan(0.3)
      expect(result.history.at(-1)!).toBeGreaterThan(result.history[0]!)
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})
