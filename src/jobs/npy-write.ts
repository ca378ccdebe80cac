/** Writes NumPy .npy (version 1.0) bytes, the format of a job's part files (readable by np.load). */

/**
 * A float32 or int32 array as .npy bytes, little-endian, C order.
 *
 * @example
 * writeFileSync('part-00000.npy', encodeNpy(new Float32Array([1, 2]), [2]))
 */
export function encodeNpy(values: Float32Array | Int32Array, shape: readonly number[]): Buffer {
  const descr = values instanceof Float32Array ? '<f4' : '<i4'
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`
  // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
  const unpadded = 10 + header.length + 1
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n'
  const head = Buffer.alloc(10)
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  head.writeUInt16LE(header.length, 8)
  const body = Buffer.from(values.buffer, values.byteOffset, values.byteLength)
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body])
}
