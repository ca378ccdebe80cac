import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nmf } from '../../../src/structure/nmf'

const REF = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'structure', 'nmf.json'), 'utf8'),
) as {
  inputs: Record<string, number[][]>
  results: Record<string, { error: number }>
}

describe('gw.similarity.nmf against scikit-learn NMF (solver mu, NNDSVD starts): the reconstruction error', () => {
  for (const [key, { error }] of Object.entries(REF.results)) {
    it(key, () => {
      const [name, init, k] = key.split('-') as [string, 'nndsvd' | 'nndsvda', string]
      const r = nmf(REF.inputs[name]!, { components: Number(k), init, iterations: 150 })
      expect(Math.abs(r.error - error) / error).toBeLessThan(1e-6)
      expect(r.w.every((v) => v >= 0) && r.h.every((v) => v >= 0)).toBe(true)
    })
  }
  it('signed data: refused by default, shifted when asked; bad components named', () => {
    const signed = [
      [1, -2, 3],
      [0, 1, -1],
      [2, 2, 0],
      [1, 0, 1],
    ]
    expect(() => nmf(signed, { components: 2 })).toThrow(
      /gw.similarity.nmf: x expected non-negative values .* got a minimum of -2.000. .*signed: 'shift'/,
    )
    const shifted = nmf(signed, { components: 2, signed: 'shift' })
    expect(shifted.shift).toBe(-2)
    expect(() => nmf(signed, { components: 9, signed: 'shift' })).toThrow(
      /options.components expected a whole number from 1 to 3/,
    )
    expect(() =>
      nmf([
        [NaN, 1],
        [1, 1],
      ]),
    ).toThrow(/x expected finite numbers/)
  })
})
