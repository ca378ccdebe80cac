/**
 * Units dead on the starting image. Feature visualization starts from near-uniform grey (Lucid's
 * sd 0.01), far from MNIST's black backgrounds: a unit whose pre-activation is negative on that grey
 * everywhere gives the objective a gradient of exactly zero, Adam never moves, and the picture stays
 * flat grey. Lucid's answer, redirected ReLU gradients, needs a ReLU override that only Layers models
 * on a backend with Conv2DBackpropFilter allow. Where it is missing, the images dead at the start are
 * redrawn here with more contrast (seeded) until the objective has a gradient on them.
 */
import * as tf from '@tensorflow/tfjs'
import type { Parametrized } from './parametrizations'
import { replaceImageRows } from './parametrizations/color'

/** Restarts cycle through starts 4, 16 and 64 times the first's contrast (sd 0.04 to 0.64 for Fourier). */
const CONTRAST_STEP = 4

/** What {@link restartDeadImages} did: the images redrawn and the contrast that woke each one. */
export interface Restarts {
  /** Image index -> the factor over the parametrization's initial sd of its new start. */
  readonly contrast: Readonly<Record<number, number>>
  /** Images still dead after every try: they keep their first start. */
  readonly stillDead: readonly number[]
}

/**
 * The images of the batch on which `gradient(images)` is zero everywhere.
 *
 * @example
 * deadImages(tf.zeros([2, 4, 4, 1]))   // [0, 1]
 */
export function deadImages(gradient: tf.Tensor4D): number[] {
  const [batch] = gradient.shape
  const peak = tf.tidy(() => gradient.abs().reshape([batch, -1]).max(1).dataSync())
  return Array.from(peak.keys()).filter((i) => !(peak[i]! > 0))
}

/**
 * Redraws the images on which `objectiveGradient` is zero with starts 4, 16 and 64 times (in turn, new
 * seeds each time) the first's contrast, up to `tries` times, keeping the first that gives a gradient. An image the objective never reaches
 * (an objective of other images only) is given its first start back, so it is not changed.
 *
 * @example
 * const gradient = (images) => tf.grad((x) => objectiveValue(x))(images)
 * restartDeadImages(parametrized, gradient, { tries: 4, seed: 0, batch: 16 })   // { contrast: { 3: 16 }, stillDead: [] }
 */
export function restartDeadImages(
  parametrized: Parametrized,
  objectiveGradient: (images: tf.Tensor4D) => tf.Tensor4D,
  options: { tries: number; seed: number; batch: number },
): Restarts {
  const contrast: Record<number, number> = {}
  if (!parametrized.restart || options.tries < 1) return { contrast, stillDead: [] }
  const deadNow = () =>
    tf.tidy(() => {
      const gradient = objectiveGradient(parametrized.images())
      return tf.keep(gradient) // read (and freed) just below, outside this tidy
    })
  const readDead = (): number[] => {
    const gradient = deadNow()
    try {
      return deadImages(gradient)
    } finally {
      gradient.dispose()
    }
  }
  const firstDead = readDead()
  if (firstDead.length === 0) return { contrast, stillDead: [] }
  // The first start of each dead image, to give back to those no contrast wakes.
  const saved = parametrized.variables.map((v) => tf.keep(v.clone())) // freed in the finally below
  try {
    let dead = firstDead
    for (let attempt = 1; attempt <= options.tries && dead.length > 0; attempt++) {
      const factor = CONTRAST_STEP ** (1 + ((attempt - 1) % 3))
      // Seeds far from the parametrization's own (seed, seed + 1), one pair per attempt.
      parametrized.restart(dead, factor, options.seed + 7919 * attempt)
      const stillDead = new Set(readDead())
      for (const image of dead) if (!stillDead.has(image)) contrast[image] = factor
      dead = dead.filter((image) => stillDead.has(image))
    }
    if (dead.length > 0) restore(parametrized, saved, dead, options.batch)
    return { contrast, stillDead: dead }
  } finally {
    saved.forEach((t) => t.dispose())
  }
}

/** Gives `images` their saved starting values back (every variable's first axis is batch-major). */
function restore(
  parametrized: Parametrized,
  saved: readonly tf.Tensor[],
  images: readonly number[],
  batch: number,
) {
  parametrized.variables.forEach((variable, k) => {
    replaceImageRows(variable, variable.shape[0]! / batch, images, saved[k]!)
  })
}
