/**
 * Data: the bundled data sets (`gw.datasets.*`) and readers for a user's own files (`gw.read.*`).
 * Each data set is one file and one line in the registry below.
 */
import { creditG } from './credit-g'
import { csv } from './csv'
import { fashionMnist } from './fashion-mnist'
import { image } from './image-file'
import { mnist } from './mnist'
import { npy } from './npy'
import { photos } from './photos'
import { sentiment } from './sentiment'
import { tokenize, Vocabulary } from './vocabulary'
import { addWatermark, watermarkMask, watermarkPatch, watermarkRegion } from './watermark'

/** The bundled data sets, the shortcut lab's watermark helpers, and the sentiment model's tokenizer. */
export const datasets = {
  mnist,
  fashionMnist,
  creditG,
  sentiment,
  photos,
  addWatermark,
  watermarkMask,
  watermarkRegion,
  watermarkPatch,
  tokenize,
  Vocabulary,
} as const

/** Readers for a user's own files: PNG/JPEG images, NumPy .npy arrays, CSV tables. */
export const read = {
  image,
  npy,
  csv,
} as const

export { MNIST_CLASSES } from './mnist'
export { FASHION_MNIST_CLASSES, type FashionMnistOptions } from './fashion-mnist'
export type { CreditGOptions, TabularDataset } from './credit-g'
export type { SentimentOptions, SentimentSource, TextDataset } from './sentiment'
export type { EncodedAttribute, TabularEncoding } from './tabular-encoding'
export type { VocabularyOptions } from './vocabulary'
export type { ImageDataset, ImageDatasetOptions, SplitOptions } from './images'
export type { WatermarkPatch } from './watermark'
export type { ImageFileOptions } from './image-file'
export type { PhotoCredit, PhotoOptions, PhotoSet } from './photos'
export type { CsvOptions, CsvTable } from './csv'
export { decodeNpy, type NpyArray } from './npy'
export { seededRandom, shuffledIndices, type Random } from './random'
export { Vocabulary, tokenize }
