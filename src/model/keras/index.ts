/**
 * Keras models read natively (no Python, no converter): a Keras 3 `.keras` zip (config.json +
 * model.weights.h5), a legacy full-model `.h5` (Keras 2's layout), or a folder (or `.weights.h5` path)
 * with a `config.json` beside the weights. They become tfjs Layers models, so gradients flow.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { fail, kerasTopology } from './config'
import { assignWeights, kerasWeights, legacyWeights, openHdf5, type WeightArray } from './weights'
import { readZip, ZipError } from './zip'

/** Which Keras files a path points at. */
export type KerasFiles =
  | { kind: 'keras'; path: string }
  | { kind: 'h5'; path: string }
  | { kind: 'pair'; config: string; weights: string }

/**
 * The Keras files behind a path, or null when it is no Keras model (then other formats are tried).
 *
 * @example
 * kerasFiles('model.keras')   // { kind: 'keras', path: '/abs/model.keras' }
 */
export function kerasFiles(source: string): KerasFiles | null {
  const path = resolve(source)
  if (/\.weights\.h5$/i.test(path))
    return { kind: 'pair', config: join(dirname(path), 'config.json'), weights: path }
  if (/\.keras$/i.test(path)) return { kind: 'keras', path }
  if (/\.(h5|hdf5)$/i.test(path)) return { kind: 'h5', path }
  if (existsSync(path) && statSync(path).isDirectory() && !existsSync(join(path, 'model.json'))) {
    const weights = readdirSync(path).filter((name) => name.endsWith('.weights.h5'))
    if (weights.length === 1 && existsSync(join(path, 'config.json'))) {
      return { kind: 'pair', config: join(path, 'config.json'), weights: join(path, weights[0]!) }
    }
  }
  return null
}

/**
 * Reads a Keras model into a tfjs Layers model with Keras's weights.
 *
 * @example
 * const model = await loadKeras(kerasFiles('model.keras')!)
 */
export async function loadKeras(files: KerasFiles): Promise<tf.LayersModel> {
  const shown = files.kind === 'pair' ? files.weights : files.path
  const source = basename(shown)
  let config: unknown
  let weights: Map<string, WeightArray[]>
  if (files.kind === 'keras') {
    const entries = unzip(read(files.path, 'a .keras file'), source)
    const configBytes = entries.get('config.json')
    const weightBytes = entries.get('model.weights.h5')
    if (!configBytes || !weightBytes) {
      fail(
        source,
        'a .keras archive with config.json and model.weights.h5',
        `entries ${[...entries.keys()].join(', ')}`,
      )
    }
    config = parseJson(configBytes!.toString('utf8'), `${source}/config.json`)
    weights = kerasWeights(openHdf5(weightBytes!, source), source)
  } else if (files.kind === 'h5') {
    const file = openHdf5(read(files.path, 'an .h5 model file'), source)
    const modelConfig = file.attrs.model_config
    if (modelConfig === undefined) {
      fail(
        source,
        'a full Keras model in HDF5 (with a model_config attribute)',
        'an HDF5 file without one (weights only?)',
        'Put the model’s config.json beside the weights as model.weights.h5 and load the folder, or save the whole model (model.save("model.keras")).',
      )
    }
    config = parseJson(
      modelConfig instanceof Uint8Array ? Buffer.from(modelConfig).toString('utf8') : String(modelConfig),
      `${source} (model_config)`,
    )
    weights = legacyWeights(file, source)
  } else {
    if (!existsSync(files.config)) {
      fail(
        source,
        'a config.json beside the weights',
        `none in ${dirname(files.weights)}`,
        'Write it with open("config.json", "w").write(model.to_json()).',
      )
    }
    config = parseJson(read(files.config, 'a config.json').toString('utf8'), 'config.json')
    const bytes = read(files.weights, 'a .weights.h5 file')
    const file = openHdf5(bytes, source)
    weights = file.get('layers') ? kerasWeights(file, source) : legacyWeights(file, source)
  }
  const { json } = kerasTopology(config, source)
  let model: tf.LayersModel
  try {
    model = await tf.models.modelFromJSON({ modelTopology: json } as unknown as tf.io.ModelJSON)
  } catch (error) {
    return fail(
      source,
      'a model tfjs-layers can build',
      `an error building it: ${(error as Error).message.split('\n')[0]}`,
      'Some layer option has no tfjs counterpart; simplify that layer and save again.',
    )
  }
  try {
    assignWeights(model, weights, source)
  } catch (error) {
    model.dispose()
    throw error
  }
  return model
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path)
  } catch (error) {
    return fail(
      basename(path),
      what,
      `'${path}' (${(error as Error).message.split('\n')[0]})`,
      'Check the path.',
    )
  }
}

function unzip(bytes: Buffer, source: string): Map<string, Buffer> {
  try {
    return readZip(bytes)
  } catch (error) {
    if (!(error instanceof ZipError)) throw error
    return fail(
      source,
      'a .keras file (a ZIP archive)',
      error.message,
      'The file is damaged or was cut short while copying: save or copy it again.',
    )
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    return fail(source, 'JSON', `text that is not (${(error as Error).message})`)
  }
}
