import { describe, expect, it } from 'vitest'
import { decodeArray, encodeArray } from '../../../src/display/codec'
import type { EmbeddingPayload, SaliencyPayload, TabularFeaturesPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { zeroNonFinite } from '../../../extension/src/views/finite'
import { embeddingPayload, neuronsPayload, saliencyPayload, tabularPayload } from './fixtures'

/** `[[[...'x'...]]]`, `depth` arrays deep. */
function nested(depth: number): unknown {
  let value: unknown = 'x'
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

/** The payload's coordinates with these points' x set to these values. */
function withCoordinates(payload: EmbeddingPayload, points: number[], value: number): EmbeddingPayload {
  const flat = decodeArray(payload.coordinates)
  for (const p of points) flat[p * payload.dimensions] = value
  return { ...payload, coordinates: encodeArray(flat, payload.coordinates.shape, 'float32') }
}

describe('validatePayload: depth and picture sizes', () => {
  it('refuses a payload nested thousands deep with one error, before any recursive check', () => {
    for (const depth of [1000, 5000, 200_000]) {
      const payload = { ...saliencyPayload({ count: 1 }), classNames: nested(depth) }
      const result = validatePayload('saliency', payload)
      expect(result.ok).toBe(false)
      if (!result.ok)
        expect(result.errors).toEqual([
          expect.stringMatching(
            /^saliency: expected a payload nested at most 64 levels deep, got one nested deeper at classNames\[0\]/,
          ),
        ])
    }
  })

  it('refuses a declared 60000x60000 PNG, naming where it is and the limit', () => {
    const payload = saliencyPayload({ count: 2, size: 224 })
    // Its maps would be refused first for not matching the declared size.
    payload.maps = payload.maps.filter((map) => map.input !== 1)
    payload.inputs[1]!.image = {
      ...payload.inputs[1]!.image,
      width: 60000,
      height: 60000,
    } as SaliencyPayload['inputs'][number]['image']
    const result = validatePayload('saliency', payload)
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(
          /^saliency\.inputs\[1\]\.image: expected a picture at most 8192x8192 pixels .* got 60000x60000\. Send a smaller picture/,
        ),
      ],
    })
    const neurons = neuronsPayload({ units: 2 })
    neurons.units[1]!.visualization = { encoding: 'png', width: 9000, height: 10, data: '' }
    const refused = validatePayload('neurons', neurons)
    expect(refused.ok || refused.errors).toEqual([
      expect.stringMatching(/^neurons\.units\[1\]\.visualization: .* got 9000x10/),
    ])
  })

  it('gives a valid payload no notices', () => {
    expect(validatePayload('embedding', embeddingPayload())).toMatchObject({ ok: true, notices: [] })
  })
})

describe('validatePayload: values that are not finite', () => {
  it('draws an embedding without its non-finite points and says how many', () => {
    const payload = withCoordinates(withCoordinates(embeddingPayload(), [3, 7], NaN), [9], -Infinity)
    expect(validatePayload('embedding', payload)).toMatchObject({
      ok: true,
      notices: [
        '3 points of 500 have coordinates that are not finite (NaN or ±Infinity); they are not drawn (first: point 3).',
      ],
    })
  })

  it('refuses an embedding whose every point is non-finite', () => {
    const payload = embeddingPayload({ count: 20 })
    const all = withCoordinates(
      payload,
      Array.from({ length: 20 }, (_, i) => i),
      NaN,
    )
    const result = validatePayload('embedding', all)
    expect(result.ok || result.errors).toEqual([
      expect.stringMatching(/^embedding\.coordinates: .*20 points whose coordinates are all not finite/),
    ])
  })

  it('notes non-finite values of a number column', () => {
    const payload = embeddingPayload({ count: 10 })
    payload.columns[2]!.values = encodeArray([NaN, 1, 2, 3, 4, 5, 6, 7, 8, Infinity], [10], 'float16')
    expect(validatePayload('embedding', payload)).toMatchObject({
      ok: true,
      notices: [expect.stringMatching(/^2 values of column "confidence" are not finite .* drawn dark grey/)],
    })
  })

  it('draws saliency maps with non-finite values as 0 and says how many', () => {
    const payload = saliencyPayload({ count: 2, targets: 1 })
    const values = new Float32Array(28 * 28).fill(0.5)
    values[10] = NaN
    values[20] = Infinity
    payload.maps[1]!.values = encodeArray(values, [28, 28], 'float32')
    expect(validatePayload('saliency', payload)).toMatchObject({
      ok: true,
      notices: [
        '2 values of 1,568 in 1 map are not finite (NaN or ±Infinity) and are drawn as 0 (no attribution) (first: maps[1] at 10).',
      ],
    })
  })

  it('the saliency view draws those values as 0, as the notice says', () => {
    expect([...zeroNonFinite(new Float32Array([1, NaN, Infinity, -Infinity, -2]))]).toEqual([1, 0, 0, 0, -2])
  })

  it('refuses tabular attributions with a NaN, naming the example and feature', () => {
    const payload = tabularPayload({ examples: 3 }) as TabularFeaturesPayload
    const f = payload.featureNames.length
    const matrix = decodeArray(payload.attributions)
    matrix[f + 2] = NaN
    matrix[f + 3] = Infinity
    payload.attributions = encodeArray(matrix, [3, f], 'float32')
    const result = validatePayload('features', payload)
    expect(result.ok || result.errors).toEqual([
      `features.attributions: expected finite numbers, got 2 values not finite (NaN or ±Infinity), first at example 1, feature ${JSON.stringify(payload.featureNames[2])}. Bars and a waterfall cannot add up without them: find the NaN in the model output or inputs, then recompute`,
    ])
  })

  it('notes activation maps with non-finite values and refuses tuning curves with nulls', () => {
    const payload = neuronsPayload({ units: 2 })
    payload.units[0]!.topExamples![1]!.map = encodeArray([1, NaN, 2, 3], [2, 2], 'float32')
    expect(validatePayload('neurons', payload)).toMatchObject({
      ok: true,
      notices: [expect.stringMatching(/^1 value of 4 in 1 activation map is not finite/)],
    })
    payload.units[1]!.tuningCurves = [
      {
        sweep: 'orientation',
        values: [0, 45],
        responses: [1, null as unknown as number],
        preferred: 0,
        selectivity: 0.5,
        selectivityIndex: 'osi',
      },
    ]
    const result = validatePayload('neurons', payload)
    expect(result.ok || result.errors).toEqual([
      expect.stringMatching(/^neurons\.units\[1\]\.tuningCurves\[0\]: expected finite numbers/),
    ])
  })

  it('checks a million points in linear time (seconds, not minutes, on a loaded machine)', () => {
    const n = 1_000_000
    const xy = new Float32Array(n * 2)
    for (let i = 0; i < xy.length; i++) xy[i] = i % 977
    const payload = {
      ...embeddingPayload({ count: 10, thumbnails: 0 }),
      coordinates: encodeArray(xy, [n, 2], 'float32'),
      columns: [],
    }
    const started = performance.now()
    expect(validatePayload('embedding', payload)).toMatchObject({ ok: true, notices: [] })
    // 4.7 million took 0.42 s alone (load 10); a million must not take more than a few seconds under load.
    expect(performance.now() - started).toBeLessThan(5000)
  })
})
