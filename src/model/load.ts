/** `gw.load`: any supported model to a {@link GlasswingModel}. */
import * as tf from '@tensorflow/tfjs'
import { ensureBackend, explainBackendError } from '../backend'
import { GlasswingError, describeValue } from '../errors'
import { installedModel } from './catalog'
import { fileHandler, locateModel, readClassNames } from './files'
import { loadForeignModel } from './foreign'
import { GraphGlasswingModel } from './graph-model'
import { LayersGlasswingModel } from './layers-model'
import { withInputSize } from './input-size'
import { SavedGlasswingModel, type SessionModel } from './saved-model'
import { releaseFailedTape } from './tape'
import type { GlasswingModel } from './types'

/** Options of {@link load}. */
export interface LoadOptions {
  /** Class names, index order; default: labels.json / labels.txt beside the model, if any. */
  classNames?: readonly string[]
  /** SavedModels only: the MetaGraph tags (default ['serve']) and signature (default 'serving_default'). */
  tags?: readonly string[]
  signature?: string
  /**
   * Run one forward and backward pass on a zero example while loading, so that TensorFlow's one-time
   * set-up (kernel selection, graph tracing in tfjs-layers) happens in the load cell rather than in the
   * first explanation (default true).
   */
  warmup?: boolean
  /**
   * Layers models only: rebuild a fully convolutional image model for [height, width] inputs (the weights
   * do not change), for example `[128, 128]` to visualize features of an ImageNet network faster.
   */
  inputSize?: readonly [number, number]
  /**
   * ONNX models only: the model takes images channels first, [n, channels, height, width], as PyTorch
   * exports them. Glasswing then passes images channels last, as everywhere else, and transposes them.
   */
  channelsFirst?: boolean
}

/**
 * Loads a model: a folder or model.json path of a tfjs Layers or Graph model, a TF SavedModel
 * folder, a tfjs model already in memory, or the short name of a model that `make setup` converts
 * ('efficientnet-lite0', an ImageNet network). Every layer gets a name you can pass to methods.
 *
 * @example
 * const model = await gw.load('notebooks/models/mnist-cnn')
 * model.layerNames            // ['conv2d_1', 'max_pooling2d_1', ..., 'dense_2']
 * const acts = tf.tidy(() => model.activations(images, 'conv2d_1'))
 */
export async function load(
  source: string | tf.LayersModel | tf.GraphModel,
  options: LoadOptions = {},
): Promise<GlasswingModel> {
  await ensureBackend()
  try {
    checkLoadOptions(options)
    const model = await loadModel(source, options)
    try {
      checkClassCount(model, options.classNames ? 'options.classNames' : 'labels.json')
    } catch (error) {
      // A model read from disk is ours to free; one passed in stays the caller's.
      if (typeof source === 'string') model.dispose()
      throw error
    }
    if (options.warmup ?? true) warmUp(model)
    return model
  } catch (error) {
    throw explainBackendError(error, 'gw.load')
  }
}

async function loadModel(
  source: string | tf.LayersModel | tf.GraphModel,
  options: LoadOptions,
): Promise<GlasswingModel> {
  const classNames = options.classNames ? [...options.classNames] : null
  if (source instanceof tf.LayersModel) return new LayersGlasswingModel(source, 'memory', classNames)
  if (source instanceof tf.GraphModel) return new GraphGlasswingModel(source, 'memory', classNames)
  if (typeof source !== 'string') {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'source',
      expected: 'a path (folder or model.json), a tf.LayersModel or a tf.GraphModel',
      received: describeValue(source),
    })
  }
  if (/^https?:\/\//.test(source)) {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'source',
      expected: 'a local path',
      received: `the URL ${describeValue(source)}`,
      hint: 'Glasswing fetches nothing at run time: download the model folder and pass its path.',
    })
  }
  const foreign = await loadForeignModel(source, classNames, options)
  if (foreign) return foreign
  const files = locateModel(installedModel(source) ?? source)
  if (files.format === 'missing') {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'source',
      expected: 'a folder holding model.json or saved_model.pb, or a model.json path',
      received: `'${source}' (resolved to ${files.path}), where neither exists`,
      hint: 'Check the path; relative paths start at the notebook’s folder.',
    })
  }
  const names = classNames ?? readClassNames(files.folder)
  if (options.inputSize && files.format !== 'layers') {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'options.inputSize',
      expected: 'a tfjs Layers model, whose input layer can be rebuilt',
      received: `a ${files.format === 'graph' ? 'tfjs Graph model' : 'TF SavedModel'}`,
      hint: 'Leave inputSize out and resize the images instead (tf.image.resizeBilinear).',
    })
  }
  if (files.format === 'saved-model') {
    const node = nativeNode()
    const saved = (await node.loadSavedModel(
      files.folder,
      [...(options.tags ?? ['serve'])],
      options.signature ?? 'serving_default',
    )) as SessionModel
    return new SavedGlasswingModel(saved, files.folder, names)
  }
  if (files.format === 'graph') {
    const graph = await tf.loadGraphModel(fileHandler(files.modelJson))
    return new GraphGlasswingModel(graph, files.modelJson, names)
  }
  const handler = fileHandler(files.modelJson)
  const layers = await tf.loadLayersModel(
    options.inputSize ? withInputSize(handler, options.inputSize) : handler,
  )
  return new LayersGlasswingModel(layers, files.modelJson, names)
}

function checkLoadOptions(options: LoadOptions): void {
  const fail = (argument: string, expected: string, value: unknown, hint: string): never => {
    throw new GlasswingError({ where: 'gw.load', argument, expected, received: describeValue(value), hint })
  }
  const names = 'Give one name per output of the model, in output order, as strings.'
  if (typeof options !== 'object' || options === null)
    fail('options', 'an object of options', options, 'For example { classNames: [...] }.')
  const given = options.classNames
  if (given !== undefined) {
    if (!Array.isArray(given)) fail('options.classNames', 'an array of class names', given, names)
    const bad = given.findIndex((name) => typeof name !== 'string')
    if (bad >= 0) fail(`options.classNames[${bad}]`, 'a string', given[bad], names)
  }
  const size = options.inputSize
  if (
    size !== undefined &&
    !(Array.isArray(size) && size.length === 2 && size.every((d) => Number.isSafeInteger(d) && d >= 1))
  )
    fail('options.inputSize', '[height, width], two whole numbers >= 1', size, 'For example [128, 128].')
}

/**
 * Class names must match the model's outputs one for one: a name past the last output would explain
 * nothing (an all-zero map) instead of failing.
 */
function checkClassCount(model: GlasswingModel, argument: string): void {
  const names = model.classNames
  const classes = model.outputShape[1]
  if (!names || model.outputShape.length !== 2 || typeof classes !== 'number') return
  if (names.length === classes) return
  throw new GlasswingError({
    where: 'gw.load',
    argument,
    expected: `${classes} class name${classes === 1 ? '' : 's'}, one per output of the model`,
    received: `${names.length} (${names
      .slice(0, 4)
      .map((name) => `'${name}'`)
      .join(', ')}${names.length > 4 ? ', ...' : ''})`,
    hint:
      classes === 1
        ? 'A model with one output unit (a sigmoid) has one class: the unit. Give one name, or none.'
        : 'Give one name per output, in output order.',
  })
}

function nativeNode(): { loadSavedModel(path: string, tags: string[], signature: string): Promise<unknown> } {
  if (tf.getBackend() !== 'tensorflow') {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'source',
      expected: 'the native TensorFlow backend, which runs SavedModels',
      received: `the '${tf.getBackend()}' backend`,
      hint: 'Build the native binding (`make setup`), or convert the SavedModel with tensorflowjs_converter.',
    })
  }
  return (require('@tensorflow/tfjs-node') as { node: ReturnType<typeof nativeNode> }).node
}

function warmUp(model: GlasswingModel): void {
  // Best effort: loading never fails for it, and says nothing. A backend without some gradient kernel
  // (wasm) or a layer tfjs cannot differentiate leaves the set-up to the first method that needs it,
  // which then explains the problem with the fix.
  try {
    const shape = model.inputShape.map((dim) => dim ?? 1)
    if (shape.length === 0) return
    tf.tidy(() => {
      const zeros = tf.zeros(shape)
      if (model.differentiable) tf.grad((x: tf.Tensor) => tf.sum(model.predict(x)))(zeros)
      else model.predict(zeros)
    })
  } catch {
    // Skipped: see above.
    releaseFailedTape()
  }
}
