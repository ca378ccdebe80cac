/** Reading models and class names from disk without any network handler (works on every backend). */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'

/** What a path points at. */
export type ModelFiles =
  | { format: 'layers' | 'graph'; modelJson: string; folder: string }
  | { format: 'saved-model'; folder: string }
  | { format: 'missing'; path: string }

/** Finds the model files behind a folder, a model.json path or a file:// URL. */
export function locateModel(source: string): ModelFiles {
  const path = resolve(source.replace(/^file:\/\//, ''))
  if (!existsSync(path)) return { format: 'missing', path }
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'model.json'))) return describeJson(join(path, 'model.json'))
    if (existsSync(join(path, 'saved_model.pb'))) return { format: 'saved-model', folder: path }
    return { format: 'missing', path }
  }
  return describeJson(path)
}

function describeJson(modelJson: string): ModelFiles {
  const json = readModelJson(modelJson)
  const topology = json.modelTopology as { node?: unknown } | undefined
  const graph = json.format === 'graph-model' || (topology !== undefined && 'node' in topology)
  return { format: graph ? 'graph' : 'layers', modelJson, folder: dirname(modelJson) }
}

/**
 * A model.json read and checked: JSON, with a model topology and a weights manifest (a file that is
 * not gives a {@link GlasswingError} saying what is wrong with it, not a parser's message).
 *
 * @example
 * const json = readModelJson('notebooks/models/mnist-cnn/model.json')
 */
export function readModelJson(modelJson: string): tf.io.ModelJSON {
  const fail = (received: string, hint: string, cause?: unknown): never => {
    throw new GlasswingError(
      {
        where: 'gw.load',
        argument: 'source',
        expected: 'a tfjs model.json (JSON with modelTopology and weightsManifest)',
        received: `${modelJson}: ${received}`,
        hint,
      },
      cause === undefined ? undefined : { cause },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(readFileSync(modelJson, 'utf8'))
  } catch (error) {
    fail(
      `a file that is not valid JSON (${(error as Error).message})`,
      'The file is damaged or cut short: export or copy the model again (tensorflowjs_converter, or model.save).',
      error,
    )
  }
  const record = json as Partial<tf.io.ModelJSON> | null
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    fail(describeValue(json), 'Pass the model.json that tfjs or tensorflowjs_converter wrote.')
  if (typeof record!.modelTopology !== 'object' || record!.modelTopology === null)
    fail('JSON without a modelTopology', 'Pass the model.json that tfjs or tensorflowjs_converter wrote.')
  const manifest = record!.weightsManifest
  const wellFormed =
    Array.isArray(manifest) &&
    manifest.every(
      (group) =>
        typeof group === 'object' &&
        group !== null &&
        Array.isArray(group.paths) &&
        group.paths.every((path) => typeof path === 'string') &&
        Array.isArray(group.weights),
    )
  if (!wellFormed)
    fail(
      'JSON without a well-formed weightsManifest (groups of paths and weights)',
      'Export the model with its weights (model.save, or tensorflowjs_converter).',
    )
  return record as tf.io.ModelJSON
}

/** A tfjs IOHandler that reads model.json and its weight shards with `fs`. */
export function fileHandler(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = readModelJson(modelJson)
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights)
        const buffers = manifest.flatMap((group) =>
          group.paths.map((path) => {
            const file = join(dirname(modelJson), path)
            if (!existsSync(file)) {
              throw new GlasswingError({
                where: 'gw.load',
                argument: 'source',
                expected: `the weights file '${path}' that ${modelJson} lists`,
                received: `no file at ${file}`,
                hint: 'Copy every file of the model folder (model.json and its .bin weight files) together.',
              })
            }
            const bytes = readFileSync(file)
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
          }),
        )
        return [specs, tf.io.concatenateArrayBuffers(buffers)]
      })
    },
  }
}

/**
 * Class names from labels.json (an array of strings or numbers) or labels.txt (one per line) in
 * `folder`, else null. A labels.json that is not such an array is refused, saying why.
 *
 * @example
 * readClassNames('notebooks/models/mnist-cnn')   // ['0', '1', ..., '9']
 */
export function readClassNames(folder: string): string[] | null {
  const json = join(folder, 'labels.json')
  if (existsSync(json)) {
    const fail = (received: string, cause?: unknown): never => {
      throw new GlasswingError(
        {
          where: 'gw.load',
          argument: 'labels.json',
          expected: 'a JSON array of class names in output order, such as ["cat", "dog"]',
          received: `${json}: ${received}`,
          hint: 'Fix or remove the file, or pass options.classNames to gw.load.',
        },
        cause === undefined ? undefined : { cause },
      )
    }
    let value: unknown
    try {
      value = JSON.parse(readFileSync(json, 'utf8'))
    } catch (error) {
      fail(`text that is not valid JSON (${(error as Error).message})`, error)
    }
    if (!Array.isArray(value)) fail(describeValue(value))
    const names = value as unknown[]
    const bad = names.findIndex((name) => typeof name !== 'string' && typeof name !== 'number')
    if (bad >= 0) fail(`${describeValue(names[bad])} at index ${bad}`)
    return names.map(String)
  }
  const text = join(folder, 'labels.txt')
  if (existsSync(text)) {
    return readFileSync(text, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
  }
  return null
}
