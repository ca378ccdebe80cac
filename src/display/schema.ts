/**
 * The payloads Glasswing sends to front ends, one versioned MIME type per view.
 *
 * This module is dependency-free on purpose: the library writes these shapes, and the JupyterLab
 * extension reads them with a type-only import and validates them before rendering. A change to a
 * payload's shape is a new version in its MIME type, never an edit in place.
 */

/** The MIME types of Glasswing's views. */
export const MIME_TYPES = {
  saliency: 'application/vnd.glasswing.saliency.v1+json',
  embedding: 'application/vnd.glasswing.embedding.v1+json',
  neurons: 'application/vnd.glasswing.neurons.v1+json',
  features: 'application/vnd.glasswing.features.v1+json',
} as const

export type ViewKind = keyof typeof MIME_TYPES

/** How a picture was made: enough for a reader of a saved notebook to reproduce it. */
export interface Provenance {
  /** 'glasswing' and its version. */
  library: { name: 'glasswing'; version: string }
  /** The backend that computed it, for example `{ name: 'tensorflow', device: 'cpu', version: '2.21.0' }`. */
  backend: { name: string; device: string; version: string | null; tfjs: string }
  /** The method, for example 'integrated-gradients' or 'tsne'. */
  method: string
  /** Every option the method ran with, defaults filled in. */
  parameters: Record<string, unknown>
  /** The seed of stochastic methods, null for deterministic ones. */
  seed: number | null
  /** A short hash of the model's topology and weights, null where no model was involved. */
  modelFingerprint: string | null
  /** ISO 8601 time of computation. */
  createdAt: string
}

/** Every payload carries its kind's version and its provenance. */
export interface PayloadBase {
  version: 1
  provenance: Provenance
}
