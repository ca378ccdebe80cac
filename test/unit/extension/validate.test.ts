import { describe, expect, it } from 'vitest'
import { validatePayload } from '../../../src/display/validate'
import { embeddingPayload, neuronsPayload, saliencyPayload, tabularPayload, textPayload } from './fixtures'

describe('validatePayload', () => {
  it('accepts every sample payload', () => {
    expect(validatePayload('saliency', saliencyPayload()).ok).toBe(true)
    expect(
      validatePayload('saliency', saliencyPayload({ size: 224, methods: ['saliency', 'grad-cam'] })).ok,
    ).toBe(true)
    expect(validatePayload('embedding', embeddingPayload({ dimensions: 3 })).ok).toBe(true)
    expect(validatePayload('neurons', neuronsPayload()).ok).toBe(true)
    const noted = neuronsPayload()
    noted.units[0]!.note = 42 as unknown as string
    expect(validatePayload('neurons', noted).ok).toBe(false)
    expect(validatePayload('features', tabularPayload()).ok).toBe(true)
    expect(validatePayload('features', textPayload()).ok).toBe(true)
  })

  it('names the path and what was expected', () => {
    const bad = saliencyPayload({ count: 2 }) as unknown as Record<string, unknown>
    bad.signed = 'yes'
    delete bad.methods
    const result = validatePayload('saliency', bad)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors).toContain('saliency.signed: expected true or false, got "yes"')
      expect(result.errors).toContain('saliency.methods: missing')
    }
    expect(validatePayload('neurons', null)).toEqual({
      ok: false,
      errors: ['neurons: expected an object, got null'],
    })
  })

  it('checks array sizes against shapes and indices against lists', () => {
    const s = saliencyPayload({ count: 2 })
    s.maps[0]!.values.shape = [27, 28]
    expect(validatePayload('saliency', s)).toEqual({
      ok: false,
      errors: ['saliency.maps[0].values.data: expected 756 bytes for shape [27, 28] of uint8, got 784 bytes'],
    })
    const t = saliencyPayload({ count: 2 })
    t.maps[1]!.input = 5
    expect(validatePayload('saliency', t)).toEqual({
      ok: false,
      errors: ['saliency.maps[1].input: expected < 2 inputs, got 5'],
    })
    const e = embeddingPayload({ count: 10 })
    e.columns[0]!.values = e.columns[2]!.values
    e.dimensions = 3
    const r2 = validatePayload('embedding', e)
    expect(r2.ok).toBe(false)
    if (!r2.ok) expect(r2.errors.join('\n')).toMatch(/coordinates\.shape: expected \[n, 3\], got \[10, 2\]/)
  })

  it('checks the optional valueLabels and importance of tabular features', () => {
    const labelled = tabularPayload({ examples: 4, labels: true })
    expect(validatePayload('features', labelled).ok).toBe(true)
    expect(validatePayload('features', { ...labelled, valueLabels: null, importance: null }).ok).toBe(true)
    const { valueLabels, importance, ...bare } = labelled as Extract<typeof labelled, { modality: 'tabular' }>
    expect(validatePayload('features', bare).ok).toBe(true)
    const rows = valueLabels!
    expect(validatePayload('features', { ...labelled, valueLabels: rows.slice(1) })).toEqual({
      ok: false,
      errors: ['features.valueLabels: expected 4 rows (one per example), got an array of 3'],
    })
    const short = rows.map((row, i) => (i === 2 ? row.slice(0, 4) : row))
    expect(validatePayload('features', { ...labelled, valueLabels: short })).toEqual({
      ok: false,
      errors: ['features.valueLabels[2]: expected 5 labels (one per feature), got an array of 4'],
    })
    const typed = rows.map((row, i) => (i === 1 ? [...row.slice(0, 4), 35] : row))
    expect(validatePayload('features', { ...labelled, valueLabels: typed })).toEqual({
      ok: false,
      errors: ['features.valueLabels[1][4]: expected a string, got 35'],
    })
    expect(validatePayload('features', { ...labelled, valueLabels: 'age = 35' })).toEqual({
      ok: false,
      errors: ['features.valueLabels: expected an array, got "age = 35"'],
    })
    expect(validatePayload('features', { ...labelled, importance: importance!.slice(0, 3) })).toEqual({
      ok: false,
      errors: ['features.importance: expected 5 values (one per feature), got an array of 3'],
    })
    const result = validatePayload('features', { ...labelled, importance: [0.1, -0.2, 'x', NaN, 0] })
    expect(result).toEqual({
      ok: false,
      errors: [
        'features.importance[1]: expected a number >= 0, got -0.2',
        'features.importance[2]: expected a number >= 0, got "x"',
        'features.importance[3]: expected a number >= 0, got NaN',
      ],
    })
  })

  it("checks a tabular comparison's methods and [methods, n, f] attributions, and accepts none", () => {
    const methods = ['saliency', 'integrated-gradients', 'kernel-shap']
    const compared = tabularPayload({ examples: 4, labels: true, methods })
    expect(validatePayload('features', compared).ok).toBe(true)
    expect(validatePayload('features', { ...compared, comparison: null }).ok).toBe(true)
    const { comparison } = compared as Extract<typeof compared, { modality: 'tabular' }>
    expect(
      validatePayload('features', { ...compared, comparison: { ...comparison, methods: methods.slice(1) } }),
    ).toEqual({
      ok: false,
      errors: ['features.comparison.attributions.shape: expected [2, 4, 5], got [3, 4, 5]'],
    })
    expect(
      validatePayload('features', { ...compared, comparison: { ...comparison, methods: [] } }),
    ).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([
        'features.comparison.methods: expected at least one method name, got an array of 0',
      ]),
    })
    expect(validatePayload('features', { ...compared, comparison: { methods: [1] } })).toEqual({
      ok: false,
      errors: [
        'features.comparison.methods[0]: expected a string, got 1',
        'features.comparison.attributions: missing',
      ],
    })
  })

  it("checks a text comparison's per-method token values", () => {
    const compared = textPayload(false, ['saliency', 'integrated-gradients'])
    expect(validatePayload('features', compared).ok).toBe(true)
    const text = compared as Extract<typeof compared, { modality: 'text' }>
    const [example] = text.examples
    const missing = { ...text, examples: [{ ...example!, byMethod: null }] }
    expect(validatePayload('features', missing)).toEqual({
      ok: false,
      errors: ['features.examples[0].byMethod: expected 2 lists (one per method), got null'],
    })
    const short = { ...text, examples: [{ ...example!, byMethod: [[1, 2], example!.attributions] }] }
    expect(validatePayload('features', short)).toEqual({
      ok: false,
      errors: ['features.examples[0].byMethod[0]: expected 7 values (one per token), got an array of 2'],
    })
  })

  it('keeps payloads compact: 8 MNIST explanations < 100 KB, 8 at 224x224 < 2 MB', () => {
    const mnist = JSON.stringify(saliencyPayload({ count: 8, size: 28, targets: 3 })).length
    const large = JSON.stringify(saliencyPayload({ count: 8, size: 224, targets: 1 })).length
    expect(mnist).toBeLessThan(100_000)
    expect(large).toBeLessThan(2_000_000)
  })
})
