import * as tf from '@tensorflow/tfjs'
import { pick, type Transform } from './types'

/**
 * Rotates about the centre by one of `degrees`, picked at random each step. Bilinear sampling written
 * as gathers (the native backend has no differentiable image transform); pixels from outside the
 * image take `value`.
 *
 * @example
 * gw.transforms.rotate([-5, -2, 0, 2, 5])
 */
export function rotate(degrees: readonly number[], options: { value?: number } = {}): Transform {
  const value = options.value ?? 0.5
  return {
    name: `rotate(${degrees.join(', ')})`,
    gradientKernels: ['UnsortedSegmentSum'],
    apply: (images, random) => {
      const angle = (pick(degrees, random) * Math.PI) / 180
      if (angle === 0) return images
      return rotateImages(images, angle, value)
    },
  }
}

function rotateImages(images: tf.Tensor4D, angle: number, value: number): tf.Tensor4D {
  const [n, h, w, c] = images.shape
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const cy = (h - 1) / 2
  const cx = (w - 1) / 2
  const corners = [0, 1, 2, 3].map(() => ({ index: new Int32Array(h * w), weight: new Float32Array(h * w) }))
  const outside = new Float32Array(h * w)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where output pixel (y, x) comes from: the inverse rotation.
      const sy = cos * (y - cy) - sin * (x - cx) + cy
      const sx = sin * (y - cy) + cos * (x - cx) + cx
      const y0 = Math.floor(sy)
      const x0 = Math.floor(sx)
      const fy = sy - y0
      const fx = sx - x0
      const k = y * w + x
      let inside = 0
      const taps: [number, number, number][] = [
        [y0, x0, (1 - fy) * (1 - fx)],
        [y0, x0 + 1, (1 - fy) * fx],
        [y0 + 1, x0, fy * (1 - fx)],
        [y0 + 1, x0 + 1, fy * fx],
      ]
      taps.forEach(([ty, tx, weight], corner) => {
        const valid = ty >= 0 && ty < h && tx >= 0 && tx < w
        corners[corner]!.index[k] = valid ? ty * w + tx : 0
        corners[corner]!.weight[k] = valid ? weight : 0
        if (valid) inside += weight
      })
      outside[k] = 1 - inside
    }
  }
  const flat = images.transpose([1, 2, 0, 3]).reshape([h * w, n * c])
  let result = tf.tensor2d(outside, [h * w, 1]).mul(value)
  for (const { index, weight } of corners) {
    result = result.add(tf.gather(flat, tf.tensor1d(index, 'int32')).mul(tf.tensor2d(weight, [h * w, 1])))
  }
  return result.reshape([h, w, n, c]).transpose([2, 0, 1, 3]) as tf.Tensor4D
}
