/**
 * What a dictionary says instead of a picture that would mislead: a unit that never fires on the data,
 * and a feature visualization that never excited its unit (a flat grey square, or an image the
 * optimizer moved without the unit ever responding), are reported in words.
 */
import * as tf from '@tensorflow/tfjs'
import type { GlasswingModel } from '../model'
import { valuePerImage } from './objectives/units-per-image'
import type { ImageData } from './render'
import type { ActivationStatistics } from './top-examples'

/**
 * Each unit's value on its own feature visualization (image i for `units[i]`): the quantity the
 * dictionary's optimization maximized, measured on the final images without transforms.
 *
 * @example
 * visualizationValues(model, 'conv2d_2', [0, 1], vis.images, 'channel', [0, 1])   // [0.73, 0.24]
 */
export function visualizationValues(
  model: GlasswingModel,
  layer: string,
  units: readonly number[],
  images: ImageData,
  at: 'channel' | 'centre',
  [low, high]: readonly [number, number],
): number[] {
  const { data, batch, height, width, channels } = images
  const values = tf.tidy(() => {
    const input = tf
      .tensor4d(data, [batch, height, width, channels])
      .mul(high - low)
      .add(low)
    return valuePerImage(model.activations(input, [layer])[layer]!, units, at).dataSync()
  })
  return Array.from(values)
}

/**
 * What a unit's card must say in words, or null: that it never fires on the `examples` images (its
 * activation is exactly 0 on all of them: a dead ReLU unit), and that its feature visualization was
 * left out because the optimization found no image that makes it fire (`value` exactly 0).
 *
 * @example
 * unitNote({ mean: 0, std: 0, max: 0, activeFraction: 0 }, 0, 1000)
 * // 'never fires on these 1000 images (its activation is 0 on all of them); no image found that makes it fire'
 */
export function unitNote(
  statistics: ActivationStatistics,
  value: number | null,
  examples: number,
): string | null {
  const notes: string[] = []
  // Exactly 0 everywhere, not merely small or negative: a linear unit below 0 is not dead.
  if (statistics.max === 0 && statistics.std === 0) {
    notes.push(`never fires on these ${examples} images (its activation is 0 on all of them)`)
  }
  if (value === 0) notes.push('no image found that makes it fire')
  return notes.length > 0 ? notes.join('; ') : null
}
