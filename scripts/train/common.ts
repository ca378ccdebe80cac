/**
 * What every training recipe shares: seeded initialisers and shuffles, an accuracy measure, the
 * model card, and saving the model as a tfjs Layers model (model.json + weights.bin).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { shuffledIndices } from '../../src/data'

/** The model card written beside each model as card.json and MODEL_CARD.md. */
export interface ModelCard {
  name: string
  summary: string
  data: string
  architecture: string[]
  parameters: number
  inputShape: number[]
  classNames: string[]
  seed: number
  epochs: number
  batchSize: number
  optimizer: string
  /** The headline number that `npm run train -- --check` reproduces. */
  testAccuracy: number
  /** Further measured numbers, for example the shortcut model's accuracy without its watermark. */
  metrics: Record<string, number>
  intendedUse: string
  limitations: string
  trainingSeconds: number
  trainedWith: string
  command: string
}

/** A trained model and its card; `extra` files (a vocabulary, an encoding) are written beside it. */
export interface Trained {
  model: tf.LayersModel
  card: ModelCard
  extra?: Record<string, unknown>
}

/** One training recipe: a name (the folder under notebooks/models) and how to train it. */
export interface Recipe {
  name: string
  train(): Promise<Trained>
}

/** A seeded Glorot-uniform initialiser; every layer gets its own seed derived from the recipe's. */
export function glorot(seed: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed })
}

/**
 * Trains with a shuffle fixed by the seed: tfjs's own `shuffle: true` uses Math.random. Frees the
 * optimizer's state afterwards (the model does not own an optimizer passed as an object), so the model
 * is trained once. Returns the number of seconds it took.
 */
export async function fitSeeded(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: { epochs: number; batchSize: number; seed: number },
): Promise<number> {
  const started = performance.now()
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = tf.tensor1d(shuffledIndices(x.shape[0]!, options.seed * 1000 + epoch), 'int32')
    const xs = tf.gather(x, order)
    const ys = tf.gather(y, order)
    await model.fit(xs, ys, { epochs: 1, batchSize: options.batchSize, shuffle: false, verbose: 0 })
    tf.dispose([order, xs, ys])
  }
  model.optimizer.dispose()
  return (performance.now() - started) / 1000
}

/** The share of examples whose highest-scoring class is the label, in batches. */
export function accuracy(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D, batchSize = 1000): number {
  const n = x.shape[0]!
  let correct = 0
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start)
    correct += tf.tidy(() => {
      const batch = x.slice(start, size)
      const predicted = (model.predict(batch) as tf.Tensor).argMax(-1)
      return predicted.equal(labels.slice(start, size)).sum().dataSync()[0]!
    })
  }
  return correct / n
}

/** Labels as one-hot rows, for categorical cross-entropy. */
export function oneHot(labels: tf.Tensor1D, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(labels, classes).toFloat() as tf.Tensor2D)
}

/** One line per layer: name, class, output shape, parameter count. */
export function describeLayers(model: tf.LayersModel): string[] {
  return model.layers.map((layer) => {
    const shape = JSON.stringify(layer.outputShape).replace(/null/g, 'n')
    return `${layer.name} (${layer.getClassName()}) -> ${shape}, ${layer.countParams()} params`
  })
}

/** Round to 4 decimals, so cards compare cleanly. */
export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000
}

/** Where recipes write: notebooks/models/<name>/. */
export function modelFolder(root: string, name: string): string {
  return join(root, 'notebooks', 'models', name)
}

/** Writes model.json, weights.bin, card.json, MODEL_CARD.md, labels.json and any extra JSON files. */
export async function saveTrained(folder: string, { model, card, extra }: Trained): Promise<void> {
  mkdirSync(folder, { recursive: true })
  await model.save(`file://${folder}`)
  writeFileSync(join(folder, 'card.json'), JSON.stringify(card, null, 2) + '\n')
  // gw.load reads the class names from labels.json beside model.json.
  writeFileSync(join(folder, 'labels.json'), JSON.stringify(card.classNames) + '\n')
  writeFileSync(join(folder, 'MODEL_CARD.md'), renderCard(card))
  for (const [file, value] of Object.entries(extra ?? {})) {
    writeFileSync(join(folder, file), JSON.stringify(value) + '\n')
  }
}

function renderCard(card: ModelCard): string {
  const percent = (v: number) => `${(100 * v).toFixed(2)} %`
  const metrics = Object.entries(card.metrics)
    .map(([k, v]) => `| ${k} | ${k.toLowerCase().includes('accuracy') ? percent(v) : v} |`)
    .join('\n')
  return `# ${card.name}

${card.summary}

| | |
| --- | --- |
| Data | ${card.data} |
| Input | shape [n, ${card.inputShape.join(', ')}] |
| Classes | ${card.classNames.map((c) => `\`${c}\``).join(', ')} |
| Parameters | ${card.parameters.toLocaleString('en')} |
| Training | ${card.epochs} epochs, batch ${card.batchSize}, ${card.optimizer}, seed ${card.seed} |
| Test accuracy | **${percent(card.testAccuracy)}** |
| Training time | ${card.trainingSeconds.toFixed(1)} s (${card.trainedWith}; shared machine, timings are noisy) |

## Architecture
${card.architecture.map((line) => `- ${line}`).join('\n')}

## Measured
| metric | value |
| --- | --- |
${metrics}

## Intended use
${card.intendedUse}

## Limitations
${card.limitations}

## Reproduce
\`${card.command}\` rewrites this folder; \`npm run train -- --check ${card.name}\` retrains in memory and
checks the test accuracy against this card (within 0.5 percentage points).
`
}
