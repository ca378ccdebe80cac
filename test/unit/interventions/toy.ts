/** The hand-built two-layer ReLU MLP of scripts/reference/interventions_toy.py, with its fixture. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { load, type GlasswingModel } from '../../../src'

export const toy = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/interventions/toy.json'), 'utf8'),
) as {
  mlp: Record<string, number[][] | number[][][] | number[]>
  logistic: {
    w: number[]
    b: number
    x: number[]
    target: number
    counterfactual: number[]
    distance: number
  }
}

/** x (3) -> 'hidden' relu (4) -> 'logits' (2), weights from the fixture. */
export async function toyMlp(): Promise<GlasswingModel> {
  const m = toy.mlp
  const hidden = tf.layers.dense({ name: 'hidden', units: 4, activation: 'relu', inputShape: [3] })
  const out = tf.layers.dense({ name: 'logits', units: 2 })
  const net = tf.sequential({ layers: [hidden, out] })
  tf.tidy(() => {
    hidden.setWeights([tf.tensor2d(m.W1 as number[][]), tf.tensor1d(m.b1 as number[])])
    out.setWeights([tf.tensor2d(m.W2 as number[][]), tf.tensor1d(m.b2 as number[])])
  })
  return load(net)
}

/** Expects `actual` to equal `expected` elementwise within `tolerance`. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`)
  for (let i = 0; i < actual.length; i++)
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance))
      throw new Error(
        `at ${i}: ${actual[i]} != ${expected[i]} (tolerance ${tolerance}); got [${Array.from(actual).join(', ')}]`,
      )
}
