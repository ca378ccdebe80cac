// Makes the LRP graph parity architecture with fixed (seeded) weights and saves it as a tfjs Layers model
// under test/fixtures/models/residual-cnn, with the inputs zennit is run on under
// test/fixtures/attribution/residual-cnn.inputs.json. Step 1 of the LRP graph parity
// (lrp_graph_reference.py is step 2; run.sh runs both).
//
//   residual-cnn  12x12x3: conv1 - BN - ReLU (stem); residual block conv2 - BN - ReLU - conv3 - BN,
//                 added to the stem - ReLU; branches conv 1x1 (relu) and conv 3x3 (relu) concatenated
//                 on channels - maxpool - flatten - dense(10). Biases and batch-norm statistics are
//                 non-trivial.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { base64, bias, glorot, randomizeBatchNorm, root, tf } from './tfjs-helpers.mjs'

function residualCnn() {
  const input = tf.input({ name: 'image', shape: [12, 12, 3] })
  const conv = (name, filters, kernelSize, seed, activation = 'linear') =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      padding: 'same',
      activation,
      kernelInitializer: glorot(seed),
      biasInitializer: bias(seed + 1),
    })
  const bn = (name) => tf.layers.batchNormalization({ name, epsilon: 1e-3 })
  const stem = tf.layers.reLU({ name: 'relu1' }).apply(bn('bn1').apply(conv('conv1', 8, 3, 10).apply(input)))
  let x = tf.layers.reLU({ name: 'relu2' }).apply(bn('bn2').apply(conv('conv2', 8, 3, 20).apply(stem)))
  x = bn('bn3').apply(conv('conv3', 8, 3, 30).apply(x))
  x = tf.layers.reLU({ name: 'relu3' }).apply(tf.layers.add({ name: 'add' }).apply([stem, x]))
  const left = conv('branch1x1', 4, 1, 40, 'relu').apply(x)
  const right = conv('branch3x3', 4, 3, 50, 'relu').apply(x)
  x = tf.layers.concatenate({ name: 'concat', axis: -1 }).apply([left, right])
  x = tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(x)
  x = tf.layers.flatten({ name: 'flatten' }).apply(x)
  x = tf.layers
    .dense({ name: 'logits', units: 10, kernelInitializer: glorot(60), biasInitializer: bias(61) })
    .apply(x)
  const model = tf.model({ name: 'residual_cnn', inputs: input, outputs: x })
  return randomizeBatchNorm(model)
}

const model = residualCnn()
const folder = join(root, 'test', 'fixtures', 'models', 'residual-cnn')
mkdirSync(folder, { recursive: true })
await model.save(`file://${folder}`)
const inputShape = [2, 12, 12, 3]
const inputs = tf.randomUniform(inputShape, 0, 1, 'float32', Number(process.env.INPUT_SEED ?? 8))
const record = {
  architecture: 'residual-cnn',
  layout: 'NHWC',
  inputShape,
  inputs: base64(inputs),
  targets: [2, 6],
  logits: base64(model.predict(inputs)),
}
writeFileSync(
  join(root, 'test', 'fixtures', 'attribution', 'residual-cnn.inputs.json'),
  JSON.stringify(record, null, 1) + '\n',
)
console.log(
  `residual-cnn: ${model.countParams()} parameters, layers ${model.layers.map((l) => l.name).join(' ')}`,
)
