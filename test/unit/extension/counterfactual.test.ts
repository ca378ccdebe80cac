import { describe, expect, it } from 'vitest'
import { decodeArray, encodeArray } from '../../../src/display/codec'
import { validatePayload } from '../../../src/display/validate'
import {
  cellText,
  changedOf,
  changedPixels,
  counterfactualModel,
  headline,
  metrics,
  pixelText,
  predictionText,
  shownFeatures,
  tableCSV,
  triptych,
} from '../../../extension/src/views/counterfactual/model'
import { counterfactualPayloadSample } from './fixtures'

describe('counterfactual view model', () => {
  const payload = counterfactualPayloadSample()
  const model = counterfactualModel(payload)

  it('the sample payload is valid, tabular and image', () => {
    expect(validatePayload('counterfactual', payload).ok).toBe(true)
    expect(validatePayload('counterfactual', counterfactualPayloadSample({ modality: 'image' })).ok).toBe(
      true,
    )
    expect(validatePayload('counterfactual', counterfactualPayloadSample({ found: 0 })).ok).toBe(true)
  })

  it('refuses a non-finite value (naming the counterfactual and feature), counts that differ, no reason', () => {
    const errors = (p: unknown) => {
      const result = validatePayload('counterfactual', p)
      return result.ok ? [] : result.errors
    }
    const values = decodeArray(payload.counterfactuals)
    values[8 + 3] = Infinity
    expect(errors({ ...payload, counterfactuals: encodeArray(values, [3, 8], 'float32') })[0]).toMatch(
      /^counterfactual\.counterfactuals: expected finite numbers, got 1 value .* in counterfactual 2 at feature "installment_commitment"/,
    )
    expect(errors({ ...payload, probabilities: [0.5] })[0]).toMatch(/probabilities: expected 3 probabilities/)
    expect(errors({ ...payload, probabilities: [0.5, 2, 0.6] })[0]).toMatch(
      /probabilities\[1\]: expected a probability in \[0, 1\], got 2/,
    )
    expect(errors({ ...payload, featureNames: ['a'] })[0]).toMatch(/original\.shape: expected \[1\]/)
    expect(errors({ ...counterfactualPayloadSample({ found: 0 }), reason: null })[0]).toMatch(
      /reason: expected why none was found/,
    )
    const image = counterfactualPayloadSample({ modality: 'image' })
    expect(
      errors({ ...image, original: encodeArray(new Float32Array(24), [2, 3, 4], 'float32') })[0],
    ).toMatch(/original\.shape: expected \[height, width, 1 or 3 channels\], got \[2, 3, 4\]/)
  })

  it('finds the changed features of each counterfactual, and shows only those when asked', () => {
    expect(changedOf(model, 0)).toEqual([1, 3])
    expect(changedOf(model, 1)).toEqual([1, 4, 6])
    expect(changedOf(model, 2)).toEqual([1, 5])
    expect(shownFeatures(model, true)).toEqual([1, 3, 4, 5, 6])
    expect(shownFeatures(model, false)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    // None changed: the whole table rather than an empty one.
    expect(shownFeatures(counterfactualModel(counterfactualPayloadSample({ found: 0 })), true)).toHaveLength(
      8,
    )
  })

  it('says a hovered cell as original -> new, and marks immutable features', () => {
    const before = model.original[1]!
    expect(cellText(model, 0, 1)).toBe(
      `credit_amount: ${+before.toPrecision(3)} → ${+(before + 1).toPrecision(3)} (+1) in counterfactual 1`,
    )
    expect(cellText(model, 0, 2)).toMatch(/^age: .*, unchanged in counterfactual 1 \(immutable\)$/)
    expect(cellText(model, -1, 2)).toMatch(/in the original \(immutable\)$/)
  })

  it('gives the prediction before and after, the headline and the metrics', () => {
    expect(predictionText(model, -1)).toBe('0.310')
    expect(predictionText(model, 1)).toBe('0.550 (+0.240)')
    expect(headline(model)).toBe('3 of 3 counterfactuals reach p(good) ≥ 0.5 (from 0.310)')
    expect(metrics(model).map(([name]) => name)).toEqual([
      'validity',
      'proximity',
      'sparsity',
      'diversity',
      'time',
    ])
    expect(metrics(model)[2]![1]).toBe('2.3 features')
    const none = counterfactualModel(counterfactualPayloadSample({ found: 0 }))
    expect(headline(none)).toMatch(/^No counterfactual reaches p\(good\)/)
    expect(metrics(none)[1]![1]).toBe('n/a')
  })

  it('writes the table as CSV, one line per feature and the probabilities last', () => {
    const lines = tableCSV(model).trim().split('\n')
    expect(lines[0]).toBe('feature,original,counterfactual 1,counterfactual 2,counterfactual 3')
    expect(lines).toHaveLength(1 + 8 + 1)
    expect(lines.at(-1)).toBe('"p(good)",0.31,0.5,0.55,0.6')
  })

  it('draws an image counterfactual as three pictures; every changed pixel is tinted and counted', () => {
    const image = counterfactualModel(counterfactualPayloadSample({ modality: 'image', found: 2 }))
    expect(changedPixels(image, 0)).toBe(4)
    const pictures = triptych(image, 0)
    expect(pictures.changed).toBe(4)
    let tinted = 0
    for (let p = 0; p < 120; p++) if (pictures.difference[p * 4 + 1]! < 255) tinted++
    expect(tinted).toBe(4)
    // The edit brightens: red, and the counterfactual is brighter than the original there.
    expect(Array.from(pictures.difference.slice(13 * 4, 13 * 4 + 3))).toEqual([255, 0, 0])
    expect(pictures.counterfactual[13 * 4]!).toBeGreaterThan(pictures.original[13 * 4]!)
    expect(pixelText(image, 0, 1, 3)).toBe('pixel (row 1, column 3): 0 → 0.5')
    expect(pixelText(image, 0, 0, 0)).toBe('pixel (row 0, column 0): 0, unchanged')
  })
})
