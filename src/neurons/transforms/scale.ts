import * as tf from '@tensorflow/tfjs'
import { pick, type Transform } from './types'

/**
 * Rescales by one of `factors`, picked at random each step (bilinear).
 *
 * @example
 * gw.transforms.scale([0.95, 1, 1.05])
 */
export function scale(factors: readonly number[]): Transform {
  return {
    name: `scale(${factors.join(', ')})`,
    gradientKernels: ['ResizeBilinearGrad'],
    apply: (images, random) => {
      const factor = pick(factors, random)
      if (factor === 1) return images
      const [, h, w] = images.shape
      const size: [number, number] = [
        Math.max(1, Math.round(h * factor)),
        Math.max(1, Math.round(w * factor)),
      ]
      return tf.image.resizeBilinear(images, size, true)
    },
  }
}
