import type * as tf from '@tensorflow/tfjs'
import type { Random } from '../../data/random'

/**
 * One random transformation applied to the images at every optimization step, so that the image found
 * works under small shifts, scalings and rotations (transformation robustness, as in Lucid).
 */
export interface Transform {
  readonly name: string
  /**
   * Kernels its gradient needs beyond the common ones; checked before optimizing, because a kernel
   * missing in the middle of a gradient (the wasm backend lacks some) would strand the tape's tensors.
   */
  readonly gradientKernels?: readonly string[]
  /** A transformed copy; runs inside the optimizer's tape, so it must be differentiable. */
  apply(images: tf.Tensor4D, random: Random): tf.Tensor4D
}

/** Picks one element of a list. */
export function pick<T>(values: readonly T[], random: Random): T {
  return values[Math.floor(random() * values.length)]!
}
