// Shared helpers of the quality tests: the committed Quantus/Captum fixture, a linear model, an Attribution over given values.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { Attribution } from '../../../src/attribution'
import { makeProvenance } from '../../../src/display/provenance'

export interface Reference {
  versions: Record<string, string>
  grid: { x: number[][][][]; a: number[][][][]; s: number[][][][]; shape: number[] }
  complexity: Record<string, number[]>
  localisation: Record<string, number[]>
  linear: { W: number[][]; b: number[] }
  'pixel-flipping': { curves: number[][]; auc: number[]; 'curves-step4': number[][] }
  infidelity: { noise: number[][][]; samples: number; true: number[]; false: number[] }
  'sensitivity-max-linear': number[]
  similarity: Record<string, number[] | number[][] | number>
}

export const reference: Reference = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/quality/reference.json'), 'utf8'),
)

export const flat = (nested: unknown): Float32Array =>
  Float32Array.from((nested as number[]).flat(Infinity as 1) as number[])

/** The fixture's linear model, y = W x + b over the flattened [8, 8, 1] grid (Quantus's channel-first [1, 8, 8] flattens the same). */
export function fixtureLinear(): tf.LayersModel {
  const { W, b } = reference.linear
  const [h, w] = [reference.grid.shape[1]!, reference.grid.shape[2]!]
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [h, w, 1] }),
      tf.layers.dense({ units: W.length, name: 'linear' }),
    ],
  })
  const kernel = tf.tensor2d(W).transpose()
  const bias = tf.tensor1d(b)
  model.layers[1]!.setWeights([kernel, bias])
  tf.dispose([kernel, bias])
  return model
}

/** An Attribution holding given values over given inputs (class targets per row). */
export function attributionOf(
  inputs: Float32Array,
  values: Float32Array,
  shape: number[],
  targets: number[],
  method = 'fixture',
): Attribution {
  return new Attribution({
    method,
    title: method,
    parameters: {},
    signed: true,
    values,
    shape,
    inputs,
    inputShape: shape,
    exampleOf: targets.map((_, i) => i),
    targets,
    targetDescription: 'fixture',
    predictions: null,
    delta: null,
    layer: null,
    classNames: null,
    classCount: 3,
    single: false,
    provenance: makeProvenance({ method, parameters: {}, seed: null }),
  })
}
