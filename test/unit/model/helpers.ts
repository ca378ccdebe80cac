// Small models built in tests: deterministic weights so that expectations are fixed numbers.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'

/** A seeded 4-layer CNN (conv, pool, flatten, dense) on 8x8x1 inputs with 3 classes. */
export function tinyCnn(seed = 1): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset })
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv',
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(0),
        biasInitializer: 'ones',
      }),
      tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'logits', units: 3, kernelInitializer: init(1) }),
    ],
  })
}

/** A functional model with a skip connection around `dense_b`. */
export function skipModel(): tf.LayersModel {
  const input = tf.input({ shape: [4], name: 'x' })
  const a = tf.layers
    .dense({
      name: 'dense_a',
      units: 4,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    })
    .apply(input) as tf.SymbolicTensor
  const b = tf.layers
    .dense({ name: 'dense_b', units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) })
    .apply(a) as tf.SymbolicTensor
  const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor
  const out = tf.layers
    .dense({ name: 'out', units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) })
    .apply(sum) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: out })
}

/** Runs `body` and asserts it leaves no tensor behind. */
export async function expectNoLeak<T>(body: () => Promise<T> | T): Promise<T> {
  const before = tf.memory().numTensors
  const result = await body()
  const after = tf.memory().numTensors
  if (after !== before) throw new Error(`leaked ${after - before} tensors`)
  return result
}

/** Saves a Layers model as a tfjs model folder (model.json + weights.bin) in a new temporary folder. */
export async function saveToFolder(model: tf.LayersModel): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'gw-model-'))
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, weightSpecs, ...rest } = artifacts
      const json = { ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] }
      writeFileSync(join(folder, 'model.json'), JSON.stringify(json))
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(weightData as ArrayBuffer))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return folder
}
