/** Turning `EncodedImage`s into canvases: raw pixels synchronously, PNGs through an <img>. */
import { base64ToBytes } from '../../../src/display/codec'
import type { EncodedImage } from '../../../src/display/schema'

/** RGBA pixels of a raw image (grey and RGB expanded, alpha 255). */
export function rawToRgba(image: Extract<EncodedImage, { encoding: 'raw' }>): Uint8ClampedArray {
  const bytes = base64ToBytes(image.data)
  const n = image.width * image.height
  const out = new Uint8ClampedArray(n * 4)
  const c = image.channels
  for (let p = 0; p < n; p++) {
    const r = bytes[p * c]!
    out[p * 4] = r
    out[p * 4 + 1] = c === 1 ? r : bytes[p * c + 1]!
    out[p * 4 + 2] = c === 1 ? r : bytes[p * c + 2]!
    out[p * 4 + 3] = c === 4 ? bytes[p * 4 + 3]! : 255
  }
  return out
}

/** A canvas of the image's own size holding its pixels (PNGs decode asynchronously). */
export async function imageToCanvas(image: EncodedImage, document: Document): Promise<HTMLCanvasElement> {
  const canvas = document.createElement('canvas')
  canvas.width = image.width
  canvas.height = image.height
  const context = canvas.getContext('2d')
  if (!context) return canvas
  if (image.encoding === 'raw') {
    context.putImageData(new ImageData(rawToRgba(image), image.width, image.height), 0, 0)
    return canvas
  }
  const element = document.createElement('img')
  element.src = `data:image/png;base64,${image.data}`
  await element.decode()
  context.drawImage(element, 0, 0)
  return canvas
}

/** A canvas holding RGBA pixels. */
export function rgbaToCanvas(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  document: Document,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  canvas.getContext('2d')?.putImageData(new ImageData(rgba, width, height), 0, 0)
  return canvas
}

/** The display scale for an image: small images are enlarged by whole factors (crisp pixels). */
export function displayScale(width: number, target = 112): number {
  return width >= target ? target / width : Math.max(1, Math.floor(target / width))
}
