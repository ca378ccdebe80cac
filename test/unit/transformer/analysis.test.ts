import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { runPatches } from '../../../src/interventions/engine'
import {
  ablateHeads,
  attention,
  gradientRolloutOf,
  repeatedTokens,
  rollout,
  summarizeHeads,
} from '../../../src/transformer'
import { decodePng } from '../../../src/display/png'
import { headGridPng, poolPattern } from '../../../src/transformer/picture'
import { fixtureModel, forwardCases, maxDifference } from './helpers'

describe('attention analysis on a hooked transformer', () => {
  const [lm, classifier] = forwardCases()

  it('reads every pattern, summarises heads and rolls out, leaving no tensor behind', async () => {
    const model = fixtureModel(lm!)
    const before = tf.memory().numTensors
    const result = await attention(model, lm!.tokens)
    expect(tf.memory().numTensors).toBe(before)
    expect(maxDifference(result.patterns[1], lm!.cache['blocks.1.attn.hook_pattern'])).toBeLessThan(1e-5)
    expect(result.heads).toHaveLength(4)
    for (const h of result.heads) {
      expect(h.entropy).toBeGreaterThanOrEqual(0)
      expect(h.entropy).toBeLessThanOrEqual(Math.log(7) + 1e-9)
    }
    expect(result.rollout(2)).toEqual(rollout(result.stack(2)))
    expect(result.toArray()[0]).toHaveLength(5)
    expect(result.toCSV().split('\n')[0]).toBe('layer,head,entropy,previous_token,induction')
    expect(() => result.stack(3)).toThrow(/example index from 0 to 2/)
    model.dispose()
  })

  it('scores a hand-made previous-token pattern 1 and an induction pattern 1', () => {
    const tokens = [[0, 5, 6, 7, 5, 6, 7]]
    const t = 7
    const previous = Array.from({ length: t }, (_, i) =>
      Array.from({ length: t }, (_, j) => (i === 0 ? +(j === 0) : +(j === i - 1))),
    )
    const induction = Array.from({ length: t }, (_, i) =>
      Array.from({ length: t }, (_, j) => (i >= 4 ? +(j === i - 2) : +(j === 0))),
    )
    const [p, q] = summarizeHeads([[[previous, induction]]], tokens)
    expect(p!.previousToken).toBe(1)
    expect(q!.induction).toBe(1)
    expect(p!.entropy).toBe(0)
  })

  it('gradient-weighted rollout: the identity plus class-specific terms, per example; bad targets refused', async () => {
    const model = fixtureModel(classifier!)
    const before = tf.memory().numTensors
    const [r0, r1] = await Promise.all([
      gradientRolloutOf(model, classifier!.tokens, { target: 0 }),
      gradientRolloutOf(model, classifier!.tokens, { target: 1 }),
    ])
    expect(tf.memory().numTensors).toBe(before)
    expect(r0).toHaveLength(3)
    for (const row of r0![0]!) for (const v of row) expect(v).toBeGreaterThanOrEqual(0)
    expect(r0![0]![0]![0]!).toBeGreaterThanOrEqual(1)
    expect(maxDifference(r0, r1)).toBeGreaterThan(1e-6)
    await expect(gradientRolloutOf(model, classifier!.tokens, { target: 2 })).rejects.toThrow(GlasswingError)
    model.dispose()
  })

  it('head ablation through attn.hook_z equals the intervention engine patching the same head', () => {
    const model = fixtureModel(lm!)
    const tokens = tf.tensor2d(lm!.tokens)
    const before = tf.memory().numTensors
    const ours = tf.tidy(() => ablateHeads(model, tokens, [[1, 0]]).arraySync())
    const mask = [[[1], [0]]] // [positions, heads, dHead] broadcast: head 0 everywhere
    const run = runPatches(model, [{ layer: 'blocks.1.attn.hook_z', where: { mask }, source: 'zero' }], {
      inputs: tokens,
    })
    expect(maxDifference(Array.from(run.values), (ours as number[][][]).flat(2))).toBeLessThan(1e-5)
    expect(tf.memory().numTensors).toBe(before)
    expect(() => ablateHeads(model, tokens, [[2, 0]])).toThrow(/layer < 2 and head < 2/)
    tokens.dispose()
    model.dispose()
  })

  it('makes induction-task sequences whose second half repeats the first', () => {
    const task = repeatedTokens(4, { vocabularySize: 20, half: 8, seed: 1 })
    const rows = task.tokens.arraySync()
    const copy = task.copy.arraySync()
    rows.forEach((row, n) => {
      const k = task.repeat[n]!
      expect(row.slice(17 - k)).toEqual(row.slice(17 - 2 * k, 17 - k))
      expect(copy[n]!.reduce((s, v) => s + v, 0)).toBe(k - 1)
    })
    task.dispose()
  })
})

describe('the attention picture', () => {
  it('draws layers x heads cells on one scale; a previous-token stripe shows below the diagonal', () => {
    const t = 8
    const previous = Array.from({ length: t }, (_, i) =>
      Array.from({ length: t }, (_, j) => (i === 0 ? +(j === 0) : +(j === i - 1))),
    )
    const uniform = Array.from({ length: t }, () => Array.from({ length: t }, () => 1 / t))
    const png = decodePng(
      headGridPng([
        [previous, uniform],
        [uniform, previous],
      ]),
    )
    expect(png.width).toBe(2 * (96 + 6) + 6)
    expect(png.height).toBe(2 * (96 + 6 + 11) + 6)
    // Cell L0H0, query 3 -> key 2 (12 px a token): dark; query 3 -> key 5: white.
    const pixel = (x: number, y: number) => png.rgba[(y * png.width + x) * 4]!
    const y = 6 + 11 + 3 * 12 + 6
    expect(pixel(6 + 2 * 12 + 6, y)).toBeLessThan(60)
    expect(pixel(6 + 5 * 12 + 6, y)).toBe(255)
    expect(Array.from(poolPattern(previous, 4)).slice(0, 4)).toEqual([1, 0, 0, 0])
  })
})
