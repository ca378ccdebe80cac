/**
 * Keras weights out of HDF5, by layer name: Keras 3's `model.weights.h5` (`layers/<path>/vars/<i>`, the
 * layer's own name in the `vars` group's `name` attribute) and the legacy `.h5` layout
 * (`model_weights/<layer>` with a `weight_names` attribute).
 */
import * as hdf5 from 'jsfive'
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'

/** One weight array: its values and shape. */
export interface WeightArray {
  values: Float32Array
  shape: number[]
}

/** Opens HDF5 bytes, or says the file is none. */
export function openHdf5(bytes: Uint8Array, source: string): hdf5.File {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
  if (!signature.every((byte, i) => bytes[i] === byte)) {
    fail(source, 'an HDF5 file', `${bytes.length} bytes without the HDF5 signature`)
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  try {
    return new hdf5.File(buffer, source)
  } catch (error) {
    return fail(source, 'a readable HDF5 file', `a damaged one (${(error as Error).message})`)
  }
}

/** Keras 3 weights: layer name to its variables in order. */
export function kerasWeights(file: hdf5.File, source: string): Map<string, WeightArray[]> {
  const weights = new Map<string, WeightArray[]>()
  const walk = (group: hdf5.Group, path: string): void => {
    for (const key of group.keys) {
      const child = group.get(key)
      if (!child || !('keys' in child)) continue
      if (key === 'vars') {
        const count = child.keys.length
        if (count === 0) continue
        const name = String(child.attrs.name ?? path.split('/').pop())
        const arrays = Array.from({ length: count }, (_, i) =>
          array(child.get(String(i)), `${path}/vars/${i}`, source),
        )
        weights.set(name, arrays)
      } else {
        walk(child, `${path}/${key}`)
      }
    }
  }
  const layers = file.get('layers')
  if (!layers || !('keys' in layers)) {
    fail(source, 'Keras 3 weights (a layers group)', `groups ${JSON.stringify(file.keys)}`)
  }
  walk(layers as hdf5.Group, 'layers')
  return weights
}

/** Legacy `.h5` weights: layer name to its weights in `weight_names` order. */
export function legacyWeights(file: hdf5.File, source: string): Map<string, WeightArray[]> {
  const root = file.get('model_weights') ?? file
  if (!('keys' in root)) fail(source, 'a model_weights group', 'a dataset')
  const group = root as hdf5.Group
  const weights = new Map<string, WeightArray[]>()
  for (const layer of strings(group.attrs.layer_names) ?? group.keys) {
    const layerGroup = group.get(layer)
    if (!layerGroup || !('keys' in layerGroup)) continue
    const names = strings(layerGroup.attrs.weight_names) ?? []
    if (names.length === 0) continue
    weights.set(
      layer,
      names.map((name) => array(layerGroup.get(name), `model_weights/${layer}/${name}`, source)),
    )
  }
  return weights
}

/**
 * Sets every layer's weights from the arrays read, checking names and shapes.
 *
 * @example
 * assignWeights(model, kerasWeights(file, 'model.keras'), 'model.keras')
 */
export function assignWeights(
  model: tf.LayersModel,
  weights: Map<string, WeightArray[]>,
  source: string,
): void {
  for (const layer of model.layers) {
    const expected = layer.weights
    if (expected.length === 0) continue
    const arrays = weights.get(layer.name)
    if (!arrays) {
      fail(
        source,
        `weights for layer '${layer.name}'`,
        `none (the file has weights for ${[...weights.keys()].map((n) => `'${n}'`).join(', ') || 'no layer'})`,
      )
    }
    if (arrays!.length !== expected.length) {
      fail(source, `${expected.length} weights for layer '${layer.name}'`, `${arrays!.length}`)
    }
    const tensors = arrays!.map((weight, i) => {
      const shape = expected[i]!.shape
      if (weight.shape.join(',') !== shape.join(',')) {
        fail(
          source,
          `weight ${i} of layer '${layer.name}' (${expected[i]!.originalName}) of shape [${shape.join(', ')}]`,
          `shape [${weight.shape.join(', ')}]`,
        )
      }
      return tf.tensor(weight.values, weight.shape)
    })
    try {
      layer.setWeights(tensors)
    } finally {
      tf.dispose(tensors)
    }
  }
}

function array(dataset: unknown, path: string, source: string): WeightArray {
  const data = dataset as hdf5.Dataset | undefined
  if (!data || !('shape' in data) || !('value' in data)) fail(source, `a weight array at ${path}`, 'none')
  const shape = [...data!.shape]
  return { values: Float32Array.from(data!.value), shape }
}

function strings(value: unknown): string[] | null {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) return null
  return Array.from(value as ArrayLike<unknown>, (item) =>
    item instanceof Uint8Array ? Buffer.from(item).toString('utf8') : String(item),
  )
}

function fail(source: string, expected: string, received: string): never {
  throw new GlasswingError({
    where: 'gw.load',
    argument: 'source',
    expected,
    received: `${source}: ${received}`,
    hint: 'The file is damaged or was not written by Keras: save the model again (model.save("model.keras")).',
  })
}
