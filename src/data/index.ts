/**
 * Data: the bundled data sets (`gw.datasets.*`) and readers for a user's own files (`gw.read.*`).
 * Each data set is one file and one line in the registry below.
 */
import { fashionMnist } from './fashion-mnist'
import { mnist } from './mnist'
import { addWatermark, watermarkMask, watermarkPatch, watermarkRegion } from './watermark'

/** The bundled data sets, and the shortcut lab's watermark helpers. */
export const datasets = {
  mnist,
  fashionMnist,
  addWatermark,
  watermarkMask,
  watermarkRegion,
  watermarkPatch,
} as const

export { MNIST_CLASSES } from './mnist'
export { FASHION_MNIST_CLASSES, type FashionMnistOptions } from './fashion-mnist'
export type { ImageDataset, ImageDatasetOptions, SplitOptions } from './images'
export type { WatermarkPatch } from './watermark'
export { seededRandom, shuffledIndices, type Random } from './random'
