// Makes the two parity architectures with fixed (seeded) weights and saves them as tfjs Layers models
// under test/fixtures/models/, with the inputs the reference is computed on under
// test/fixtures/attribution/. Step 1 of `bash scripts/reference/attribution/run.sh`.
//
//   small-cnn  20x20x1: conv(8, relu) - maxpool - conv(16, relu) - flatten - dense(10)
//   deep-cnn   16x16x3: [conv - batchnorm - ReLU] x2 - maxpool - conv - batchnorm - ReLU - avgpool
//              - flatten - dense(32, relu) - dense(10); batch-norm statistics are non-trivial.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { base64, bias, glorot, randomizeBatchNorm, root, tf } from './tfjs-helpers.mjs'

function smallCnn() {
  return tf.sequential({
    name: 'small_cnn',
    layers: [
      tf.layers.conv2d({
        name: 'conv1',
        inputShape: [20, 20, 1],
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: glorot(1),
        biasInitializer: bias(2),
      }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({
        name: 'conv2',
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: glorot(3),
        biasInitializer: bias(4),
      }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: glorot(5), biasInitializer: bias(6) }),
    ],
  })
}

function deepCnn() {
  const input = tf.input({ name: 'image', shape: [16, 16, 3] })
  let x = input
  const block = (index, filters, seed) => {
    x = tf.layers
      .conv2d({
        name: `conv${index}`,
        filters,
        kernelSize: 3,
        padding: 'same',
        kernelInitializer: glorot(seed),
        biasInitializer: bias(seed + 1),
      })
      .apply(x)
    x = tf.layers.batchNormalization({ name: `bn${index}`, epsilon: 1e-3 }).apply(x)
    x = tf.layers.reLU({ name: `relu${index}` }).apply(x)
  }
  block(1, 16, 10)
  block(2, 16, 20)
  x = tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x)
  block(3, 32, 30)
  x = tf.layers.averagePooling2d({ name: 'pool3', poolSize: 2 }).apply(x)
  x = tf.layers.flatten({ name: 'flatten' }).apply(x)
  x = tf.layers
    .dense({
      name: 'fc1',
      units: 32,
      activation: 'relu',
      kernelInitializer: glorot(40),
      biasInitializer: bias(41),
    })
    .apply(x)
  x = tf.layers
    .dense({ name: 'logits', units: 10, kernelInitializer: glorot(50), biasInitializer: bias(51) })
    .apply(x)
  const model = tf.model({ name: 'deep_cnn', inputs: input, outputs: x })
  return randomizeBatchNorm(model)
}

// Inputs chosen so that no evaluation point of any reference case lies within float32 round-off of a
// ReLU or max-pool kink (captum_reference.py checks this against float64 and refuses otherwise).
const INPUT_SEED = Number(process.env.INPUT_SEED ?? 8)

const architectures = [
  {
    name: 'small-cnn',
    build: smallCnn,
    inputShape: [2, 20, 20, 1],
    targets: [3, 7],
    neuronLayer: 'conv2',
    neuron: [2, 3, 5],
  },
  {
    name: 'deep-cnn',
    build: deepCnn,
    inputShape: [2, 16, 16, 3],
    targets: [1, 8],
    neuronLayer: 'relu2',
    neuron: [4, 9, 7],
  },
]

for (const architecture of architectures) {
  const model = architecture.build()
  const folder = join(root, 'test', 'fixtures', 'models', architecture.name)
  mkdirSync(folder, { recursive: true })
  await model.save(`file://${folder}`)
  const inputs = tf.randomUniform(architecture.inputShape, 0, 1, 'float32', INPUT_SEED)
  const logits = model.predict(inputs)
  const record = {
    architecture: architecture.name,
    layout: 'NHWC',
    inputShape: architecture.inputShape,
    inputs: base64(inputs),
    targets: architecture.targets,
    neuron: { layer: architecture.neuronLayer, index: architecture.neuron },
    logits: base64(logits),
  }
  writeFileSync(
    join(root, 'test', 'fixtures', 'attribution', `${architecture.name}.inputs.json`),
    JSON.stringify(record, null, 1) + '\n',
  )
  console.log(
    `${architecture.name}: ${model.countParams()} parameters, layers ${model.layers.map((l) => l.name).join(' ')}`,
  )
}
