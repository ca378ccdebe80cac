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

  it('keeps payloads compact: 8 MNIST explanations < 100 KB, 8 at 224x224 < 2 MB', () => {
    const mnist = JSON.stringify(saliencyPayload({ count: 8, size: 28, targets: 3 })).length
    const large = JSON.stringify(saliencyPayload({ count: 8, size: 224, targets: 1 })).length
    expect(mnist).toBeLessThan(100_000)
    expect(large).toBeLessThan(2_000_000)
  })
})
