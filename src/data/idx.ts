/**
 * The IDX format of MNIST and Fashion-MNIST: a magic number (0x0000 0x08 = uint8, then the rank),
 * one big-endian uint32 per dimension, then the values row-major.
 */
import { GlasswingError } from '../errors'

/** An IDX file's uint8 values and shape. */
export interface IdxArray {
  shape: number[]
  values: Uint8Array
}

/** Parses an IDX file of uint8 values (the only kind MNIST-style data sets use). */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fail = (received: string) =>
    new GlasswingError({
      where: 'gw.datasets',
      argument: source,
      expected: 'an IDX file of uint8 values',
      received,
      hint: 'Reinstall the package that ships it; the file looks damaged.',
    })
  if (bytes.byteLength < 4 || view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw fail('a file with another header')
  }
  const rank = view.getUint8(3)
  const shape: number[] = []
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d))
  const offset = 4 + 4 * rank
  const size = shape.reduce((a, b) => a * b, 1)
  if (bytes.byteLength !== offset + size) {
    throw fail(`${bytes.byteLength} bytes for shape [${shape.join(', ')}]`)
  }
  return { shape, values: bytes.subarray(offset, offset + size) }
}
