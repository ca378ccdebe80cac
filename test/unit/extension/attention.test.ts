import { describe, expect, it } from 'vitest'
import { encodeArray } from '../../../src/display/codec'
import { validatePayload } from '../../../src/display/validate'
import {
  attentionModel,
  rankedHeads,
  selectedWeight,
  strongest,
  thumbnail,
  tokenWeights,
  weightAt,
} from '../../../extension/src/views/attention/model'
import { packPatterns } from '../../../src/transformer/payload'
import { attentionPayloadSample, attentionStack } from './attention-fixtures'

describe('the attention view model', () => {
  for (const causal of [true, false])
    it(`reads back every weight of a ${causal ? 'causal (lower layout)' : 'full'} stack to 1/510 of its row's largest`, () => {
      const { stack } = attentionStack({ layers: 3, heads: 2, tokens: 11, causal })
      const payload = attentionPayloadSample({ layers: 3, heads: 2, tokens: 11, causal })
      expect(payload.layout).toBe(causal ? 'lower' : 'full')
      expect(payload.patterns.shape).toEqual([3, 2, causal ? 66 : 121])
      expect(validatePayload('attention', payload).ok).toBe(true)
      const model = attentionModel(payload)
      let worst = 0
      stack.forEach((layer, l) =>
        layer.forEach((pattern, h) =>
          pattern.forEach((row, i) => {
            const top = Math.max(...row)
            row.forEach((v, j) => {
              worst = Math.max(worst, Math.abs(weightAt(model, l, h, i, j) - v) / top)
            })
          }),
        ),
      )
      // uint8 rounding (1/510) plus float16's relative error of the row's largest weight (1/2048).
      expect(worst).toBeLessThan(1 / 510 + 1 / 2048)
    })

  it('packs 512 tokens x 8 layers x 8 heads of a causal model in 8.4 MB of bytes', () => {
    const t = 512
    const row = (i: number) => Array.from({ length: t }, (_, j) => (j <= i ? 1 / (i + 1) : 0))
    const pattern = Array.from({ length: t }, (_, i) => row(i))
    const stack = Array.from({ length: 8 }, () => Array.from({ length: 8 }, () => pattern))
    const { bytes, rowMax } = packPatterns(stack, 'lower')
    expect(bytes.length).toBe(64 * ((t * (t + 1)) / 2))
    expect(bytes.length).toBeLessThan(8.5e6)
    expect(rowMax[511]).toBeCloseTo(1 / 512, 9)
    expect(bytes[bytes.length - 1]).toBe(255)
  })

  it('max-pools a previous-token head into a diagonal stripe; the row scale makes every row reach 1', () => {
    const model = attentionModel(attentionPayloadSample({ layers: 2, heads: 2, tokens: 9 }))
    const pooled = thumbnail(model, { kind: 'head', layer: 0, head: 0 }, 9, 'shared')
    for (let i = 1; i < 9; i++) expect(pooled[i * 9 + i - 1]).toBeGreaterThan(0.8)
    expect(pooled[8 * 9 + 2]).toBeLessThan(0.1)
    const small = thumbnail(model, { kind: 'head', layer: 0, head: 0 }, 3, 'shared')
    expect(small).toHaveLength(9)
    const rows = thumbnail(model, { kind: 'head', layer: 1, head: 0 }, 9, 'row')
    for (let i = 0; i < 9; i++) expect(Math.max(...rows.slice(i * 9, i * 9 + 9))).toBeCloseTo(1, 6)
    const rolled = thumbnail(model, { kind: 'rollout' }, 9, 'shared')
    expect(Math.max(...rolled)).toBeCloseTo(1, 6)
  })

  it("shades tokens by the hovered query's row or the hovered key's column", () => {
    const payload = attentionPayloadSample({ layers: 2, heads: 2, tokens: 9 })
    const model = attentionModel(payload)
    const induction = { kind: 'head', layer: 1, head: 1 } as const
    // Position 6 repeats position 2's token: the induction head attends to position 3.
    const from = tokenWeights(model, induction, 6, 'from')
    expect(strongest(from, 1)[0]![0]).toBe(3)
    const to = tokenWeights(model, induction, 3, 'to')
    expect(strongest(to, 1)[0]![0]).toBe(6)
    expect(to[2]).toBe(0) // a query before the key cannot see it
    expect(selectedWeight(model, { kind: 'rollout' }, 8, 0)).toBeGreaterThan(0)
    const ranked = rankedHeads(
      model,
      payload.scores.findIndex((s) => s.name === 'induction'),
      2,
    )
    expect(ranked[0]).toMatchObject({ layer: 1, head: 1 })
    const entropy = rankedHeads(
      model,
      payload.scores.findIndex((s) => s.name === 'entropy'),
      4,
    )
    expect(entropy[0]!.value).toBeLessThanOrEqual(entropy[3]!.value)
  })
})

describe('attention payload checks', () => {
  const errors = (payload: unknown) => {
    const result = validatePayload('attention', payload)
    return result.ok ? [] : result.errors
  }

  it('refuses patterns of the wrong shape or dtype, an example past the count, scores of the wrong length', () => {
    const sample = attentionPayloadSample()
    expect(errors({ ...sample, patterns: { ...sample.patterns, range: [0, 1] } })).toEqual([
      "attention.patterns.dtype: expected 'uint8' without range (fractions of rowMax), got uint8 with a range",
    ])
    const full = encodeArray(new Uint8Array(2 * 2 * 81), [2, 2, 81], 'uint8', { quantise: false })
    expect(errors({ ...sample, patterns: full })[0]).toMatch(
      /attention\.patterns\.shape: expected \[2, 2, 45\], got \[2, 2, 81\]/,
    )
    expect(errors({ ...sample, example: 3 })[0]).toMatch(/attention\.example: expected < exampleCount \(1\)/)
    expect(errors({ ...sample, scores: [{ ...sample.scores[0]!, values: [1] }] })[0]).toMatch(
      /scores\[0\]\.values: expected 4 values/,
    )
    expect(errors({ ...sample, flow: { ...sample.flow!, output: 9 } })[0]).toMatch(/flow\.output/)
    expect(errors({ ...sample, layout: 'upper' })[0]).toMatch(/layout: expected 'full' or 'lower'/)
  })

  it('draws rows without a finite weight empty with a notice; refuses a payload with none', () => {
    const sample = attentionPayloadSample()
    const rowMax = new Float32Array(2 * 2 * 9).fill(0.5)
    rowMax[9 + 4] = NaN
    const one = validatePayload('attention', { ...sample, rowMax: encodeArray(rowMax, [2, 2, 9], 'float32') })
    expect(one.ok && one.notices).toEqual([
      '1 query row of 36 has weights that are not finite (NaN or ±Infinity) and is drawn empty (first: layer 0, head 1, query 4).',
    ])
    const none = encodeArray(new Float32Array(36).fill(NaN), [2, 2, 9], 'float16')
    expect(errors({ ...sample, rowMax: none })[0]).toMatch(
      /attention\.rowMax: expected finite weights, got 36 query rows/,
    )
  })
})
