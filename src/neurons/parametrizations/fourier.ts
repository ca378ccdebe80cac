import * as tf from '@tensorflow/tfjs'
import { redrawImages, seededVariable, toValidImage } from './color'
import type { ImageShape, Parametrization } from './types'

/** Options of {@link fourier}. */
export interface FourierOptions {
  /** Standard deviation of the initial spectrum. Default 0.01. */
  sd?: number
  /** How fast the spectrum's scale falls with frequency (1/f^decay). Default 1. */
  decay?: number
  /** Optimize in decorrelated colour space (RGB images only). Default true. */
  decorrelate?: boolean
}

/**
 * The image's Fourier coefficients, scaled by 1/frequency (Lucid's `fft` image): every frequency moves
 * at the same rate, so low frequencies are no longer starved and images come out smoother.
 *
 * The inverse transform is two matrix products with cosine and sine bases instead of an FFT: tfjs has no
 * FFT gradients, and at the image sizes of course models the products are cheap.
 *
 * @example
 * await gw.visualize(model, objective, { parametrization: gw.parametrizations.fourier({ decay: 1 }) })
 */
export function fourier(options: FourierOptions = {}): Parametrization {
  const sd = options.sd ?? 0.01
  const decay = options.decay ?? 1
  const decorrelate = options.decorrelate ?? true
  return {
    name: 'fourier',
    parameters: { sd, decay, decorrelate },
    create(shape, seed) {
      const { batch, height, width, channels } = shape
      const real = seededVariable(tf.randomNormal([batch * channels, height, width], 0, sd, 'float32', seed))
      const imaginary = seededVariable(
        tf.randomNormal([batch * channels, height, width], 0, sd, 'float32', seed + 1),
      )
      // Constants of the basis live as long as the parametrization; dispose() frees them.
      const basis = makeBasis(shape, decay)
      return {
        name: 'fourier',
        variables: [real, imaginary],
        images: () => {
          const a = real.mul(basis.scale)
          const b = imaginary.mul(basis.scale)
          // Re(sum_uv (a + ib) e^{i(2pi uy/h + 2pi vx/w)}) as separable products.
          const pixels = rowTransform(basis.cosY, columnTransform(a, basis.cosX))
            .sub(rowTransform(basis.sinY, columnTransform(a, basis.sinX)))
            .sub(rowTransform(basis.sinY, columnTransform(b, basis.cosX)))
            .sub(rowTransform(basis.cosY, columnTransform(b, basis.sinX)))
          const images = pixels
            .reshape([batch, channels, height, width])
            .transpose([0, 2, 3, 1]) as tf.Tensor4D
          return toValidImage(images, decorrelate)
        },
        restart: (images, contrast, restartSeed) => {
          redrawImages(real, channels, images, sd * contrast, restartSeed)
          redrawImages(imaginary, channels, images, sd * contrast, restartSeed + 1)
        },
        dispose: () => {
          real.dispose()
          imaginary.dispose()
          Object.values(basis).forEach((t) => t.dispose())
        },
      }
    },
  }
}

interface Basis {
  cosY: tf.Tensor2D
  sinY: tf.Tensor2D
  cosX: tf.Tensor2D
  sinX: tf.Tensor2D
  scale: tf.Tensor2D
}

function makeBasis({ height, width }: ImageShape, decay: number): Basis {
  const trig = (n: number, f: typeof Math.cos) =>
    tf.tensor2d(
      Array.from({ length: n * n }, (_, k) => f((2 * Math.PI * Math.floor(k / n) * (k % n)) / n)),
      [n, n],
    )
  const scale = new Float32Array(height * width)
  const floor = 1 / Math.max(height, width)
  for (let u = 0; u < height; u++) {
    for (let v = 0; v < width; v++) {
      const fy = Math.min(u, height - u) / height
      const fx = Math.min(v, width - v) / width
      // 1/f^decay, normalized per pixel count so the image's scale does not grow with its size.
      scale[u * width + v] =
        1 / Math.pow(Math.max(Math.hypot(fy, fx), floor), decay) / Math.sqrt(height * width)
    }
  }
  return {
    cosY: trig(height, Math.cos),
    sinY: trig(height, Math.sin),
    cosX: trig(width, Math.cos),
    sinX: trig(width, Math.sin),
    scale: tf.tensor2d(scale, [height, width]),
  }
}

// [b, h, w] x [w, w] over the last axis.
function columnTransform(values: tf.Tensor, basis: tf.Tensor2D): tf.Tensor3D {
  const [b, h, w] = values.shape as [number, number, number]
  return values
    .reshape([b * h, w])
    .matMul(basis)
    .reshape([b, h, w])
}

// [h, h] x [b, h, w] over the middle axis.
function rowTransform(basis: tf.Tensor2D, values: tf.Tensor3D): tf.Tensor3D {
  const [b, h, w] = values.shape
  const moved = values.transpose([1, 0, 2]).reshape([h, b * w])
  return basis.matMul(moved).reshape([h, b, w]).transpose([1, 0, 2])
}
