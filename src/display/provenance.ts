/** Provenance of a result: what made it, with which parameters, on which backend. */
import { createHash } from 'node:crypto'
import type * as tf from '@tensorflow/tfjs'
import { backend } from '../backend'
import type { Provenance } from './schema'

// Read once from the package manifest, so provenance names the version that actually ran.
const LIBRARY_VERSION: string = require('../../package.json').version

/**
 * Provenance for a result computed now on the current backend.
 *
 * @example
 * makeProvenance({ method: 'saliency', parameters: { absolute: true }, seed: null, model })
 */
export function makeProvenance(input: {
  method: string
  parameters: Record<string, unknown>
  seed: number | null
  model?: tf.LayersModel | tf.GraphModel | null
}): Provenance {
  const info = backend()
  return {
    library: { name: 'glasswing', version: LIBRARY_VERSION },
    backend: {
      name: info.backend,
      device: info.device,
      version: info.tensorflowVersion,
      tfjs: info.tfjsVersion,
    },
    method: input.method,
    parameters: input.parameters,
    seed: input.seed,
    modelFingerprint: input.model ? modelFingerprint(input.model) : null,
    createdAt: new Date().toISOString(),
  }
}

/**
 * A short, stable hash of a model's topology and weights (first 16 hex digits of SHA-256).
 * The same weights give the same fingerprint in every session.
 */
export function modelFingerprint(model: tf.LayersModel | tf.GraphModel): string {
  const hash = createHash('sha256')
  const topology =
    'toJSON' in model ? model.toJSON(undefined, false) : JSON.stringify(model.modelSignature ?? {})
  hash.update(typeof topology === 'string' ? topology : JSON.stringify(topology))
  const weights = 'getWeights' in model ? model.getWeights() : Object.values(model.weights).flat()
  for (const weight of weights) {
    const values = weight.dataSync()
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
  }
  return hash.digest('hex').slice(0, 16)
}
