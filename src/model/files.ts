/** Reading models and class names from disk without any network handler (works on every backend). */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'

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
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON
  const topology = json.modelTopology as { node?: unknown } | undefined
  const graph = json.format === 'graph-model' || (topology !== undefined && 'node' in topology)
  return { format: graph ? 'graph' : 'layers', modelJson, folder: dirname(modelJson) }
}

/** A tfjs IOHandler that reads model.json and its weight shards with `fs`. */
export function fileHandler(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights)
        const buffers = manifest.flatMap((group) =>
          group.paths.map((path) => {
            const bytes = readFileSync(join(dirname(modelJson), path))
            return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
          }),
        )
        return [specs, tf.io.concatenateArrayBuffers(buffers)]
      })
    },
  }
}

/** Class names from labels.json (an array) or labels.txt (one per line) in `folder`, else null. */
export function readClassNames(folder: string): string[] | null {
  const json = join(folder, 'labels.json')
  if (existsSync(json)) {
    const value: unknown = JSON.parse(readFileSync(json, 'utf8'))
    if (Array.isArray(value)) return value.map(String)
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
