/** PNG and JPEG files as image tensors (pngjs and jpeg-js; no browser, no canvas). */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import * as jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { ensureBackend, explainBackendError } from '../backend'
import { describeValue, GlasswingError } from '../errors'

/** Options of {@link image}. */
export interface ImageFileOptions {
  /** 1 for grayscale (luma, ITU-R BT.601), 3 for RGB. Default 3. Alpha is dropped. */
  channels?: 1 | 3
  /** Resize (bilinear) to [height, width], for example [28, 28] for an MNIST model. */
  size?: [number, number]
  /** Turn dark-on-light into light-on-dark (1 - value), as MNIST digits are. Default false. */
  invert?: boolean
}

const WHERE = 'gw.read.image'

/**
 * Reads a PNG or JPEG file as float32 [1, height, width, channels] in [0, 1]. Caller owns the tensor.
 *
 * @example
 * const digit = await gw.read.image('my-digit.png', { channels: 1, size: [28, 28], invert: true })
 */
export async function image(path: string, options: ImageFileOptions = {}): Promise<tf.Tensor4D> {
  await ensureBackend()
  try {
    const channels = options.channels ?? 3
    if (channels !== 1 && channels !== 3) {
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.channels',
        expected: '1 or 3',
        received: describeValue(channels),
      })
    }
    const { width, height, rgba } = decodeImage(readFileSync(path), path)
    const values = new Float32Array(width * height * channels)
    for (let p = 0; p < width * height; p++) {
      const [r, g, b] = [rgba[4 * p]! / 255, rgba[4 * p + 1]! / 255, rgba[4 * p + 2]! / 255]
      if (channels === 1) values[p] = 0.299 * r + 0.587 * g + 0.114 * b
      else values.set([r, g, b], 3 * p)
    }
    return tf.tidy(() => {
      let pixels: tf.Tensor4D = tf.tensor4d(values, [1, height, width, channels])
      if (options.size) pixels = tf.image.resizeBilinear(pixels, options.size, true)
      if (options.invert) pixels = tf.sub(1, pixels) as tf.Tensor4D
      return pixels.clipByValue(0, 1) as tf.Tensor4D
    })
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

/** Decodes PNG or JPEG bytes (told apart by their signature) to RGBA. */
export function decodeImage(
  bytes: Buffer,
  source: string,
): { width: number; height: number; rgba: Uint8Array } {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = PNG.sync.read(bytes)
    return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true })
    return { width: decoded.width, height: decoded.height, rgba: decoded.data }
  }
  throw new GlasswingError({
    where: WHERE,
    argument: source,
    expected: 'a PNG or JPEG file',
    received: 'bytes with neither signature',
    hint: 'Convert the image to PNG first.',
  })
}
