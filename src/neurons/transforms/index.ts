/**
 * Transformation robustness: a plain list of transforms applied in order at every step, one file each.
 *
 * @example
 * await gw.visualize(model, objective, { transforms: [gw.transforms.pad(2), gw.transforms.jitter(2)] })
 */
import { jitter } from './jitter'
import { pad } from './pad'
import { rotate } from './rotate'
import { scale } from './scale'
import type { Transform } from './types'

export type { Transform } from './types'

/** Every transform, by name: `gw.transforms.jitter(2)`. */
export const transforms = { pad, jitter, scale, rotate, standard: standardTransforms } as const

/**
 * Lucid's standard list scaled to the image size (its numbers are for 224-pixel images): pad, jitter,
 * scale by up to 5 %, rotate by up to 5 degrees, jitter again.
 *
 * @example
 * gw.transforms.standard(28)   // [pad(2), jitter(2), scale(...), rotate(...), jitter(1)]
 */
export function standardTransforms(size: number): Transform[] {
  const unit = Math.max(1, Math.round(size / 28))
  return [
    pad(2 * unit),
    jitter(2 * unit),
    scale([0.95, 0.975, 1, 1.025, 1.05]),
    rotate([-5, -2.5, 0, 2.5, 5]),
    jitter(unit),
  ]
}
