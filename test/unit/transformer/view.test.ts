import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { decodeArray } from '../../../src/display/codec'
import { MIME_TYPES, type AttentionPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { attention, attentionFlow, rollout } from '../../../src/transformer'
import { MAX_ATTENTION_VALUES } from '../../../src/display/limits'
import { attentionValues } from '../../../src/transformer/payload'
import { fixtureModel, forwardCases } from './helpers'

describe('gw.transformer.attention displays the attention view', () => {
  const [lm, classifier] = forwardCases()

  it('carries the shown example, its rollout and flow, the head scores; valid, no tensor left', async () => {
    const model = fixtureModel(lm!)
    const before = tf.memory().numTensors
    const result = await attention(model, lm!.tokens, { example: 1 })
    const bundle = result[JUPYTER_DISPLAY]()
    expect(tf.memory().numTensors).toBe(before)
    const payload = bundle[MIME_TYPES.attention] as AttentionPayload
    const checked = validatePayload('attention', payload)
    expect(checked.ok && checked.notices).toEqual([])
    expect(payload.example).toBe(1)
    expect(payload.exampleCount).toBe(lm!.tokens.length)
    expect(payload.layout).toBe('lower') // the fixture's language model is causal
    expect(payload.tokens).toEqual(lm!.tokens[1]!.map(String))
    expect(payload.scores.map((s) => s.name)).toEqual(['induction', 'previous-token', 'entropy'])
    const stack = result.stack(1)
    const t = stack[0]![0]!.length
    const rolled = decodeArray(payload.rollout!.values)
    const want = rollout(stack).flat()
    rolled.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-3))
    const flow = decodeArray(payload.flow!.values)
    expect(payload.flow!.output).toBe(t - 1)
    attentionFlow(stack, t - 1).forEach((v, i) => expect(flow[i]).toBeCloseTo(v, 6))
    expect(payload.provenance.method).toBe('attention')
    expect(payload.provenance.modelFingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(bundle['image/png']).toBeTruthy()
    expect(bundle['text/plain']).toMatch(/^Attention of 3 sequence/)
    model.dispose()
  })

  it('leaves rollout and flow out when asked, and refuses an example past the batch', async () => {
    const model = fixtureModel(classifier!)
    const result = await attention(model, classifier!.tokens, { rollout: false, flow: false })
    const payload = result[JUPYTER_DISPLAY]()[MIME_TYPES.attention] as AttentionPayload
    expect(payload.rollout).toBeNull()
    expect(payload.flow).toBeNull()
    expect(payload.layout).toBe('full') // an encoder
    await expect(attention(model, classifier!.tokens, { example: 9 })).rejects.toThrow(GlasswingError)
    await expect(attention(model, classifier!.tokens, { example: 9 })).rejects.toThrow(
      /options.example.*example index from 0 to/,
    )
    model.dispose()
  })

  it('counts the weights against the limit of the view (1,024 tokens x 8 x 8 full is the most it accepts)', () => {
    expect(attentionValues(8, 8, 1024, false)).toBe(MAX_ATTENTION_VALUES)
    expect(attentionValues(8, 8, 512, true)).toBe(8 * 8 * 131_328)
    expect(attentionValues(16, 16, 1024, true)).toBeGreaterThan(MAX_ATTENTION_VALUES)
  })
})
