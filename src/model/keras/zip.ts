/**
 * The entries of a ZIP archive (a Keras 3 `.keras` file is one), read with Node's zlib: only what
 * Keras writes is needed (stored or deflated entries, no encryption, no ZIP64 beyond 4 GiB).
 */
import { inflateRawSync } from 'node:zlib'

/** Why an archive could not be read, in words for an error's `received`. */
export class ZipError extends Error {
  override readonly name = 'ZipError'
}

const END_OF_DIRECTORY = 0x06054b50
const DIRECTORY_ENTRY = 0x02014b50
const LOCAL_HEADER = 0x04034b50

/**
 * Every file of a ZIP archive, by name.
 *
 * @example
 * const files = readZip(readFileSync('model.keras'))
 * JSON.parse(files.get('config.json')!.toString('utf8'))
 */
export function readZip(archive: Buffer): Map<string, Buffer> {
  const end = findEndOfDirectory(archive)
  const count = archive.readUInt16LE(end + 10)
  const size = archive.readUInt32LE(end + 12)
  let offset = archive.readUInt32LE(end + 16)
  if (offset + size > end) throw new ZipError(`its directory points past its end (${archive.length} bytes)`)
  const files = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(offset) !== DIRECTORY_ENTRY)
      throw new ZipError(`directory entry ${i} is damaged`)
    const method = archive.readUInt16LE(offset + 10)
    const compressed = archive.readUInt32LE(offset + 20)
    const nameLength = archive.readUInt16LE(offset + 28)
    const extraLength = archive.readUInt16LE(offset + 30)
    const commentLength = archive.readUInt16LE(offset + 32)
    const local = archive.readUInt32LE(offset + 42)
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength)
    offset += 46 + nameLength + extraLength + commentLength
    if (local + 30 > archive.length || archive.readUInt32LE(local) !== LOCAL_HEADER) {
      throw new ZipError(`the entry '${name}' is damaged`)
    }
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28)
    if (start + compressed > archive.length) throw new ZipError(`the entry '${name}' is cut short`)
    const data = archive.subarray(start, start + compressed)
    if (method === 0) files.set(name, data)
    else if (method === 8) files.set(name, inflateRawSync(data))
    else
      throw new ZipError(
        `the entry '${name}' uses compression method ${method} (only stored and deflate are read)`,
      )
  }
  return files
}

function findEndOfDirectory(archive: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - 22 - 0xffff); at--) {
    if (archive.readUInt32LE(at) === END_OF_DIRECTORY) return at
  }
  throw new ZipError(
    archive.length >= 4 && archive.readUInt32LE(0) === LOCAL_HEADER
      ? `a ZIP archive cut short (${archive.length} bytes, no end-of-directory record)`
      : `no ZIP archive (${archive.length} bytes, no end-of-directory record)`,
  )
}
