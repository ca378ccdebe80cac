// The two shipped transformers load with gw.load and do what their cards say.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { datasets } from '../../../src'
import { load } from '../../../src/model'
import { attention, copyAccuracy, encodeSentences, repeatedTokens } from '../../../src/transformer'

const MODELS = join(__dirname, '..', '..', '..', 'notebooks', 'models')
const json = (name: string, file: string) => JSON.parse(readFileSync(join(MODELS, name, file), 'utf8'))

describe('the shipped transformers', () => {
  it('induction-transformer: copies, its induction-pattern heads score above 0.4, and ablating them breaks the task', async () => {
    const model = await load(join(MODELS, 'induction-transformer'))
    const card = json('induction-transformer', 'card.json')
    const { vocabularySize, half, minRepeat } = json('induction-transformer', 'transformer.json')
    const task = repeatedTokens(512, { vocabularySize, half, minRepeat, seed: 7 })
    const before = tf.memory().numTensors
    const accuracy = copyAccuracy(model, task)
    expect(Math.abs(accuracy - card.testAccuracy)).toBeLessThan(1e-4)
    const probe = task.tokens.slice([0, 0], [64, -1])
    const result = await attention(model, probe)
    probe.dispose()
    const found = result.inductionHeads(0.4)
    expect(found.length).toBeGreaterThan(0)
    const ablated = copyAccuracy(model, task, found)
    expect(accuracy - ablated).toBeGreaterThan(0.5)
    const others = result.heads.filter((h) => !found.some(([l, k]) => l === h.layer && k === h.head))
    const othersAblated = copyAccuracy(
      model,
      task,
      others.map((h) => [h.layer, h.head] as const),
    )
    expect(accuracy - othersAblated).toBeLessThan(0.1)
    expect(tf.memory().numTensors).toBe(before)
    task.dispose()
    model.dispose()
  })

  it('sentiment-transformer: its card accuracy on the test split, the hook names, P(positive) for a clear sentence', async () => {
    const model = await load(join(MODELS, 'sentiment-transformer'))
    const card = json('sentiment-transformer', 'card.json')
    const vocabulary = datasets.Vocabulary.fromJSON(json('sentiment-transformer', 'vocabulary.json'))
    const test = await datasets.sentiment({ split: 'test' })
    const x = encodeSentences(vocabulary, test.texts, 32)
    const accuracy = tf.tidy(() => model.predict(x).argMax(-1).equal(test.labels).mean().dataSync()[0]!)
    expect(Math.abs(accuracy - card.testAccuracy)).toBeLessThan(1e-4)
    expect(model.classNames).toEqual(['negative', 'positive'])
    expect(model.layerNames).toContain('blocks.0.attn.hook_pattern')
    tf.dispose(x)
    test.dispose()
    model.dispose()
  })
})
