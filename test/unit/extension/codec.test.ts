import { describe, expect, it } from 'vitest'
import {
  base64ToBytes,
  bytesToBase64,
  decodeArray,
  encodeArray,
  encodeRawImage,
  fromFloat16Bits,
  toFloat16Bits,
} from '../../../src/display/codec'

describe('codec', () => {
  it('base64 round-trips every length and matches Node', () => {
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255)
      const text = bytesToBase64(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64'))
      expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes))
    }
    expect(() => base64ToBytes('ab*d')).toThrow(/unexpected character/)
  })

  it('float16 keeps 3 significant digits and the special values', () => {
    for (const v of [0, 1, -2.5, 0.1, 65504, 1e-5, -3.14159]) {
      expect(fromFloat16Bits(toFloat16Bits(v))).toBeCloseTo(v, Math.abs(v) < 1 ? 3 : 1)
    }
    expect(fromFloat16Bits(toFloat16Bits(1e6))).toBe(Infinity)
    expect(fromFloat16Bits(toFloat16Bits(NaN))).toBeNaN()
  })

  it('quantises uint8 within half a step of the range', () => {
    const values = Float32Array.from({ length: 784 }, (_, i) => Math.sin(i) * 0.3)
    const encoded = encodeArray(values, [28, 28], 'uint8')
    expect(encoded.range![0]).toBeCloseTo(-0.3, 2)
    const decoded = decodeArray(encoded)
    const step = (encoded.range![1] - encoded.range![0]) / 255
    for (let i = 0; i < values.length; i++)
      expect(Math.abs(decoded[i]! - values[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6)
  })

  it('round-trips exact dtypes and refuses a wrong shape', () => {
    const ints = [0, -1, 7, 123456]
    expect(Array.from(decodeArray(encodeArray(ints, [4], 'int32')))).toEqual(ints)
    expect(Array.from(decodeArray(encodeArray([1, 65535], [2], 'uint16')))).toEqual([1, 65535])
    expect(Array.from(decodeArray(encodeArray([0.5, -2], [2], 'float32')))).toEqual([0.5, -2])
    expect(() => encodeArray([1, 2, 3], [2, 2], 'float32')).toThrow(/holds 4 values, got 3/)
    expect(() => decodeArray({ dtype: 'float32', shape: [3], data: 'AAAA' })).toThrow(/needs 12 bytes/)
    expect(() => encodeRawImage(new Uint8Array(3), 2, 2, 1)).toThrow(/needs 4 bytes/)
  })
})
