import * as tf from '@tensorflow/tfjs'
import { redrawImages, seededVariable, toValidImage } from './color'
import type { Parametrization } from './types'

/** Options of {@link pixels}. */
export interface PixelsOptions {
  /** Standard deviation of the initial values (around grey). Default 0.01. */
  sd?: number
  /** Optimize in decorrelated colour space (RGB images only). Default true. */
  decorrelate?: boolean
}

/**
 * One variable per pixel and channel, through a sigmoid: the plainest parametrization, which drifts into
 * high frequencies without regularizers or transforms.
 *
 * @example
 * await gw.visualize(model, objective, { parametrization: gw.parametrizations.pixels() })
 */
export function pixels(options: PixelsOptions = {}): Parametrization {
  const sd = options.sd ?? 0.01
  const decorrelate = options.decorrelate ?? true
  return {
    name: 'pixels',
    parameters: { sd, decorrelate },
    create({ batch, height, width, channels }, seed) {
      const values = seededVariable(tf.randomNormal([batch, height, width, channels], 0, sd, 'float32', seed))
      return {
        name: 'pixels',
        variables: [values],
        images: () => toValidImage(values as tf.Tensor4D, decorrelate),
        restart: (images, contrast, restartSeed) =>
          redrawImages(values, 1, images, sd * contrast, restartSeed),
        dispose: () => values.dispose(),
      }
    },
  }
}
