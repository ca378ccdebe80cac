// The benchmark's models, with seeded weights, saved where both Glasswing and the PyTorch side read them.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed })

/** A small MNIST CNN (28x28x1): conv(16) - pool - conv(32) - pool - dense(64) - dense(10). */
export function mnistCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv1',
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: glorot(1),
      }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({
        name: 'conv2',
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: glorot(2),
      }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'fc1', units: 64, activation: 'relu', kernelInitializer: glorot(3) }),
      tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: glorot(4) }),
    ],
  })
}

/** A VGG-like net at 224x224x3: four blocks of two 3x3 convs (32, 64, 128, 128) and a pool, then two dense. */
export function vggLike(): tf.LayersModel {
  const layers: tf.layers.Layer[] = []
  let seed = 10
  ;[32, 64, 128, 128].forEach((filters, block) => {
    for (let i = 1; i <= 2; i++) {
      layers.push(
        tf.layers.conv2d({
          name: `block${block + 1}_conv${i}`,
          ...(layers.length === 0 ? { inputShape: [224, 224, 3] } : {}),
          filters,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: glorot(seed++),
        }),
      )
    }
    layers.push(tf.layers.maxPooling2d({ name: `block${block + 1}_pool`, poolSize: 2 }))
  })
  layers.push(tf.layers.flatten({ name: 'flatten' }))
  layers.push(
    tf.layers.dense({ name: 'fc1', units: 256, activation: 'relu', kernelInitializer: glorot(seed++) }),
  )
  layers.push(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: glorot(seed++) }))
  return tf.sequential({ layers })
}

/** Saves a model as model.json + weights.bin in `folder`. */
export async function saveModel(model: tf.LayersModel, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true })
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, weightSpecs, ...rest } = artifacts
      writeFileSync(
        join(folder, 'model.json'),
        JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] }),
      )
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(weightData as ArrayBuffer))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
}

/** Writes a float32 tensor's values (row-major) to `file`. */
export function saveTensor(tensor: tf.Tensor, file: string): void {
  const values = tensor.dataSync() as Float32Array
  writeFileSync(file, Buffer.from(values.buffer, values.byteOffset, values.byteLength))
}
