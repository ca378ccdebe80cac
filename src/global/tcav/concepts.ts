/**
 * Built-in generated concepts for images: stripes, dots, and the shortcut lab's watermark stamped on
 * base images. Seeded; the caller owns the tensors returned.
 */
import * as tf from '@tensorflow/tfjs'
import { seededRandom } from '../../data/random'
import { addWatermark } from '../../data/watermark'

/** The names of the generated concepts. */
export type GeneratedConcept = 'stripes' | 'dots' | 'watermark'
export const GENERATED_CONCEPTS: readonly GeneratedConcept[] = ['stripes', 'dots', 'watermark']

/**
 * `count` images [count, h, w, c] of a generated concept. 'watermark' stamps `label`'s square on the
 * base images (cycled), so that concept and random sets differ only by the square.
 */
export function generateConcept(
  name: GeneratedConcept,
  shape: readonly number[],
  count: number,
  seed: number,
  base: tf.Tensor4D | null,
  label: number,
): tf.Tensor4D {
  const [h, w, c] = shape as [number, number, number]
  const random = seededRandom(seed)
  if (name === 'watermark') {
    return tf.tidy(() => {
      const index = tf.tensor1d(
        Array.from({ length: count }, (_, i) => i % base!.shape[0]),
        'int32',
      )
      return addWatermark(tf.gather(base!, index), new Array<number>(count).fill(label))
    })
  }
  const pixels = new Float32Array(count * h * w * c)
  for (let n = 0; n < count; n++) {
    const offset = n * h * w * c
    if (name === 'stripes') {
      const period = 3 + Math.floor(random() * 4)
      const vertical = random() < 0.5
      const phase = Math.floor(random() * period)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const on = ((vertical ? x : y) + phase) % period < period / 2
          for (let k = 0; k < c; k++) pixels[offset + (y * w + x) * c + k] = on ? 1 : 0
        }
    } else {
      const dots = 6 + Math.floor(random() * 8)
      for (let d = 0; d < dots; d++) {
        const cy = Math.floor(random() * h)
        const cx = Math.floor(random() * w)
        for (let y = Math.max(0, cy - 1); y <= Math.min(h - 1, cy + 1); y++)
          for (let x = Math.max(0, cx - 1); x <= Math.min(w - 1, cx + 1); x++)
            for (let k = 0; k < c; k++) pixels[offset + (y * w + x) * c + k] = 1
      }
    }
  }
  return tf.tensor4d(pixels, [count, h, w, c])
}
