/**
 * Compact arrays for payloads: typed arrays to base64 and back, uint8 quantisation, float16.
 *
 * Dependency-free and free of Node APIs: the library encodes with it, the JupyterLab extension decodes
 * with it in the browser.
 */
import type { EncodedArray, EncodedDType, EncodedImage } from './schema'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Bytes per element of each dtype. */
export const BYTES_PER_ELEMENT: Record<EncodedDType, number> = {
  uint8: 1,
  uint16: 2,
  int32: 4,
  float16: 2,
  float32: 4,
}

/** The value of each character code in base64 (64: padding or white space, skipped; 255: invalid). */
const DECODE = (() => {
  const table = new Uint8Array(256).fill(255)
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i
  for (const c of '= \t\r\n') table[c.charCodeAt(0)] = 64
  return table
})()

/** Node's Buffer where there is one (the kernel); the browser has none. Looked up per call. */
interface NodeBufferClass {
  from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string }
}
const nodeBuffer = (): NodeBufferClass | undefined => (globalThis as { Buffer?: NodeBufferClass }).Buffer

/**
 * Base64 of bytes (standard alphabet, padded). Native where the platform has it (Node's Buffer,
 * the browser's btoa): a 4.7-million-point embedding is 38 MB of coordinates.
 *
 * @example
 * bytesToBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const NodeBuffer = nodeBuffer()
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  if (typeof btoa === 'function') {
    // btoa takes a 'binary string'; made in chunks whose length is a multiple of 3, so that the
    // pieces' base64 joins without padding in between.
    const parts: string[] = []
    for (let i = 0; i < bytes.length; i += 3 * 8192)
      parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + 3 * 8192))))
    return parts.join('')
  }
  return bytesToBase64Slowly(bytes)
}

function bytesToBase64Slowly(bytes: Uint8Array): string {
  const parts: string[] = []
  const chunk: string[] = []
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0
    chunk.push(
      ALPHABET[a >> 2]! +
        ALPHABET[((a & 3) << 4) | (b >> 4)]! +
        (i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=') +
        (i + 2 < bytes.length ? ALPHABET[c & 63]! : '='),
    )
    if (chunk.length === 4096) parts.push(chunk.splice(0).join(''))
  }
  parts.push(chunk.join(''))
  return parts.join('')
}

/** Bytes of a base64 string (padding and white space skipped); throws a RangeError on other characters. */
export function base64ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let o = 0
  let buffer = 0
  let bits = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const v = code < 256 ? DECODE[code]! : 255
    if (v === 64) continue
    if (v === 255) throw new RangeError(`base64: unexpected character at ${i}`)
    buffer = ((buffer << 6) | v) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (buffer >> bits) & 255
    }
  }
  return out.subarray(0, o)
}

/**
 * How many values of an array are not finite (NaN, +Infinity or -Infinity), and the position of the
 * first. With `group`, counts groups of that many consecutive values holding at least one (the points
 * of an [n, d] array with `group` d). Integer and quantised arrays have none; floats are checked by
 * their bits.
 *
 * @example
 * nonFinite(encodeArray([1, NaN, Infinity], [3], 'float32'))            // { count: 2, first: 1 }
 * nonFinite(encodeArray([1, NaN, Infinity, 2], [2, 2], 'float32'), 2)   // { count: 2, first: 0 }
 */
export function nonFinite(array: EncodedArray, group = 1): { count: number; first: number } {
  let count = 0
  let first = -1
  if (array.dtype !== 'float16' && array.dtype !== 'float32') return { count, first }
  const bytes = base64ToBytes(array.data)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const wide = array.dtype === 'float32'
  const n = bytes.length / (wide ? 4 : 2)
  let counted = -1
  for (let i = 0; i < n; i++) {
    // All exponent bits set: an infinity or a NaN.
    const special = wide
      ? (view.getUint32(i * 4, true) & 0x7f800000) === 0x7f800000
      : (view.getUint16(i * 2, true) & 0x7c00) === 0x7c00
    if (!special) continue
    const at = Math.floor(i / group)
    if (at === counted) continue
    counted = at
    if (count++ === 0) first = at
  }
  return { count, first }
}

/**
 * A set of point indices as base64 of a bitmask over `n` points (bit i in byte i >> 3, least
 * significant bit first): 590 KB of base64 for any selection of 4.7 million points, where a JSON
 * list of a million indices passes the Jupyter server's 10 MiB limit on a browser's message.
 *
 * @example
 * indicesToMask([0, 9], 10)   // 'AQI='
 */
export function indicesToMask(indices: ArrayLike<number>, n: number): string {
  const bytes = new Uint8Array(Math.ceil(n / 8))
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!
    if (i >= 0 && i < n) bytes[i >> 3]! |= 1 << (i & 7)
  }
  return bytesToBase64(bytes)
}

/**
 * The indices a bitmask from `indicesToMask` holds, ascending.
 *
 * @example
 * maskToIndices('AQI=')   // [0, 9]
 */
export function maskToIndices(mask: string): number[] {
  const bytes = base64ToBytes(mask)
  const out: number[] = []
  for (let b = 0; b < bytes.length; b++) {
    const byte = bytes[b]!
    if (byte === 0) continue
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out.push(b * 8 + bit)
  }
  return out
}

/** The IEEE 754 half-precision bits of a number (round to nearest even). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value])
  const x = new Uint32Array(f32.buffer)[0]!
  const sign = (x >>> 16) & 0x8000
  const exponent = (x >>> 23) & 0xff
  let mantissa = x & 0x7fffff
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  const e = exponent - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mantissa |= 0x800000
    const shift = 14 - e
    let half = mantissa >> shift
    const rest = mantissa & ((1 << shift) - 1)
    const halfway = 1 << (shift - 1)
    if (rest > halfway || (rest === halfway && half & 1)) half++
    return sign | half
  }
  let half = sign | (e << 10) | (mantissa >> 13)
  const rest = mantissa & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++
  return half
}

/** The number that half-precision bits stand for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const mantissa = bits & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/**
 * Encodes numbers as an `EncodedArray`. `uint8` quantises linearly between the data's min and max
 * (or `range`) unless `quantise` is false (then values must be integers 0..255).
 *
 * @example
 * encodeArray(new Float32Array(784), [28, 28], 'uint8')   // 784 bytes, ~1 KB of base64
 */
export function encodeArray(
  values: ArrayLike<number>,
  shape: number[],
  dtype: EncodedDType,
  options: { quantise?: boolean; range?: [number, number] } = {},
): EncodedArray {
  const n = shape.reduce((a, b) => a * b, 1)
  if (n !== values.length) {
    throw new RangeError(`encodeArray: shape [${shape.join(', ')}] holds ${n} values, got ${values.length}`)
  }
  const bytes = new Uint8Array(n * BYTES_PER_ELEMENT[dtype])
  const view = new DataView(bytes.buffer)
  if (dtype === 'uint8' && options.quantise !== false) {
    const range = options.range ?? finiteRange(values)
    const span = range[1] - range[0] || 1
    for (let i = 0; i < n; i++) {
      const q = Math.round(((values[i]! - range[0]) / span) * 255)
      bytes[i] = q < 0 ? 0 : q > 255 ? 255 : q
    }
    return { dtype, shape: [...shape], data: bytesToBase64(bytes), range }
  }
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (dtype === 'uint8') bytes[i] = v
    else if (dtype === 'uint16') view.setUint16(i * 2, v, true)
    else if (dtype === 'int32') view.setInt32(i * 4, v, true)
    else if (dtype === 'float16') view.setUint16(i * 2, toFloat16Bits(v), true)
    else view.setFloat32(i * 4, v, true)
  }
  return { dtype, shape: [...shape], data: bytesToBase64(bytes) }
}

/** Decodes an `EncodedArray` to real values (quantised `uint8` mapped back through its `range`). */
export function decodeArray(array: EncodedArray): Float32Array {
  const bytes = base64ToBytes(array.data)
  const n = array.shape.reduce((a, b) => a * b, 1)
  if (bytes.length !== n * BYTES_PER_ELEMENT[array.dtype]) {
    throw new RangeError(
      `decodeArray: shape [${array.shape.join(', ')}] of ${array.dtype} needs ` +
        `${n * BYTES_PER_ELEMENT[array.dtype]} bytes, data holds ${bytes.length}`,
    )
  }
  const out = new Float32Array(n)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (array.dtype === 'uint8') {
    const [lo, hi] = array.range ?? [0, 255]
    const step = array.range ? (hi - lo) / 255 : 1
    for (let i = 0; i < n; i++) out[i] = lo + bytes[i]! * step
  } else if (array.dtype === 'uint16') for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true)
  else if (array.dtype === 'int32') for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true)
  else if (array.dtype === 'float16')
    for (let i = 0; i < n; i++) out[i] = fromFloat16Bits(view.getUint16(i * 2, true))
  else for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}

/**
 * A raw image from uint8 pixels (height x width x channels).
 *
 * @example
 * encodeRawImage(pixels, 28, 28, 1)
 */
export function encodeRawImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
): EncodedImage {
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `encodeRawImage: ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${pixels.length}`,
    )
  }
  return { encoding: 'raw', width, height, channels, data: bytesToBase64(pixels) }
}

function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0]
}
