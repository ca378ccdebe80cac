/**
 * `gw.neurons`: the neuron dictionary of one layer. Per unit: its feature visualization, top dataset
 * examples with activation maps, activation statistics, tuning curves, a dissection label, and the
 * effect of ablating it. Each step can be switched off or given its own options.
 */
import { checkNeuronsArguments } from './arguments'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { describeValue, GlasswingError } from '../errors'
import type { GlasswingModel } from '../model'
import { progress } from '../session/progress'
import { ablate } from './ablation'
import { richFrontEnd } from './live'
import { dissect, type DissectOptions } from './dissection/dissect'
import { checkUnits, layerUnits, modelImageShape } from './model-shape'
import { NeuronDictionary, type NeuronEntry, type StageName } from './neuron-dictionary'
import { objectives } from './objectives'
import { requireSpatial } from './objectives/select'
import type { Parametrization } from './parametrizations'
import { topExamples } from './top-examples'
import type { Transform } from './transforms'
import { tuningCurves, type TuningOptions } from './tuning'
import { visualize } from './visualize'
import { unitNote, visualizationValues } from './unit-notes'

const DEFAULT_ABLATION_EXAMPLES = 2000

/** Options of the feature-visualization step of {@link neurons}. */
export interface DictionaryVisualizeOptions {
  /**
   * What each image maximizes on a convolutional layer: the unit's whole channel (default; a texture
   * of what it detects), or its neuron at the map's centre (its receptive field).
   */
  objective?: 'channel' | 'neuron'
  /** Default 256. */
  steps?: number
  parametrization?: Parametrization
  transforms?: readonly Transform[]
  learningRate?: number
}

/** Options of {@link neurons}. */
export interface NeuronsOptions {
  /** The layer to describe. */
  layer: string
  /** Images [n, height, width, channels] in [0, 1], or a data set such as `gw.datasets.mnist()`'s. */
  data: tf.Tensor4D | { images: tf.Tensor4D; labels?: tf.Tensor1D; classNames?: readonly string[] }
  /** Int class indices for the ablation's accuracy (taken from `data` when it has them). */
  labels?: tf.Tensor1D
  /** Which units; all of the layer's by default. */
  units?: readonly number[]
  /** Top examples per unit. Default 9. */
  top?: number
  /** Feature visualization: true (default), false, or its options. */
  visualize?: boolean | DictionaryVisualizeOptions
  /** Tuning curves: true (default), false, or their options. */
  tuning?: boolean | TuningOptions
  /** Dissection: default true for layers with spatial extent, false otherwise; or its options. */
  dissection?: boolean | DissectOptions
  /**
   * Ablation: true (default), false, or how many of the first examples of `data` it measures (default
   * 2,000: the tail of the model runs once per unit, and on 2,000 paired examples an accuracy drop is
   * known to about 0.2 points, enough to rank units).
   */
  ablation?: boolean | { limit?: number }
  /** The range the model expects its pixels in; data and synthetic images in [0, 1] map onto it. */
  inputRange?: readonly [number, number]
  /** Seeds feature visualization and the probe set. Default 0. */
  seed?: number
  /** Called as each step starts and ends. */
  onProgress?: (progress: { stage: StageName; done: boolean }) => void | Promise<void>
}

/**
 * Describes every unit of a layer: what it looks for, what excites it in the data, what it is tuned
 * to, which concept it matches, and what the model loses without it.
 *
 * @example
 * const mnist = await gw.datasets.mnist({ split: 'test', limit: 1000 })
 * await gw.neurons(model, { layer: 'conv2d_1', data: mnist, top: 9 })   // the dictionary view
 */
export async function neurons(model: GlasswingModel, options: NeuronsOptions): Promise<NeuronDictionary> {
  await ensureBackend()
  const where = 'gw.neurons'
  try {
    return await buildDictionary(model, options, where)
  } catch (error) {
    throw explainBackendError(error, where)
  }
}

async function buildDictionary(
  model: GlasswingModel,
  options: NeuronsOptions,
  where: string,
): Promise<NeuronDictionary> {
  checkNeuronsArguments(model, options, where)
  const { layer } = options
  const shape = modelImageShape(model, where)
  const { units: unitCount, spatial } = layerUnits(model, layer)
  const units = options.units ? [...options.units] : Array.from({ length: unitCount }, (_, i) => i)
  checkUnits(units, unitCount, layer, where)
  const { images, labels, classNames } = normalizeData(options, shape, where)
  const dissection = options.dissection ?? spatial
  if (dissection)
    requireSpatial(model.layerShape(layer), layer, where, 'dissection (pass dissection: false to skip it)')
  const inputRange = options.inputRange ?? [0, 1]
  const seed = options.seed ?? 0
  const timings: Partial<Record<StageName, number>> = {}
  const stages = countStages(options, dissection)
  // In a notebook, one bar over the steps (it also stops the work between steps on an interrupt).
  const bar = richFrontEnd() ? progress({ total: stages, label: `gw.neurons(${layer})`, unit: 'step' }) : null
  const stage = async <T>(name: StageName, run: () => T | Promise<T>): Promise<T> => {
    await options.onProgress?.({ stage: name, done: false })
    const started = performance.now()
    const result = await run()
    timings[name] = (performance.now() - started) / 1000
    await options.onProgress?.({ stage: name, done: true })
    bar?.tick()
    return result
  }

  const { objective: kind, ...settings }: DictionaryVisualizeOptions =
    typeof options.visualize === 'object' ? options.visualize : {}
  const at = kind === 'neuron' ? 'centre' : 'channel'
  const visualization =
    options.visualize === false
      ? null
      : await stage('visualization', () => {
          const objective = objectives.unitsPerImage(layer, units, { at })
          return visualize(model, objective, { ...settings, batch: units.length, seed, inputRange })
        })
  // Measured once more without transforms: a unit its image never excited gets words, not a picture.
  const values = visualization
    ? visualizationValues(model, layer, units, visualization.images, at, inputRange)
    : null
  const examples = await stage('examples', () =>
    topExamples(model, layer, images, units, { top: options.top ?? 9, inputRange }),
  )
  const tuning =
    options.tuning === false
      ? null
      : await stage('tuning', () =>
          tuningCurves(model, layer, {
            inputRange,
            ...(options.tuning === true ? {} : options.tuning),
          }),
        )
  const labelled = dissection
    ? await stage('dissection', () =>
        dissect(model, layer, { inputRange, seed, ...(dissection === true ? {} : dissection) }),
      )
    : null
  const ablationLimit = typeof options.ablation === 'object' ? options.ablation.limit : undefined
  const ablation =
    options.ablation === false
      ? null
      : await stage('ablation', () => {
          const n = Math.min(images.shape[0], ablationLimit ?? DEFAULT_ABLATION_EXAMPLES)
          if (n === images.shape[0]) return ablate(model, layer, images, labels, units, { inputRange })
          const subset = images.slice([0], [n])
          const subsetLabels = labels ? labels.slice([0], [n]) : null
          try {
            return ablate(model, layer, subset, subsetLabels, units, { inputRange })
          } finally {
            tf.dispose([subset, ...(subsetLabels ? [subsetLabels] : [])])
          }
        })

  bar?.finish()
  const entries: NeuronEntry[] = units.map((unit, i) => ({
    unit,
    visualization: visualization && values![i] !== 0 ? imageOf(visualization.images, i) : null,
    visualizationValue: values ? values[i]! : null,
    note: unitNote(examples[i]!.statistics, values ? values[i]! : null, images.shape[0]),
    examples: examples[i]!.examples,
    statistics: examples[i]!.statistics,
    tuning: tuning ? tuning[unit]! : null,
    label: labelled ? labelled.labels[unit]! : null,
    concepts: labelled
      ? labelled.concepts
          .map((concept, k) => ({ concept, iou: labelled.iou[unit]![k]! }))
          .sort((a, b) => b.iou - a.iou)
          .slice(0, 5)
      : [],
    ablation: ablation ? ablation.effects[i]! : null,
  }))
  return new NeuronDictionary({
    model,
    layer,
    entries,
    images,
    labels: labels ? Array.from(labels.dataSync()) : null,
    classNames,
    baselineAccuracy: ablation?.baselineAccuracy ?? null,
    ablationExamples: ablation?.examples ?? 0,
    visualizationHistory: visualization?.history ?? [],
    timings,
    parameters: {
      layer,
      units,
      top: options.top ?? 9,
      visualize: visualization?.parameters ?? false,
      tuning: options.tuning ?? true,
      dissection: labelled ? { quantile: labelled.quantile, probes: labelled.probeCount } : false,
      ablation: ablation ? { examples: ablation.examples } : false,
      inputRange,
    },
    seed,
  })
}

function countStages(options: NeuronsOptions, dissection: boolean | DissectOptions): number {
  return (
    1 + [options.visualize, options.tuning, dissection, options.ablation].filter((o) => o !== false).length
  )
}

function normalizeData(
  options: NeuronsOptions,
  shape: { height: number; width: number; channels: number },
  where: string,
): { images: tf.Tensor4D; labels: tf.Tensor1D | null; classNames: readonly string[] | null } {
  const data = options.data
  const images = data instanceof tf.Tensor ? data : data?.images
  const labels = options.labels ?? (data instanceof tf.Tensor ? undefined : data?.labels) ?? null
  const classNames = data instanceof tf.Tensor ? null : (data?.classNames ?? null)
  const expected = `[n, ${shape.height}, ${shape.width}, ${shape.channels}]`
  if (
    !(images instanceof tf.Tensor) ||
    images.rank !== 4 ||
    images.shape.slice(1).join() !== [shape.height, shape.width, shape.channels].join()
  ) {
    throw new GlasswingError({
      where,
      argument: 'options.data',
      expected: `images ${expected} (a tensor, or a data set with .images)`,
      received: describeValue(images ?? data),
      hint: 'Pass the images the model takes, for example `await gw.datasets.mnist({ limit: 1000 })`.',
    })
  }
  if (images.shape[0] === 0) {
    throw new GlasswingError({
      where,
      argument: 'options.data',
      expected: 'at least one example',
      received: 'an empty data set',
      hint: 'Pass some images: top examples and ablation are measured over them (a few hundred at least).',
    })
  }
  if (labels && (labels.rank !== 1 || labels.shape[0] !== images.shape[0])) {
    throw new GlasswingError({
      where,
      argument: 'options.labels',
      expected: `int class indices of shape [${images.shape[0]}], one per image`,
      received: describeValue(labels),
    })
  }
  return { images: images as tf.Tensor4D, labels, classNames }
}

function imageOf(
  images: { data: Float32Array; height: number; width: number; channels: number },
  index: number,
) {
  const size = images.height * images.width * images.channels
  return { ...images, batch: 1, data: images.data.slice(index * size, (index + 1) * size) }
}
