/** PNG encoding for the static fallbacks of every view. */
import { PNG } from 'pngjs'

/**
 * Encodes RGBA pixels (row-major, 4 bytes a pixel) as a base64 PNG, the form `image/png` takes in a
 * MIME bundle.
 *
 * @example
 * const png = encodePng(new Uint8Array(4 * 28 * 28).fill(255), 28, 28)
 */
export function encodePng(rgba: Uint8Array, width: number, height: number): string {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(
      `encodePng: rgba expected ${width * height * 4} bytes for ${width}x${height}, got ${rgba.length}`,
    )
  }
  const png = new PNG({ width, height })
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength)
  return PNG.sync.write(png).toString('base64')
}

/** Decodes a base64 PNG back to RGBA pixels (tests and thumbnails use it). */
export function decodePng(base64: string): { width: number; height: number; rgba: Uint8Array } {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'))
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) }
}
