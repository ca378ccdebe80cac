/** Fashion-MNIST from the Debian package `dataset-fashion-mnist` (IDX .gz files, 60,000 + 10,000). */
import { ensureBackend, explainBackendError } from '../backend'
import { parseIdx, type IdxArray } from './idx'
import { idxToTensors, makeImageDataset, selectRange, type ImageDataset, type SplitOptions } from './images'
import { debianPackageFile, readMaybeGzipped } from './sources'

const WHERE = 'gw.datasets.fashionMnist'
const FOLDER = '/usr/share/datasets/fashion-mnist'
const SIZES = { train: 60_000, test: 10_000 }
const FILES = { train: 'train', test: 't10k' }

/** The Fashion-MNIST class names, in label order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]

/** Options of {@link fashionMnist}; `folder` points at another copy of the IDX files. */
export interface FashionMnistOptions extends SplitOptions {
  /** Where the *-idx?-ubyte.gz files are. Default /usr/share/datasets/fashion-mnist (Debian). */
  folder?: string
}

/**
 * Zalando's clothing images: images float32 in [0, 1], [n, 28, 28, 1]; labels int32 0-9.
 *
 * @example
 * const { images, labels, classNames } = await gw.datasets.fashionMnist({ split: 'test', limit: 256 })
 * classNames[9]   // 'Ankle boot'
 */
export async function fashionMnist(options: FashionMnistOptions = {}): Promise<ImageDataset> {
  await ensureBackend()
  try {
    const { split, start, count } = selectRange(WHERE, options, (s) => SIZES[s])
    const read = (kind: 'images' | 'labels'): IdxArray => {
      const name = `${FILES[split]}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte.gz`
      const path = debianPackageFile(WHERE, 'dataset-fashion-mnist', `${options.folder ?? FOLDER}/${name}`)
      return parseIdx(readMaybeGzipped(path), name)
    }
    const tensors = idxToTensors(read('images'), read('labels'), start, count)
    return makeImageDataset('fashion-mnist', split, tensors, [...FASHION_MNIST_CLASSES])
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}
