// Retrains the two cheapest models (about 5 s each on 2 idle cores) and compares them with their committed
// cards (native backend only). `npm run train -- --check` verifies every model, the two 60,000-image CNNs
// (about a minute each) and sentiment-bow included.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import type { ModelCard, Recipe } from '../../scripts/train/common'
import { creditMlp } from '../../scripts/train/dense-models'
import { shortcutMnistCnn } from '../../scripts/train/image-models'

const MODELS = join(__dirname, '..', '..', 'notebooks', 'models')

describe('training reproduces the model cards within 0.5 percentage points', () => {
  it.each([creditMlp, shortcutMnistCnn].map((r) => [r.name, r] as [string, Recipe]))(
    '%s',
    async (name, recipe) => {
      const card = JSON.parse(readFileSync(join(MODELS, name, 'card.json'), 'utf8')) as ModelCard
      const before = tf.memory().numTensors
      const trained = await recipe.train()
      trained.model.dispose()
      expect(tf.memory().numTensors).toBe(before)
      expect(Math.abs(trained.card.testAccuracy - card.testAccuracy)).toBeLessThanOrEqual(0.005)
      for (const [metric, value] of Object.entries(card.metrics)) {
        expect(Math.abs(trained.card.metrics[metric]! - value), metric).toBeLessThanOrEqual(0.005)
      }
      expect(trained.card.parameters).toBe(card.parameters)
    },
  )
})
