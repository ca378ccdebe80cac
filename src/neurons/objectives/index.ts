/**
 * The objectives of feature visualization, one file each, in one explicit registry.
 * Objectives compose: `channel('conv2d_1', 3).minus(totalVariation().times(0.1))`.
 */
import { blur } from './blur'
import { channel } from './channel'
import { classLogit } from './class-logit'
import { direction } from './direction'
import { diversity } from './diversity'
import { l1 } from './l1'
import { layer } from './layer'
import { totalVariation } from './total-variation'
import { unit } from './unit'
import { unitsPerImage } from './units-per-image'

export { Objective, type ObjectiveContext, type ObjectiveNeeds } from './objective'
export type { BatchSelection } from './select'
export type { UnitObjectiveOptions } from './unit'
export type { UnitsPerImageOptions } from './units-per-image'

/** Every objective and regularizer, by name: `gw.objectives.channel(...)`. */
export const objectives = {
  unit,
  channel,
  unitsPerImage,
  layer,
  classLogit,
  direction,
  diversity,
  l1,
  totalVariation,
  blur,
} as const
