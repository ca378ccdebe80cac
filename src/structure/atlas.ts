/**
 * Activation atlas (Carter et al. 2019), `gw.similarity.atlas`: activation vectors of one layer sampled
 * at random spatial positions over many images (streamed in batches; only the sampled vectors are kept),
 * laid out in 2-D by UMAP on cosine distance (the vectors L2-normalised, so that Euclidean UMAP ranks
 * neighbours as cosine would), binned into a grid. Each cell with enough samples gets its mean
 * activation, its count, the classes of its images, and an icon: the input patch under the sample nearest
 * the cell's mean (cheap, the default), and optionally a feature visualization of the mean direction for
 * the most populated cells (batched: one optimisation, one image per cell).
 */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { seededRandom } from '../data/random'
import { makeProvenance } from '../display/provenance'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import { direction } from '../neurons/objectives/direction'
import { Objective } from '../neurons/objectives/objective'
import { visualize } from '../neurons/visualize'
import { toClasses } from '../representation/inputs'
import { runUmap } from '../representation/umap'
import { throwIfInterrupted } from '../session/interrupt'
import { progress } from '../session/progress'
import { richFrontEnd } from '../neurons/live'
import { ActivationAtlas, type AtlasCellData, type AtlasData } from './atlas-result'
import { JUPYTER_DISPLAY } from '../display/bundle'
import { display } from '../session/display'
import { cropPatch, patchGeometry } from './atlas-patches'

const WHERE = 'gw.similarity.atlas'
/** Nearest distinct images kept per cell (their patches are shown on hover). */
const EXAMPLES_PER_CELL = 4

/** Options of {@link atlas}. */
export interface AtlasOptions {
  /** The layer whose activations are laid out (a conv layer's channels at each position, or a dense layer). */
  layer: string
  /** Grid cells per side. Default 20. */
  grid?: number
  /** Activation vectors kept in all (positions are sampled evenly over the images). Default 10,000. */
  maxSamples?: number
  /** Positions sampled per image; default as many as `maxSamples` allows (at least 1). */
  positionsPerImage?: number
  /** Cells with fewer samples stay empty. Default 3. */
  minCount?: number
  /** UMAP neighbours (cosine). Default 50. */
  neighbors?: number
  /** UMAP minimum distance. Default 0.05. */
  minDistance?: number
  /** UMAP epochs. Default 200. */
  epochs?: number
  /** Class of each image (a tensor of indices or one-hot rows, or numbers), for the cells' top classes. */
  labels?: tf.Tensor | ArrayLike<number>
  /** Class names by index. Default the indices. */
  classNames?: readonly string[]
  /** Side of the input patches (pixels). Default: three strides of the layer, at least a third of the input. */
  patchSize?: number
  /** Feature visualizations of this many most populated cells (0: none, the default). */
  visualize?: number
  /** Optimisation steps of those visualizations. Default 64. */
  visualizeSteps?: number
  /** The range the model expects its pixels in (for the patches and the visualizations). Default [0, 1]. */
  inputRange?: readonly [number, number]
  /** Images per forward pass. Default 256. */
  batchSize?: number
  /** Seeds the sampled positions, UMAP and the visualizations. Default 0. */
  seed?: number
}

const fail = (argument: string, expected: string, received: unknown, hint?: string): never => {
  throw new GlasswingError({ where: WHERE, argument, expected, received: describeValue(received), hint })
}

function wholeNumber(value: unknown, argument: string, low: number, high = Infinity): number {
  if (!(Number.isSafeInteger(value) && (value as number) >= low && (value as number) <= high))
    fail(argument, `a whole number from ${low}${high < Infinity ? ` to ${high}` : ''}`, value)
  return value as number
}

/** Sampled activation vectors and where each came from. */
interface Samples {
  vectors: Float32Array
  count: number
  channels: number
  image: Int32Array
  position: Int32Array
  /** Positions whose activation vector was all zero, never sampled. */
  zeroPositions: number
}

/** Streams the images through the model and keeps `perImage` random non-zero positions of each. */
function sampleActivations(
  model: GlasswingModel,
  images: tf.Tensor,
  layer: string,
  perImage: number,
  batchSize: number,
  seed: number,
): Samples {
  const shape = model.layerShape(layer)
  const channels = shape[shape.length - 1] as number
  const positions = shape.slice(1, -1).reduce<number>((a, b) => a * (b ?? 1), 1)
  const n = images.shape[0]!
  const capacity = n * perImage
  const vectors = new Float32Array(capacity * channels)
  const image = new Int32Array(capacity)
  const position = new Int32Array(capacity)
  const random = seededRandom(seed)
  let count = 0
  let zeroPositions = 0
  const bar = richFrontEnd() ? progress({ total: n, label: `${WHERE} (activations)`, unit: 'images' }) : null
  try {
    for (let start = 0; start < n; start += batchSize) {
      throwIfInterrupted(WHERE, { done: start, total: n, unit: 'images' })
      const size = Math.min(batchSize, n - start)
      const values = tf.tidy(() => {
        const batch = images.slice(start, size)
        return model.activations(batch, [layer])[layer]!.reshape([size, positions, channels]).dataSync()
      }) as Float32Array
      const nonZero: number[] = []
      for (let b = 0; b < size; b++) {
        nonZero.length = 0
        for (let p = 0; p < positions; p++) {
          const at = (b * positions + p) * channels
          let any = false
          for (let c = 0; c < channels && !any; c++) any = values[at + c] !== 0
          if (any) nonZero.push(p)
        }
        zeroPositions += positions - nonZero.length
        // A partial Fisher-Yates shuffle picks perImage distinct positions.
        const take = Math.min(perImage, nonZero.length)
        for (let k = 0; k < take; k++) {
          const j = k + Math.floor(random() * (nonZero.length - k))
          const p = nonZero[j]!
          nonZero[j] = nonZero[k]!
          nonZero[k] = p
          const at = (b * positions + p) * channels
          vectors.set(values.subarray(at, at + channels), count * channels)
          image[count] = start + b
          position[count] = p
          count++
        }
      }
      bar?.tick(size)
    }
  } finally {
    bar?.finish()
  }
  return { vectors, count, channels, image, position, zeroPositions }
}

/** Rows scaled to unit length (cosine geometry for a Euclidean layout). */
function normalisedRows(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns)
  for (let i = 0; i < rows; i++) {
    let norm = 0
    for (let j = 0; j < columns; j++) norm += values[i * columns + j]! ** 2
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let j = 0; j < columns; j++) out[i * columns + j] = values[i * columns + j]! * scale
  }
  return out
}

/**
 * Bins 2-D points into a grid x grid over their bounding box (row 0 at the top, the largest y).
 * Returns each point's cell, or -1.
 */
export function binPoints(coordinates: Float32Array, count: number, grid: number): Int32Array {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity]
  for (let i = 0; i < count; i++) {
    const [x, y] = [coordinates[2 * i]!, coordinates[2 * i + 1]!]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    minX = Math.min(minX, x)
    maxX = Math.max(maxX, x)
    minY = Math.min(minY, y)
    maxY = Math.max(maxY, y)
  }
  const spanX = maxX - minX || 1
  const spanY = maxY - minY || 1
  const cell = new Int32Array(count).fill(-1)
  for (let i = 0; i < count; i++) {
    const [x, y] = [coordinates[2 * i]!, coordinates[2 * i + 1]!]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    const column = Math.min(grid - 1, Math.floor(((x - minX) / spanX) * grid))
    const row = Math.min(grid - 1, Math.floor(((maxY - y) / spanY) * grid))
    cell[i] = row * grid + column
  }
  return cell
}

/**
 * An activation atlas of one layer over a set of images.
 *
 * @example
 * const digits = await gw.datasets.mnist({ split: 'test', limit: 2000 })
 * const atlas = await gw.similarity.atlas(model, digits.images, { layer: 'conv2d_2', labels: digits.labels })
 * atlas.cells.length   // the non-empty cells; the cell shows the zoomable atlas
 */
export async function atlas(
  model: GlasswingModel,
  images: tf.Tensor,
  options: AtlasOptions,
): Promise<ActivationAtlas> {
  await ensureBackend()
  try {
    return await computeAtlas(model, images, options)
  } catch (error) {
    throw explainBackendError(error, WHERE)
  }
}

async function computeAtlas(
  model: GlasswingModel,
  images: tf.Tensor,
  options: AtlasOptions,
): Promise<ActivationAtlas> {
  if (typeof options !== 'object' || options === null)
    fail('options', "an object with at least { layer: '...' }", options, 'Name the layer to lay out.')
  if (!(images instanceof tf.Tensor) || images.isDisposed || images.rank < 2)
    fail('images', 'a tensor of images [n, height, width, channels]', images)
  const layer = options.layer
  if (typeof layer !== 'string')
    fail('options.layer', 'a layer name', layer, `Layers: ${model.layerNames.join(', ')}`)
  const shape = model.layerShape(layer)
  const n = images.shape[0]!
  const grid = wholeNumber(options.grid ?? 20, 'options.grid', 2, 200)
  const maxSamples = wholeNumber(options.maxSamples ?? 10_000, 'options.maxSamples', 16, 200_000)
  const positions = shape.slice(1, -1).reduce<number>((a, b) => a * (b ?? 1), 1)
  const perImage = wholeNumber(
    options.positionsPerImage ?? Math.max(1, Math.min(positions, Math.floor(maxSamples / Math.max(1, n)))),
    'options.positionsPerImage',
    1,
    positions,
  )
  const minCount = wholeNumber(options.minCount ?? 3, 'options.minCount', 1)
  const batchSize = wholeNumber(options.batchSize ?? 256, 'options.batchSize', 1)
  const seed = wholeNumber(options.seed ?? 0, 'options.seed', 0)
  const visualizeCells = wholeNumber(options.visualize ?? 0, 'options.visualize', 0, 400)
  const labels = options.labels === undefined ? null : toClasses(options.labels, 'options.labels', n)
  const inputRange = options.inputRange ?? [0, 1]
  if (n * perImage < 16)
    fail(
      'images',
      'at least 16 activation vectors (images x positions)',
      `${n} images x ${perImage} positions`,
    )

  // Images are visited in a seeded order when there are more than maxSamples / perImage.
  const useImages = Math.min(n, Math.ceil(maxSamples / perImage))
  const chosen = useImages < n ? chooseImages(n, useImages, seed) : null
  const source = chosen ? tf.gather(images, chosen) : images
  let samples: Samples
  try {
    samples = sampleActivations(model, source, layer, perImage, batchSize, seed)
  } finally {
    if (chosen) source.dispose()
  }
  const imageIndex = (k: number): number => (chosen ? chosen[samples.image[k]!]! : samples.image[k]!)
  if (samples.count < 16)
    fail('images', 'at least 16 positions where the layer is active', `${samples.count}`, 'Use more images.')
  const { count, channels } = samples

  throwIfInterrupted(WHERE)
  const neighbors = Math.min(wholeNumber(options.neighbors ?? 50, 'options.neighbors', 2), count - 1)
  const unit = normalisedRows(samples.vectors.subarray(0, count * channels), count, channels)
  const layout = await runUmap(
    { values: unit, rows: count, columns: channels },
    {
      neighbors,
      minDistance: options.minDistance ?? 0.05,
      epochs: options.epochs ?? 200,
      seed,
    },
  )
  const cellOf = binPoints(layout.coordinates, count, grid)

  // Per cell: count, sum of activations, class counts.
  const cellCount = new Int32Array(grid * grid)
  const sums = new Float64Array(grid * grid * channels)
  const classCounts = new Map<number, Map<number, number>>()
  for (let k = 0; k < count; k++) {
    const c = cellOf[k]!
    if (c < 0) continue
    cellCount[c]!++
    for (let j = 0; j < channels; j++) sums[c * channels + j]! += samples.vectors[k * channels + j]!
    if (labels) {
      const perClass = classCounts.get(c) ?? new Map<number, number>()
      const label = labels[imageIndex(k)]!
      perClass.set(label, (perClass.get(label) ?? 0) + 1)
      classCounts.set(c, perClass)
    }
  }
  // The sample nearest each cell's mean (cosine), and the next nearest images.
  const members = new Map<number, number[]>()
  for (let k = 0; k < count; k++) {
    const c = cellOf[k]!
    if (c >= 0 && cellCount[c]! >= minCount) (members.get(c) ?? members.set(c, []).get(c)!).push(k)
  }
  const [inputHeight, inputWidth, inputChannels] = (
    images.rank === 4 ? images.shape.slice(1) : [0, 0, 0]
  ) as [number, number, number]
  const geometry =
    images.rank === 4 && (inputChannels === 1 || inputChannels === 3)
      ? patchGeometry(shape, [inputHeight, inputWidth], options.patchSize)
      : null
  const cells: AtlasCellData[] = []
  const patches: Uint8Array[] = []
  const examplePatches: Uint8Array[] = []
  for (const [c, list] of [...members.entries()].sort((a, b) => a[0] - b[0])) {
    throwIfInterrupted(WHERE, { done: cells.length, total: members.size, unit: 'cells' })
    const mean = new Float32Array(channels)
    for (let j = 0; j < channels; j++) mean[j] = sums[c * channels + j]! / cellCount[c]!
    const meanUnit = normalisedRows(mean, 1, channels)
    const scored = list.map((k) => {
      let dot = 0
      for (let j = 0; j < channels; j++) dot += unit[k * channels + j]! * meanUnit[j]!
      return { k, dot }
    })
    scored.sort((a, b) => b.dot - a.dot || a.k - b.k)
    const examples: number[] = []
    const exampleSamples: number[] = []
    for (const { k } of scored) {
      const index = imageIndex(k)
      if (!examples.includes(index)) {
        examples.push(index)
        exampleSamples.push(k)
      }
      if (examples.length === EXAMPLES_PER_CELL) break
    }
    let icon: number | null = null
    if (geometry) {
      const crops = exampleSamples.map((k) =>
        cropPatch(images, imageIndex(k), samples.position[k]!, geometry, inputRange),
      )
      patches.push(crops[0]!)
      icon = patches.length - 1
      const bytes = geometry.size * geometry.size * inputChannels
      const block = new Uint8Array(EXAMPLES_PER_CELL * bytes)
      crops.forEach((crop, j) => block.set(crop, j * bytes))
      examplePatches.push(block)
    }
    const perClass = classCounts.get(c)
    const classes = perClass
      ? [...perClass.entries()]
          .sort((a, b) => b[1] - a[1] || a[0] - b[0])
          .slice(0, 3)
          .map(([label, n]) => ({ class: label, count: n }))
      : []
    cells.push({
      column: c % grid,
      row: Math.floor(c / grid),
      count: cellCount[c]!,
      mean,
      icon,
      visualization: null,
      classes,
      examples,
    })
  }

  const visualizeSteps = wholeNumber(options.visualizeSteps ?? 64, 'options.visualizeSteps', 1, 4096)
  const classNames = labels
    ? (options.classNames ?? Array.from({ length: Math.max(...labels) + 1 }, (_, i) => String(i))).map(String)
    : null
  const provenance = makeProvenance({
    method: 'activation-atlas',
    parameters: {
      layer,
      grid,
      maxSamples,
      positionsPerImage: perImage,
      minCount,
      projection: 'umap (cosine: L2-normalised rows)',
      neighbors,
      minDistance: layout.parameters.minDistance,
      epochs: layout.parameters.epochs,
      patchSize: geometry?.size ?? null,
      visualize: visualizeCells,
      images: useImages,
    },
    seed,
    model: model.tfModel as tf.LayersModel,
  })
  const data: AtlasData = {
    layer,
    grid,
    minCount,
    samples: count,
    images: useImages,
    zeroPositions: samples.zeroPositions,
    coordinates: layout.coordinates,
    cells,
    classNames,
    patches: geometry ? { pixels: concat(patches), size: geometry.size, channels: inputChannels } : null,
    examplePatches: geometry ? { pixels: concat(examplePatches), perCell: EXAMPLES_PER_CELL } : null,
    visualizations: null,
    modelName: model.source,
  }
  if (visualizeCells > 0 && cells.length > 0) {
    // Progressive: in a notebook the atlas shows with its patch icons while the visualizations run; that
    // preview then becomes one line, and the returned atlas shows both.
    const preview = richFrontEnd()
      ? display(new ActivationAtlas({ ...data, cells: cells.map((c) => ({ ...c })) }, provenance))
      : null
    try {
      data.visualizations = await visualizeCellsOf(model, layer, cells, visualizeCells, {
        steps: visualizeSteps,
        seed,
        inputRange,
      })
    } finally {
      preview?.update({
        [JUPYTER_DISPLAY]: () => ({
          'text/plain': `Activation atlas of ${layer}: the patch icons showed here while ${visualizeCells} feature visualizations ran.`,
        }),
      })
    }
  }
  return new ActivationAtlas(data, provenance)
}

function chooseImages(n: number, m: number, seed: number): Int32Array {
  const random = seededRandom(seed + 1)
  const all = Int32Array.from({ length: n }, (_, i) => i)
  for (let k = 0; k < m; k++) {
    const j = k + Math.floor(random() * (n - k))
    const t = all[j]!
    all[j] = all[k]!
    all[k] = t
  }
  return all.slice(0, m).sort()
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** One batched feature visualization: image i maximises the direction of the i-th most populated cell. */
async function visualizeCellsOf(
  model: GlasswingModel,
  layer: string,
  cells: AtlasCellData[],
  cap: number,
  options: { steps: number; seed: number; inputRange: readonly [number, number] },
): Promise<{ pixels: Uint8Array; size: number; channels: number; count: number }> {
  const chosen = [...cells.keys()].sort((a, b) => cells[b]!.count - cells[a]!.count || a - b).slice(0, cap)
  const objective = Objective.sum(
    chosen.map((cell, i) => direction(layer, cells[cell]!.mean, { batch: i, name: `cell ${cell}` })),
  )
  const result = await visualize(model, objective, {
    batch: chosen.length,
    steps: options.steps,
    seed: options.seed,
    inputRange: options.inputRange,
    live: false,
  })
  const { data, height, width, channels } = result.images
  chosen.forEach((cell, i) => (cells[cell]!.visualization = i))
  const pixels = Uint8Array.from(data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255))
  if (height !== width)
    throw new GlasswingError({
      where: WHERE,
      argument: 'model',
      expected: 'square input images for feature visualizations',
      received: `${height}x${width}`,
      hint: 'Leave options.visualize at 0.',
    })
  return { pixels, size: height, channels, count: chosen.length }
}
