/** Parametrizations of feature-visualization images, one file each, in one explicit registry. */
import { fourier } from './fourier'
import { pixels } from './pixels'

export type { ImageShape, Parametrization, Parametrized } from './types'
export type { FourierOptions } from './fourier'
export type { PixelsOptions } from './pixels'
export { decorrelateColors } from './color'

/** Every parametrization, by name: `gw.parametrizations.fourier()`. */
export const parametrizations = { pixels, fourier } as const
