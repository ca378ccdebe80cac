/**
 * NumPy's .npy format (versions 1-3): what a Python user hands over with `np.save`. Handles the
 * byte order, the dtypes tfjs can hold, and Fortran order.
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { GlasswingError } from '../errors'

/** A decoded .npy array in C (row-major) order, before it becomes a tensor. */
export interface NpyArray {
  /** The file's dtype string, for example '<f8'. */
  descr: string
  shape: number[]
  fortranOrder: boolean
  /** The values in C order: float32 for floats, int32 for integers, uint8 (0/1) for booleans. */
  data: Float32Array | Int32Array | Uint8Array
  dtype: 'float32' | 'int32' | 'bool'
}

const WHERE = 'gw.read.npy'
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY

/**
 * Reads a .npy file as a tensor: floats become float32, integers int32 (checked to fit), booleans bool.
 * The caller owns the tensor.
 *
 * @example
 * const x = await gw.read.npy('activations.npy')   // saved by np.save in Python
 */
export async function npy(path: string): Promise<tf.Tensor> {
  await ensureBackend()
  try {
    const array = decodeNpy(readFileSync(path), path)
    return tf.tensor(array.data, array.shape, array.dtype)
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

/** Decodes the bytes of a .npy file. */
export function decodeNpy(bytes: Uint8Array, source = 'the bytes'): NpyArray {
  const fail = (expected: string, received: string) =>
    new GlasswingError({
      where: WHERE,
      argument: source,
      expected,
      received,
      hint: 'Save it with np.save(path, array).',
    })
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw fail('a .npy file', 'no \\x93NUMPY magic')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const major = bytes[6]!
  if (major < 1 || major > 3) throw fail('.npy version 1, 2 or 3', `version ${major}`)
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  )
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw fail('a header with descr, fortran_order and shape', `'${header.trim()}'`)
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  const count = shape.reduce((a, b) => a * b, 1)
  const kind = readerFor(descr)
  if (!kind)
    throw fail(
      "a dtype of float (f2 excluded), int, uint or bool: '<f4', '<f8', '<i8', '|u1', '|b1', ...",
      `'${descr}'`,
    )
  const offset = headerStart + headerLength
  if (bytes.length < offset + count * kind.size)
    throw fail(`${count * kind.size} bytes of data for shape [${shape}]`, `${bytes.length - offset}`)
  const littleEndian = !descr.startsWith('>')
  const values =
    kind.dtype === 'float32'
      ? new Float32Array(count)
      : kind.dtype === 'int32'
        ? new Int32Array(count)
        : new Uint8Array(count)
  for (let i = 0; i < count; i++) {
    const value = kind.read(view, offset + i * kind.size, littleEndian)
    if (kind.dtype === 'int32' && (value > 2147483647 || value < -2147483648)) {
      throw fail('integers that fit in int32 (tfjs has no int64)', `${value} at flat index ${i}`)
    }
    values[i] = value
  }
  const fortranOrder = fortran === 'True'
  return {
    descr,
    shape,
    fortranOrder,
    data: fortranOrder ? toCOrder(values, shape) : values,
    dtype: kind.dtype,
  }
}

interface Reader {
  size: number
  dtype: 'float32' | 'int32' | 'bool'
  read: (view: DataView, at: number, little: boolean) => number
}

function readerFor(descr: string): Reader | undefined {
  const code = descr.replace(/^[<>|=]/, '')
  const readers: Record<string, Reader> = {
    f4: { size: 4, dtype: 'float32', read: (v, at, le) => v.getFloat32(at, le) },
    f8: { size: 8, dtype: 'float32', read: (v, at, le) => v.getFloat64(at, le) },
    i1: { size: 1, dtype: 'int32', read: (v, at) => v.getInt8(at) },
    u1: { size: 1, dtype: 'int32', read: (v, at) => v.getUint8(at) },
    i2: { size: 2, dtype: 'int32', read: (v, at, le) => v.getInt16(at, le) },
    u2: { size: 2, dtype: 'int32', read: (v, at, le) => v.getUint16(at, le) },
    i4: { size: 4, dtype: 'int32', read: (v, at, le) => v.getInt32(at, le) },
    u4: { size: 4, dtype: 'int32', read: (v, at, le) => v.getUint32(at, le) },
    i8: { size: 8, dtype: 'int32', read: (v, at, le) => Number(v.getBigInt64(at, le)) },
    u8: { size: 8, dtype: 'int32', read: (v, at, le) => Number(v.getBigUint64(at, le)) },
    b1: { size: 1, dtype: 'bool', read: (v, at) => (v.getUint8(at) ? 1 : 0) },
  }
  return readers[code]
}

/** Reorders Fortran-order (first index fastest) values to C order (last index fastest). */
function toCOrder<T extends Float32Array | Int32Array | Uint8Array>(values: T, shape: number[]): T {
  const out = new (values.constructor as new (n: number) => T)(values.length)
  const rank = shape.length
  const index = new Array<number>(rank).fill(0)
  for (let c = 0; c < values.length; c++) {
    let f = 0
    for (let d = rank - 1; d >= 0; d--) f = f * shape[d]! + index[d]!
    out[c] = values[f]!
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break
      index[d] = 0
    }
  }
  return out
}
