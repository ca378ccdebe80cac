/**
 * Network Dissection (Bau et al. 2017) on a procedural probe set: each unit's activation map over every
 * probe image is upsampled to the image size and thresholded at the unit's top quantile over the whole
 * set; the IoU of that binary map with each concept's mask, summed over all images, scores the concept.
 * The best concept and its IoU are the unit's label.
 *
 * The quantile: Network Dissection keeps the top 0.5 % of activations, about the share of pixels a
 * concept covers in its Broden images. The procedural set's concepts cover more (a few per cent each),
 * so the default keeps the top share equal to the mean pixel coverage of a concept in the set in use:
 * the same reasoning, fitted to the probes. `options.quantile` sets it explicitly.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import type { GlasswingModel } from '../../model'
import { throwIfInterrupted } from '../../session/interrupt'
import { modelImageShape } from '../model-shape'
import { requireSpatial } from '../objectives/select'
import type { StimulusShape } from '../stimuli/types'
import { conceptProbes, type ConceptCategory, type ConceptSet } from './probes'

/** A user's concept: images and a mask of where the concept is in each. */
export interface UserConcept {
  name: string
  /** Images [n, height, width, channels] of the model's input size, values in [0, 1]. */
  images: tf.Tensor4D
  /** Masks [n, height, width] (or [n, height, width, 1]), nonzero where the concept is. */
  masks: tf.Tensor
}

/** Options of {@link dissect}. */
export interface DissectOptions {
  /** Concepts to add to the procedural probes. */
  concepts?: readonly UserConcept[]
  /** The share of top activations kept per unit. Default: the mean concept coverage (see above). */
  quantile?: number
  /** The range the model expects its pixels in. Default [0, 1]. */
  inputRange?: readonly [number, number]
  seed?: number
}

/** One unit's label. */
export interface UnitLabel {
  unit: number
  concept: string
  category: ConceptCategory
  iou: number
}

/** What {@link dissect} finds: every unit's IoU with every concept, and its best one. */
export interface Dissection {
  concepts: string[]
  categories: ConceptCategory[]
  /** iou[unit][concept]. */
  iou: number[][]
  labels: UnitLabel[]
  /** The activation threshold of each unit. */
  thresholds: number[]
  quantile: number
  probeCount: number
}

/**
 * Labels every unit of a spatial layer with the concept its top activations overlap best.
 *
 * @example
 * const { labels } = gw.dissect(model, 'conv2d_1')
 * labels[3]   // { unit: 3, concept: 'stripes 45°', category: 'texture', iou: 0.21 }
 */
export function dissect(model: GlasswingModel, layer: string, options: DissectOptions = {}): Dissection {
  const where = 'gw.dissect'
  const shape = modelImageShape(model, where)
  requireSpatial(model.layerShape(layer), layer, where, 'dissection (activation maps over the image)')
  const probes = withUserConcepts(
    conceptProbes(shape, { seed: options.seed ?? 0 }),
    options.concepts ?? [],
    shape,
  )
  const { height, width } = shape
  const pixels = probes.count * height * width
  const coverage = probes.masks.map((mask) => mask.reduce((sum, v) => sum + v, 0) / pixels)
  const quantile = options.quantile ?? coverage.reduce((a, b) => a + b, 0) / coverage.length
  if (!(quantile > 0 && quantile < 1)) {
    throw new GlasswingError({
      where,
      argument: 'options.quantile',
      expected: 'a share between 0 and 1',
      received: String(quantile),
    })
  }
  const [low, high] = options.inputRange ?? [0, 1]
  const maps = tf.tidy(() => activationMaps(model, layer, probes, shape, low, high)) // [pixels, units]
  const conceptMasks = tf.tensor2d(concatenate(probes.masks), [probes.masks.length, pixels]) // [K, pixels]
  const conceptSizes = conceptMasks.sum(1) // [K]
  const iouValues: number[][] = []
  const thresholds: number[] = []
  try {
    const k = Math.max(1, Math.round(quantile * pixels))
    // One unit at a time: each step is a few operations on one column (over a large probe set, one top-k
    // over every unit at once is a single native operation of seconds that no interrupt could stop).
    for (let unit = 0; unit < maps.shape[1]; unit++) {
      throwIfInterrupted('gw.dissect')
      const { iou, threshold } = tf.tidy(() => {
        const column = maps.slice([0, unit], [pixels, 1]).reshape([pixels])
        const threshold = tf.topk(column, k, false).values.min()
        // Ties at the threshold are kept; a silent unit (threshold 0) selects nothing.
        const selected = column.greaterEqual(threshold).logicalAnd(column.greater(0)).cast('float32')
        const intersection = conceptMasks.matMul(selected.reshape([pixels, 1])).reshape([-1]) // [K]
        const union = selected.sum().add(conceptSizes).sub(intersection)
        return { iou: intersection.div(union.maximum(1)), threshold }
      })
      iouValues.push(Array.from(iou.dataSync()))
      thresholds.push(threshold.dataSync()[0]!)
      tf.dispose([iou, threshold])
    }
  } finally {
    tf.dispose([maps, conceptMasks, conceptSizes])
  }
  const labels = iouValues.map((row, unit) => {
    let best = 0
    row.forEach((v, k) => {
      if (v > row[best]!) best = k
    })
    return { unit, concept: probes.concepts[best]!, category: probes.categories[best]!, iou: row[best]! }
  })
  return {
    concepts: probes.concepts,
    categories: probes.categories,
    iou: iouValues,
    labels,
    thresholds,
    quantile,
    probeCount: probes.count,
  }
}

/** Every unit's activation map over every probe, upsampled to the image: [count*height*width, units]. */
function activationMaps(
  model: GlasswingModel,
  layer: string,
  probes: ConceptSet,
  { height, width, channels }: StimulusShape,
  low: number,
  high: number,
): tf.Tensor2D {
  const parts: tf.Tensor2D[] = []
  const batchSize = 128
  for (let start = 0; start < probes.count; start += batchSize) {
    const n = Math.min(batchSize, probes.count - start)
    const size = height * width * channels
    const input = tf.tensor4d(probes.images.subarray(start * size, (start + n) * size), [
      n,
      height,
      width,
      channels,
    ])
    const activation = model.activations(input.mul(high - low).add(low), layer)[layer] as tf.Tensor4D
    const upsampled = tf.image.resizeBilinear(activation, [height, width])
    parts.push(upsampled.reshape([n * height * width, -1]))
  }
  return tf.concat(parts, 0)
}

function withUserConcepts(
  probes: ConceptSet,
  user: readonly UserConcept[],
  shape: StimulusShape,
): ConceptSet {
  if (user.length === 0) return probes
  const { height, width, channels } = shape
  const pixels = height * width
  const extra = user.map((concept) => {
    const n = concept.images.shape[0]
    const expected = [n, height, width, channels].join(', ')
    if (concept.images.shape.join(', ') !== expected || concept.masks.size !== n * pixels) {
      throw new GlasswingError({
        where: 'gw.dissect',
        argument: `options.concepts['${concept.name}']`,
        expected: `images [${expected}] and masks [${n}, ${height}, ${width}]`,
        received: `images [${concept.images.shape.join(', ')}] and masks [${concept.masks.shape.join(', ')}]`,
        hint: 'Resize the concept images to the model input size and give one mask per image.',
      })
    }
    return {
      name: concept.name,
      images: concept.images.dataSync() as Float32Array,
      masks: concept.masks.dataSync(),
    }
  })
  const count = probes.count + extra.reduce((sum, e) => sum + e.masks.length / pixels, 0)
  const images = new Float32Array(count * pixels * channels)
  images.set(probes.images)
  const masks = probes.masks.map((mask) => {
    const grown = new Uint8Array(count * pixels)
    grown.set(mask)
    return grown
  })
  let offset = probes.count * pixels
  for (const e of extra) {
    images.set(e.images, offset * channels)
    const mask = new Uint8Array(count * pixels)
    e.masks.forEach((v, i) => (mask[offset + i] = v ? 1 : 0))
    masks.push(mask)
    offset += e.masks.length
  }
  return {
    concepts: [...probes.concepts, ...extra.map((e) => e.name)],
    categories: [...probes.categories, ...extra.map(() => 'user' as const)],
    images,
    count,
    masks,
  }
}

function concatenate(arrays: readonly Uint8Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((sum, a) => sum + a.length, 0))
  let offset = 0
  for (const a of arrays) {
    out.set(a, offset)
    offset += a.length
  }
  return out
}
