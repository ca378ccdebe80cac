import type * as tf from '@tensorflow/tfjs'

/** The size of the images a parametrization makes. */
export interface ImageShape {
  batch: number
  height: number
  width: number
  channels: number
}

/**
 * What a parametrization returns (as in Lucid): the variables the optimizer changes, and how to make
 * the images from them. The caller disposes it.
 */
export interface Parametrized {
  readonly name: string
  readonly variables: readonly tf.Variable[]
  /** The images, values in [0, 1], shape [batch, height, width, channels]; call inside a tidy or tape. */
  images(): tf.Tensor4D
  /**
   * Draws new starting values for some images of the batch, `contrast` times the initial standard
   * deviation, seeded by `seed`; the other images keep theirs. `gw.visualize` calls it for images on
   * which the objective is dead at the start (zero gradient) where redirected ReLU gradients are not
   * available. Optional: without it such images are left as they are. Where it is present, every
   * variable's first axis is batch-major (image i owns an equal block of rows), so a start can be put back.
   */
  restart?(images: readonly number[], contrast: number, seed: number): void
  dispose(): void
}

/** A parametrization: a recipe that makes {@link Parametrized} images of a given shape from a seed. */
export interface Parametrization {
  readonly name: string
  readonly parameters: Record<string, unknown>
  create(shape: ImageShape, seed: number): Parametrized
}
