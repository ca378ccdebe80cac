/**
 * A Keras model's config (Keras 3's `config.json`, or the `model_config` of a legacy `.h5`) as the
 * Keras 2 JSON topology that tfjs-layers deserializes, with every layer checked against the classes
 * tfjs can build.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** Keys Keras 3 writes that tfjs-layers does not know (and that change nothing at inference). */
const DROPPED = new Set([
  'module',
  'registered_name',
  'build_config',
  'compile_config',
  'shared_object_id',
  'quantization_config',
  'lora_rank',
  'lora_alpha',
  'synchronized',
  'optional',
  'sparse',
  'ragged',
  'input_axes',
  'output_axes',
  'rms_scaling',
])

/** Layers that hold Python code or state tfjs has no counterpart for, with what to do instead. */
const NOT_REPRESENTABLE: Record<string, string> = {
  Lambda: 'a Lambda layer holds Python code, which cannot run in TensorFlow.js',
  TFOpLambda: 'a TensorFlow operation called on a Keras tensor is saved as Python code',
}

/** The tfjs topology and the layer names in model order. */
export interface Topology {
  json: JsonObject
  layerNames: string[]
}

/**
 * Translates a Keras model config to a tfjs-layers topology.
 *
 * @example
 * const { json } = kerasTopology(JSON.parse(readFileSync('config.json', 'utf8')), 'model.keras')
 * const model = await tf.models.modelFromJSON({ modelTopology: json })
 */
export function kerasTopology(config: unknown, source: string): Topology {
  const model = config as JsonObject
  const className = typeof model?.class_name === 'string' ? model.class_name : null
  const inner = model?.config as JsonObject | undefined
  const layers = Array.isArray(inner?.layers) ? (inner!.layers as JsonObject[]) : null
  if (!className || !inner || !layers) {
    fail(source, 'a Keras model config (class_name Sequential or Functional, with layers)', describe(config))
  }
  for (const layer of layers!) checkLayer(layer, source)
  if (className === 'Sequential') return sequential(inner!, layers!)
  if (className === 'Functional' || className === 'Model') return functional(inner!, layers!)
  return fail(
    source,
    'a Sequential or Functional model',
    `a model of class ${className} (a subclassed model, whose call() is Python code)`,
    'Rebuild it as a Sequential or functional model with the same layers, or export it to ONNX.',
  )
}

function sequential(inner: JsonObject, layers: JsonObject[]): Topology {
  let batchShape: Json | undefined
  const kept: JsonObject[] = []
  for (const layer of layers) {
    const config = layer.config as JsonObject
    if (layer.class_name === 'InputLayer') {
      batchShape = config.batch_shape ?? config.batch_input_shape
      continue
    }
    kept.push({ class_name: layer.class_name!, config: clean(config) as JsonObject })
  }
  if (batchShape !== undefined && kept[0]) {
    const first = kept[0].config as JsonObject
    first.batch_input_shape ??= batchShape
  }
  const json = { class_name: 'Sequential', config: { name: inner.name ?? 'sequential', layers: kept } }
  return { json, layerNames: kept.map((layer) => String((layer.config as JsonObject).name)) }
}

function functional(inner: JsonObject, layers: JsonObject[]): Topology {
  const translated = layers.map((layer) => {
    const config = clean(layer.config) as JsonObject
    if (layer.class_name === 'InputLayer') {
      config.batch_input_shape ??= config.batch_shape ?? null
      delete config.batch_shape
    }
    const name = (layer.name ?? config.name) as string
    return {
      class_name: layer.class_name!,
      name,
      config: { ...config, name },
      inbound_nodes: ((layer.inbound_nodes as Json[] | undefined) ?? []).map(inboundNode),
    }
  })
  const json = {
    class_name: 'Model',
    config: {
      name: inner.name ?? 'model',
      layers: translated,
      input_layers: tensorList(inner.input_layers),
      output_layers: tensorList(inner.output_layers),
    },
  }
  return { json, layerNames: translated.map((layer) => layer.name) }
}

/** Keras 3 writes a node as { args, kwargs } of Keras tensors; Keras 2 as [[layer, node, tensor, kwargs]]. */
function inboundNode(node: Json): Json {
  if (Array.isArray(node)) return node
  const tensors: Json[] = []
  const visit = (value: Json): void => {
    if (Array.isArray(value)) return value.forEach(visit)
    if (value && typeof value === 'object' && value.class_name === '__keras_tensor__') {
      const history = (value.config as JsonObject).keras_history as Json[]
      tensors.push([history[0]!, history[1]!, history[2]!, {}])
    }
  }
  visit((node as JsonObject).args ?? [])
  return tensors
}

/** `[["x", 0, 0]]`, also when Keras 3 wrote a single `["x", 0, 0]`. */
function tensorList(value: Json | undefined): Json[] {
  if (!Array.isArray(value)) return []
  return typeof value[0] === 'string' ? [value] : value
}

/** Keras 3 objects ({ module, class_name, config, registered_name }) to Keras 2 ones; dtype policies to names. */
function clean(value: Json | undefined): Json {
  if (value === undefined) return null
  if (Array.isArray(value)) return value.map(clean)
  if (value === null || typeof value !== 'object') return value
  if (value.class_name === 'DTypePolicy' || value.class_name === 'Policy') {
    return ((value.config as JsonObject | undefined)?.name as string | undefined) ?? 'float32'
  }
  const out: JsonObject = {}
  for (const [key, item] of Object.entries(value)) {
    if (!DROPPED.has(key)) out[key] = clean(item)
  }
  return out
}

function checkLayer(layer: JsonObject, source: string): void {
  const className = String(layer.class_name)
  const name = String(layer.name ?? (layer.config as JsonObject | undefined)?.name ?? '?')
  const why = NOT_REPRESENTABLE[className]
  if (why) {
    fail(
      source,
      'layers that TensorFlow.js can build',
      `layer '${name}' (${className}): ${why}`,
      'Replace it with built-in layers (e.g. Rescaling, Activation, Multiply) and save again, or export the model to ONNX and load the .onnx (perturbation methods only).',
    )
  }
  if (className === 'Sequential' || className === 'Functional' || className === 'Model') {
    fail(
      source,
      'a model whose layers are plain layers',
      `layer '${name}', itself a ${className} model (nested models are not read yet)`,
      'Flatten the model (build one functional model over the inner model’s layers) and save again.',
    )
  }
  if (className !== 'InputLayer' && !knownClasses().has(className)) {
    fail(
      source,
      'layers that TensorFlow.js can build',
      `layer '${name}' of class ${className}, which tfjs-layers ${tf.version_layers} does not have`,
      'Replace it with built-in layers and save again, or export the model to ONNX and load the .onnx (perturbation methods only).',
    )
  }
}

function knownClasses(): Set<string> {
  const map = tf.serialization.SerializationMap.getMap() as unknown as {
    classNameMap: Record<string, unknown>
  }
  return new Set(Object.keys(map.classNameMap))
}

function describe(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Throws the loader's error for a Keras file: `gw.load`'s source, what was expected, what came. */
export function fail(source: string, expected: string, received: string, hint?: string): never {
  throw new GlasswingError({
    where: 'gw.load',
    argument: 'source',
    expected,
    received: `${source}: ${received}`,
    hint: hint ?? 'Save the model again with Keras (model.save("model.keras")).',
  })
}
