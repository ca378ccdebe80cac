import { describe, expect, it, vi } from 'vitest'
import {
  base64ToBytes,
  bytesToBase64,
  decodeArray,
  encodeArray,
  encodeRawImage,
  fromFloat16Bits,
  indicesToMask,
  maskToIndices,
  nonFinite,
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

describe('codec at scale and on bad input', () => {
  it('encodes without Node (btoa) exactly as with it, and skips white space when decoding', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 131 + 7) & 255)
    const withNode = bytesToBase64(bytes)
    vi.stubGlobal('Buffer', undefined)
    try {
      expect(bytesToBase64(bytes)).toBe(withNode)
    } finally {
      vi.unstubAllGlobals()
    }
    expect(base64ToBytes(`${withNode.slice(0, 8)}\n ${withNode.slice(8)}`)).toEqual(bytes)
    expect(() => base64ToBytes('AQ*D')).toThrow(/unexpected character at 2/)
  })

  it('counts non-finite floats and where the first is', () => {
    const values = [1, NaN, 2, Infinity, -Infinity, 3]
    expect(nonFinite(encodeArray(values, [6], 'float32'))).toEqual({ count: 3, first: 1 })
    expect(nonFinite(encodeArray(values, [6], 'float16'))).toEqual({ count: 3, first: 1 })
    expect(nonFinite(encodeArray([1, 2], [2], 'float32'))).toEqual({ count: 0, first: -1 })
    // 70000 overflows float16: it is sent as Infinity, and counted.
    expect(nonFinite(encodeArray([70000], [1], 'float16')).count).toBe(1)
    expect(nonFinite(encodeArray([1, 2], [2], 'int32')).count).toBe(0)
  })

  it('round-trips 4.7 million 2-D points', () => {
    // Timed in bench/extension/huge.bench.ts ('make and encode the payload in Node'); measured alone:
    // encode 75 ms and decode 305 ms at load 3.4, where the old character-by-character codec took
    // 1.4 s and 1.5 s. No time bound here: the unit stage runs beside other suites on 2 cores.
    const n = 4_700_000
    const xy = new Float32Array(n * 2)
    for (let i = 0; i < xy.length; i++) xy[i] = (i % 1000) - 0.5
    const decoded = decodeArray(encodeArray(xy, [n, 2], 'float32'))
    expect(decoded).toHaveLength(n * 2)
    expect(decoded.every((v, i) => v === xy[i])).toBe(true)
  })
})

describe('selection bitmasks', () => {
  it('round-trips indices through a bitmask of n points, small for millions', () => {
    expect(indicesToMask([0, 9], 10)).toBe('AQI=')
    expect(maskToIndices('AQI=')).toEqual([0, 9])
    const n = 4_700_000
    const indices = Array.from({ length: 1_500_000 }, (_, k) => k * 3 + (k % 2))
    const mask = indicesToMask(indices, n)
    expect(mask.length).toBeLessThan(800_000)
    expect(maskToIndices(mask)).toEqual(indices)
    // Out of range indices are left out.
    expect(maskToIndices(indicesToMask([-1, 3, 10], 8))).toEqual([3])
  })
})
