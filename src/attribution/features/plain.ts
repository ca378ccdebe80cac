/** Provenance fit for JSON: tensors nested in options (a segmentation's mask) described, not dumped. */
import * as tf from '@tensorflow/tfjs'
import type { Provenance } from '../../display/schema'

/**
 * The provenance with every tensor inside its parameters replaced by `'tensor [shape]'`.
 *
 * @example
 * plainProvenance(attribution.data.provenance).parameters.segments   // { method: 'mask', mask: 'tensor [63]' }
 */
export function plainProvenance(provenance: Provenance): Provenance {
  return { ...provenance, parameters: plain(provenance.parameters) as Record<string, unknown> }
}

function plain(value: unknown): unknown {
  if (value instanceof tf.Tensor) return `tensor [${value.shape.join(', ')}]`
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, plain(v)]))
  return value
}
