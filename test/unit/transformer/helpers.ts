// The hooked transformer of a reference fixture: the config and weights that scripts/reference/transformer_reference.py wrote.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { LayersGlasswingModel } from '../../../src/model/layers-model'
import { buildTransformer, type TransformerConfig } from '../../../src/transformer'

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'transformer')

export interface ForwardCase {
  config: TransformerConfig
  weights: Record<string, number[][]>
  tokens: number[][]
  output: number[][]
  cache: Record<string, unknown>
}

export function forwardCases(): ForwardCase[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'forward.json'), 'utf8')) as { cases: ForwardCase[] }).cases
}

/** The fixture's model with the fixture's weights, wrapped as gw.load would. */
export function fixtureModel(c: ForwardCase): LayersGlasswingModel {
  const model = buildTransformer(c.config)
  for (const [name, arrays] of Object.entries(c.weights)) {
    const layer = model.getLayer(name)
    const values = arrays.map((a, i) => tf.tensor(a as never, layer.getWeights()[i]!.shape))
    layer.setWeights(values)
    tf.dispose(values)
  }
  return new LayersGlasswingModel(model, 'memory', null)
}

/** The largest absolute difference between two nested arrays of numbers of the same shape. */
export function maxDifference(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Infinity
    return a.reduce((m: number, x, i) => Math.max(m, maxDifference(x, b[i])), 0)
  }
  return Math.abs((a as number) - (b as number))
}
