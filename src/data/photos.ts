/**
 * `gw.datasets.photos()`: photos and textures for the ImageNet network, unpacked by `make setup` from
 * the scikit-image and scikit-learn wheels on PyPI into .cache/data/photos (credits and licences in its
 * photos.json, from scripts/models/photos.json). Nothing is downloaded at run time.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { describeValue, GlasswingError } from '../errors'
import { installedPath } from '../installed'
import { imageGridBundle } from './display'
import { decodeImage } from './image-file'

const WHERE = 'gw.datasets.photos'
const THUMBNAIL = 56

/** Where a picture comes from and under which licence. */
export interface PhotoCredit {
  name: string
  kind: 'photo' | 'texture'
  credit: string
  licence: string
  /** The pinned wheel it was taken from, for example 'scikit-image==0.25.2'. */
  wheel: string
  /** ImageNet classes a correct top-1 answer may be (empty where none fits). */
  expected: string[]
}

/** Options of {@link photos}. */
export interface PhotoOptions {
  /** Side of the square images: the centre square of each picture, resized (bilinear). Default 224. */
  size?: number
  /** 'photo' (default), 'texture' (brick, grass, gravel: grayscale, repeated on R, G and B) or 'all'. */
  kind?: 'photo' | 'texture' | 'all'
  /** Only these pictures, in this order, for example ['chelsea', 'coffee']. Default: every one of `kind`. */
  names?: readonly string[]
}

/** Square RGB pictures; the caller owns `images`. Shows thumbnails with their names. */
export interface PhotoSet extends Displayable {
  name: 'photos'
  /** float32 in [0, 1], shape [n, size, size, 3]. */
  images: tf.Tensor4D
  /** Each picture's name, for example 'chelsea'. */
  names: string[]
  credits: PhotoCredit[]
  /** Frees `images`. */
  dispose(): void
  toString(): string
}

/**
 * Photos (chelsea the cat, coffee, rocket, motorcycle, astronaut, china, flower) and textures (brick,
 * grass, gravel) as square images in [0, 1] for an ImageNet network.
 *
 * @example
 * const photos = await gw.datasets.photos({ names: ['chelsea', 'coffee'] })
 * photos.images.shape   // [2, 224, 224, 3]
 */
export async function photos(options: PhotoOptions = {}): Promise<PhotoSet> {
  await ensureBackend()
  try {
    const { size, chosen, folder } = resolveOptions(options)
    const images = tf.tidy(() =>
      tf.concat(chosen.map((photo) => squareImage(join(folder, photo.file), size))),
    )
    const names = chosen.map((photo) => photo.name)
    const credits = chosen.map(({ name, kind, credit, licence, wheel, expected }) => ({
      name,
      kind,
      credit,
      licence,
      wheel,
      expected,
    }))
    const text = `photos: ${names.length} images [${size}, ${size}, 3], float32 in [0, 1] (${names.join(', ')})`
    return {
      name: 'photos',
      images,
      names,
      credits,
      dispose: () => images.dispose(),
      toString: () => text,
      [JUPYTER_DISPLAY]: (): MimeBundle => thumbnails(text, images, names),
    }
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

interface CatalogImage extends PhotoCredit {
  file: string
}

function resolveOptions(options: PhotoOptions): { size: number; chosen: CatalogImage[]; folder: string } {
  const size = options.size ?? 224
  if (!Number.isInteger(size) || size < 8 || size > 1024) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.size',
      expected: 'a whole number of pixels from 8 to 1024',
      received: describeValue(size),
    })
  }
  const kind = options.kind ?? 'photo'
  if (kind !== 'photo' && kind !== 'texture' && kind !== 'all') {
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.kind',
      expected: "'photo', 'texture' or 'all'",
      received: describeValue(kind),
    })
  }
  const catalog = installedPath('data/photos/photos.json')
  if (!catalog) {
    throw new GlasswingError({
      where: WHERE,
      expected: 'the photos unpacked from the scikit-image and scikit-learn wheels into .cache/data/photos',
      received: 'a checkout where they were never unpacked',
      hint: 'Run `make setup` in the Glasswing checkout (it runs scripts/provision-imagenet.mjs).',
    })
  }
  const all = (JSON.parse(readFileSync(catalog, 'utf8')) as { images: CatalogImage[] }).images
  const ofKind = all.filter((image) => kind === 'all' || image.kind === kind)
  if (options.names === undefined) return { size, chosen: ofKind, folder: join(catalog, '..') }
  const chosen = options.names.map((name) => {
    const found = all.find((image) => image.name === name)
    if (!found) {
      throw new GlasswingError({
        where: WHERE,
        argument: 'options.names',
        expected: `names of the shipped pictures: ${all.map((image) => image.name).join(', ')}`,
        received: describeValue(name),
      })
    }
    return found
  })
  if (chosen.length === 0) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'options.names',
      expected: 'at least one name',
      received: 'an empty list',
    })
  }
  return { size, chosen, folder: join(catalog, '..') }
}

/** The centre square of a picture, resized to [1, size, size, 3] in [0, 1] (grayscale repeated). */
function squareImage(path: string, size: number): tf.Tensor4D {
  const { width, height, rgba } = decodeImage(readFileSync(path), path)
  const values = new Float32Array(width * height * 3)
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) values[3 * p + c] = rgba[4 * p + c]! / 255
  }
  const side = Math.min(width, height)
  const top = Math.floor((height - side) / 2)
  const left = Math.floor((width - side) / 2)
  return tf.tidy(() => {
    const square = tf.tensor4d(values, [1, height, width, 3]).slice([0, top, left, 0], [1, side, side, 3])
    return tf.image.resizeBilinear(square, [size, size], false, true).clipByValue(0, 1) as tf.Tensor4D
  })
}

function thumbnails(text: string, images: tf.Tensor4D, names: string[]): MimeBundle {
  const small = tf.tidy(() =>
    tf.image.resizeBilinear(images, [THUMBNAIL, THUMBNAIL], false, true).clipByValue(0, 1),
  ) as tf.Tensor4D
  const labels = tf.range(0, names.length, 1, 'int32') as tf.Tensor1D
  try {
    return imageGridBundle(text, small, labels, names)
  } finally {
    tf.dispose([small, labels])
  }
}
