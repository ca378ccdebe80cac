/**
 * The DSL: gw.embed (points, or a model's layer over a data set), gw.embedLayers (the same inputs at
 * several layers), gw.tsne / gw.umap / gw.pca, and gw.quality. Input is normalized and checked here,
 * once; the methods see a clean Matrix.
 */
import { checkModel } from '../model/check'
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { makeProvenance } from '../display/provenance'
import { GlasswingError, describeValue } from '../errors'
import { checkLayerName } from '../model/names'
import type { GlasswingModel } from '../model/types'
import { collectActivations, type Pooling } from './activations'
import { LayerComparison } from './comparison'
import { Embedding, type EmbeddingMethod, type Thumbnails } from './embedding'
import { isModel, thumbnailsOf, toClasses } from './inputs'
import { EMBEDDING_METHODS, type MethodOptions } from './registry'
import { liveId } from '../display/live'
import { liveProgress, showsLiveViews } from './live'
import { toMatrix, validatePoints, type Matrix, type MatrixLike } from './matrix'
import { fitPca, PcaModel, type PcaOptions } from './pca'
import { embeddingQuality, type EmbeddingQuality, type QualityOptions } from './quality'

/** Options every method shares. */
export interface CommonEmbedOptions {
  /** With a model: the layer whose activations to embed. */
  layer?: string
  /** With a model: 'flatten' (default) or 'average' (global average over space). */
  pool?: Pooling
  /** With a model: inputs per forward pass. Default 256. */
  batchSize?: number
  /** True classes, one per point: int labels or one-hot rows. */
  labels?: tf.Tensor | ArrayLike<number> | null
  /** Predicted classes without a model (with one they are computed). */
  predictions?: tf.Tensor | ArrayLike<number> | null
  /** Names of the classes (default: the model's, else '0', '1', ...). */
  classNames?: readonly string[]
  /** t-SNE and UMAP: reduce wider inputs to this many principal components first. Default 50; false: never. */
  reduce?: number | false
  /** Compute trustworthiness and kNN preservation. Default true. */
  quality?: boolean | QualityOptions
  /**
   * Image inputs: how many thumbnails to send for hover and the selection gallery (the first ones).
   * Default: as many as fit in 1 MiB (1,337 MNIST digits). Live frames send none.
   */
  thumbnails?: number
  /** Update the view in place while optimising. Default: when a notebook front end is attached. */
  live?: boolean
}

/** gw.embed's options: the method and its own options, plus the common ones. */
export type EmbedOptions = CommonEmbedOptions &
  (
    | ({ method: 'pca' } & MethodOptions['pca'])
    | ({ method?: 'tsne' } & MethodOptions['tsne'])
    | ({ method: 'umap' } & MethodOptions['umap'])
  )

/**
 * Embeds points in 2-D: t-SNE by default, or PCA or UMAP. Pass a model, its inputs and a layer to embed
 * that layer's activations (predictions and thumbnails come along).
 *
 * @example
 * const model = await gw.load('notebooks/models/mnist-cnn')
 * const { images, labels } = await gw.datasets.mnist({ split: 'test', limit: 2000 })
 * await gw.embed(model, images, { layer: 'dense_1', method: 'tsne', labels })
 * await gw.embed(activations, { method: 'umap', labels })
 */
export async function embed(data: MatrixLike, options?: EmbedOptions): Promise<Embedding>
export async function embed(
  model: GlasswingModel,
  inputs: tf.Tensor,
  options: EmbedOptions & { layer: string },
): Promise<Embedding>
export async function embed(
  first: MatrixLike | GlasswingModel,
  second?: tf.Tensor | EmbedOptions,
  third?: EmbedOptions,
): Promise<Embedding> {
  await ensureBackend()
  try {
    if (first instanceof tf.Tensor && (first.isDisposed || first.dtype === 'string'))
      throw new GlasswingError({
        where: 'gw.embed',
        argument: 'data',
        expected: 'points: a numeric tensor [n, features] or nested number arrays, or a model',
        received: first.isDisposed ? 'a disposed tensor' : describeValue(first),
      })
    const given = isModel(first) ? third : second instanceof tf.Tensor ? undefined : second
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
      throw new GlasswingError({
        where: 'gw.embed',
        argument: 'options',
        expected: "an object of options, such as { method: 'tsne', labels }",
        received: describeValue(given),
      })
    }
    checkCommonEmbedOptions(given, 'gw.embed')
    if (isModel(first)) {
      const options = third ?? ({} as EmbedOptions)
      if (!(second instanceof tf.Tensor)) {
        throw new GlasswingError({
          where: 'gw.embed',
          argument: 'inputs',
          expected: 'a tensor of inputs for the model',
          received: describeValue(second),
        })
      }
      if (typeof options.layer !== 'string') {
        throw new GlasswingError({
          where: 'gw.embed',
          argument: 'options.layer',
          expected: 'the name of a layer whose activations to embed',
          received: describeValue(options.layer),
          hint: `The model's layers: ${first.layerNames.slice(-6).join(', ')}.`,
        })
      }
      const comparison = await embedModelLayers(first, second, [options.layer], options, 'gw.embed')
      return comparison.embeddings[0]!
    }
    const options = (second as EmbedOptions | undefined) ?? {}
    const matrix = toMatrix(first, 'gw.embed')
    return await embedMatrix(matrix, options, {
      where: 'gw.embed',
      layer: null,
      predictions: options.predictions
        ? toClasses(options.predictions, 'options.predictions', matrix.rows)
        : null,
      classNames: options.classNames ?? null,
      thumbnails: first instanceof tf.Tensor ? thumbnailsOf(first, options.thumbnails) : null,
      fingerprint: null,
    })
  } catch (error) {
    throw explainBackendError(error, 'gw.embed')
  }
}

/**
 * gw.embedLayers' options: gw.embed's without `layer`, with `layers`. Omitted member by member, so that
 * each method keeps its own options (a plain `Omit` of the union keeps only the keys all methods share,
 * and `perplexity` or `iterations` would not type-check).
 */
export type EmbedLayersOptions = WithoutLayer<EmbedOptions> & { layers: readonly string[] }

/** `Omit<T, 'layer'>` of each member of a union. */
type WithoutLayer<T> = T extends unknown ? Omit<T, 'layer'> : never

/**
 * Embeds the same inputs at several layers, to see whether classes separate with depth.
 *
 * @example
 * await gw.embedLayers(model, images, { layers: ['conv2d_1', 'conv2d_2', 'dense_1'], pool: 'average', labels })
 */
export async function embedLayers(
  model: GlasswingModel,
  inputs: tf.Tensor,
  options: EmbedLayersOptions,
): Promise<LayerComparison> {
  await ensureBackend()
  try {
    checkModel(model, 'gw.embedLayers')
    checkCommonEmbedOptions(options, 'gw.embedLayers')
    const fail = (argument: string, expected: string, value: unknown): never => {
      throw new GlasswingError({
        where: 'gw.embedLayers',
        argument,
        expected,
        received: describeValue(value),
      })
    }
    if (!(inputs instanceof tf.Tensor)) fail('inputs', 'a tensor of inputs for the model', inputs)
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      fail('options', "an object such as { layers: ['conv2d_1', 'dense_1'] }", options)
    if (!Array.isArray(options.layers) || options.layers.length === 0)
      fail('options.layers', 'a non-empty array of layer names', options.layers)
    return await embedModelLayers(model, inputs, options.layers, options, 'gw.embedLayers', true)
  } catch (error) {
    throw explainBackendError(error, 'gw.embedLayers')
  }
}

/**
 * t-SNE of points (gw.embed with method 'tsne').
 *
 * @example
 * const embedding = await gw.tsne(features, { perplexity: 30, labels, seed: 1 })
 * embedding.toCSV()
 */
export function tsne(
  data: MatrixLike,
  options: CommonEmbedOptions & MethodOptions['tsne'] = {},
): Promise<Embedding> {
  return embed(data, { ...options, method: 'tsne' })
}

/**
 * UMAP of points (gw.embed with method 'umap').
 *
 * @example
 * const embedding = await gw.umap(features, { neighbors: 15, labels })
 */
export function umap(
  data: MatrixLike,
  options: CommonEmbedOptions & MethodOptions['umap'] = {},
): Promise<Embedding> {
  return embed(data, { ...options, method: 'umap' })
}

/**
 * PCA of points: components, explained variance (and ratio), and a transform for new points.
 * (`gw.embed(data, { method: 'pca' })` gives the 2-D view instead.)
 *
 * @example
 * const model = await gw.pca(activations, { components: 50 })
 * model.explainedVarianceRatio   // Float64Array [0.097, 0.071, ...]
 * const reduced = model.transform(activations)
 */
export async function pca(data: MatrixLike, options: PcaOptions = {}): Promise<PcaModel> {
  await ensureBackend()
  try {
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw new GlasswingError({
        where: 'gw.pca',
        argument: 'options',
        expected: 'an object of options, such as { components: 50 }',
        received: describeValue(options),
      })
    checkCommonEmbedOptions(options as CommonEmbedOptions, 'gw.pca')
    const matrix = toMatrix(data, 'gw.pca')
    validatePoints(matrix, 'gw.pca', 2)
    return fitPca(matrix, options)
  } catch (error) {
    throw explainBackendError(error, 'gw.pca')
  }
}

/**
 * Trustworthiness and k-NN preservation of any embedding of `original` (rows in the same order).
 *
 * @example
 * const { trustworthiness } = await gw.quality(features, embedding.toArray(), { k: 10 })
 */
export async function quality(
  original: MatrixLike,
  embedded: MatrixLike,
  options: QualityOptions = {},
): Promise<EmbeddingQuality> {
  await ensureBackend()
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new GlasswingError({
      where: 'gw.quality',
      argument: 'options',
      expected: 'an object of options, such as { k: 10 }',
      received: describeValue(options),
    })
  return embeddingQuality(
    toMatrix(original, 'gw.quality', 'original'),
    toMatrix(embedded, 'gw.quality', 'embedded'),
    options,
  )
}

interface Context {
  where: string
  layer: string | null
  predictions: Int32Array | null
  classNames: readonly string[] | null
  thumbnails: Thumbnails | null
  fingerprint: string | null
  /** Whether the live output ends showing the final embedding (several layers) or a note (one result). */
  keepLiveView?: boolean
}

async function embedModelLayers(
  model: GlasswingModel,
  inputs: tf.Tensor,
  layers: readonly string[],
  options: EmbedOptions,
  where: string,
  keepLiveViews = false,
): Promise<LayerComparison> {
  const expected = model.inputShape ?? []
  const fits =
    !inputs.isDisposed &&
    inputs.dtype !== 'string' &&
    (expected.length === 0 ||
      (inputs.rank === expected.length &&
        expected.every((dim, axis) => axis === 0 || dim === null || dim === inputs.shape[axis])))
  if (!fits) {
    throw new GlasswingError({
      where,
      argument: 'inputs',
      expected: `a numeric batch of shape [n, ${expected
        .slice(1)
        .map((d) => d ?? '?')
        .join(', ')}] for the model`,
      received: inputs.isDisposed ? 'a disposed tensor' : describeValue(inputs),
    })
  }
  layers.forEach((layer, i) =>
    checkLayerName(
      layer,
      model.layerNames,
      where,
      layers.length > 1 ? `options.layers[${i}]` : 'options.layer',
    ),
  )
  const collected = collectActivations(
    model,
    inputs,
    layers,
    {
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    },
    where,
  )
  const embeddings: Embedding[] = []
  for (const layer of layers) {
    embeddings.push(
      await embedMatrix(collected.layers[layer]!, options, {
        where,
        layer,
        predictions: collected.predictions,
        classNames: options.classNames ?? model.classNames,
        thumbnails: thumbnailsOf(inputs, options.thumbnails),
        fingerprint: model.fingerprint,
        keepLiveView: keepLiveViews,
      }),
    )
  }
  // Where each layer was left as its own interactive view, the comparison does not draw them again.
  return new LayerComparison(embeddings, { viewsShown: keepLiveViews && showsLiveViews(options.live) })
}

async function embedMatrix(input: Matrix, options: EmbedOptions, context: Context): Promise<Embedding> {
  const method: EmbeddingMethod = options.method ?? 'tsne'
  if (!(method in EMBEDDING_METHODS)) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.method',
      expected: "'pca', 'tsne' or 'umap'",
      received: describeValue(method),
    })
  }
  const { duplicates } = validatePoints(input, context.where)
  if (duplicates > 0) {
    process.emitWarning(
      `${context.where}: ${duplicates} of ${input.rows} points duplicate others; they will sit on top of each other.`,
      { type: 'GlasswingWarning' },
    )
  }
  const labels = options.labels ? toClasses(options.labels, 'options.labels', input.rows) : null
  const reduceTo = options.reduce ?? 50
  const matrix =
    method !== 'pca' && reduceTo !== false && input.columns > reduceTo && input.rows > reduceTo
      ? fitPca(input, { components: reduceTo, seed: options.seed ?? 0 }).transform(input)
      : input
  const base = {
    method,
    // One id for the live frames and the final embedding: a lasso in either reaches the same result.
    displayId: liveId('embedding'),
    layer: context.layer,
    labels,
    predictions: context.predictions,
    classNames: context.classNames,
    thumbnails: context.thumbnails,
  }
  const live = liveProgress(options.live, context.where, (progress) => {
    const provenance = makeProvenance({ method, parameters: {}, seed: null })
    // Frames come and go: they carry no thumbnails (the final embedding does), which would be resent
    // whole with every frame.
    return new Embedding(progress.coordinates, {
      ...base,
      thumbnails: null,
      provenance,
      progress: { step: progress.iteration, total: progress.iterations },
    })
  })
  const runner = EMBEDDING_METHODS[method] as (
    m: Matrix,
    o: EmbedOptions,
    p: typeof live.onProgress,
  ) => ReturnType<(typeof EMBEDDING_METHODS)['tsne']>
  const userProgress = 'onProgress' in options ? options.onProgress : undefined
  const result = await runner(matrix, options, async (progress) => {
    await live.onProgress(progress)
    await userProgress?.(progress)
  })
  const qualityOptions = typeof options.quality === 'object' ? options.quality : {}
  const measured =
    options.quality === false
      ? null
      : embeddingQuality(
          matrix,
          { values: result.coordinates, rows: matrix.rows, columns: 2 },
          qualityOptions,
        )
  const provenance = makeProvenance({
    method,
    parameters: {
      ...result.parameters,
      ...(matrix !== input ? { reducedTo: reduceTo } : {}),
      ...(context.layer ? { layer: context.layer, pool: options.pool ?? 'flatten' } : {}),
    },
    seed: result.seed,
  })
  provenance.modelFingerprint = context.fingerprint
  const embedding = new Embedding(result.coordinates, {
    ...base,
    provenance,
    quality: measured,
    explainedVarianceRatio: result.explainedVarianceRatio ?? null,
  })
  live.finish(embedding, context.keepLiveView ?? false)
  return embedding
}

/** `classNames` and `reduce` checked (the others are checked where they are used). */
function checkCommonEmbedOptions(options: CommonEmbedOptions | undefined, where: string): void {
  if (!options) return
  const { classNames, reduce, thumbnails } = options
  const method = (options as { method?: unknown }).method
  const methods = Object.keys(EMBEDDING_METHODS)
  if (method !== undefined && !(typeof method === 'string' && methods.includes(method)))
    throw new GlasswingError({
      where,
      argument: 'options.method',
      expected: methods.map((m) => `'${m}'`).join(', '),
      received: describeValue(method),
    })
  // Numbers of the methods' own options: anything else (a tensor, an object) is refused before use.
  for (const key of [
    'perplexity',
    'iterations',
    'neighbors',
    'epochs',
    'minDistance',
    'components',
    'seed',
  ]) {
    const value = (options as Record<string, unknown>)[key]
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      throw new GlasswingError({
        where,
        argument: `options.${key}`,
        expected: 'a finite number',
        received: describeValue(value),
      })
  }
  const rate = (options as { learningRate?: unknown }).learningRate
  if (
    rate !== undefined &&
    rate !== 'auto' &&
    !(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))
  )
    throw new GlasswingError({
      where,
      argument: 'options.learningRate',
      expected: "'auto' or a finite number > 0",
      received: describeValue(rate),
    })
  const quality = options.quality
  if (
    quality !== undefined &&
    typeof quality !== 'boolean' &&
    (typeof quality !== 'object' || quality === null || Array.isArray(quality))
  )
    throw new GlasswingError({
      where,
      argument: 'options.quality',
      expected: 'true, false or an object such as { k: 10 }',
      received: describeValue(quality),
    })
  if (thumbnails !== undefined && !(Number.isSafeInteger(thumbnails) && thumbnails >= 0))
    throw new GlasswingError({
      where,
      argument: 'options.thumbnails',
      expected: 'a whole number >= 0',
      received: describeValue(thumbnails),
    })
  if (
    classNames !== undefined &&
    !(Array.isArray(classNames) && classNames.every((n) => typeof n === 'string'))
  )
    throw new GlasswingError({
      where,
      argument: 'options.classNames',
      expected: 'an array of class names (strings)',
      received: describeValue(classNames),
    })
  if (reduce !== undefined && reduce !== false && !(Number.isSafeInteger(reduce) && reduce >= 2))
    throw new GlasswingError({
      where,
      argument: 'options.reduce',
      expected: 'a whole number of components >= 2, or false',
      received: describeValue(reduce),
    })
}
