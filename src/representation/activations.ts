/**
 * Activations at named layers over a whole data set, in batches so that memory stays bounded: each
 * batch's tensors are freed before the next, and only the flattened (or average-pooled) rows are kept,
 * in one Float32Array per layer. The model's predictions come from the same forward passes.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model/types'
import { MAX_FEATURES, type Matrix } from './matrix'

/** How a layer's output becomes one row per input. */
export type Pooling = 'flatten' | 'average'

/** Options of {@link collectActivations}. */
export interface ActivationOptions {
  /** 'flatten' (default) keeps every value; 'average' averages over space (conv maps -> channels). */
  pool?: Pooling
  /** Inputs per forward pass. Default 256. */
  batchSize?: number
  /** Also return the model's predicted class per input. Default true. */
  predictions?: boolean
}

/** Rows of activations per layer, and the model's predictions when asked for. */
export interface Activations {
  layers: Record<string, Matrix>
  predictions: Int32Array | null
}

/** Largest number of floats kept per layer (2 GiB) before asking the user to pool or reduce. */
const MAX_VALUES = 2 ** 29

/**
 * Runs the model over all inputs in batches and keeps each named layer's activations as rows.
 *
 * @example
 * const { layers, predictions } = collectActivations(model, images, ['dense_1'], { pool: 'average' })
 */
export function collectActivations(
  model: GlasswingModel,
  inputs: tf.Tensor,
  layerNames: readonly string[],
  options: ActivationOptions = {},
  where = 'gw.embed',
): Activations {
  const pool = options.pool ?? 'flatten'
  const batchSize = options.batchSize ?? 256
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new GlasswingError({
      where,
      argument: 'options.batchSize',
      expected: 'a whole number >= 1 (inputs per forward pass)',
      received: describeValue(batchSize),
      hint: 'Leave it out for the default, 256.',
    })
  }
  if (pool !== 'flatten' && pool !== 'average')
    throw new GlasswingError({
      where,
      argument: 'options.pool',
      expected: "'flatten' or 'average'",
      received: describeValue(pool),
    })
  const rows = inputs.shape[0] ?? 0
  const widths: Record<string, number> = {}
  for (const layer of layerNames) {
    const shape = model.layerShape(layer).slice(1)
    const spatial = pool === 'average' && shape.length >= 2
    const features = spatial
      ? (shape[shape.length - 1] ?? 1)
      : shape.reduce<number>((a, b) => a * (b ?? 1), 1)
    if (features > MAX_FEATURES || features * rows > MAX_VALUES) {
      throw new GlasswingError({
        where,
        argument: 'options.layer',
        expected: `a layer of at most ${MAX_FEATURES.toLocaleString('en')} features per input (and ${MAX_VALUES.toLocaleString('en')} values in all)`,
        received: `'${layer}' with ${features.toLocaleString('en')} features x ${rows.toLocaleString('en')} inputs`,
        hint:
          shape.length >= 2 && pool !== 'average'
            ? "Pool it over space with `pool: 'average'`, or embed fewer inputs."
            : 'Embed fewer inputs, or reduce the layer with gw.pca first.',
      })
    }
    widths[layer] = features
  }
  const layers: Record<string, Matrix> = {}
  for (const layer of layerNames) {
    layers[layer] = { values: new Float32Array(rows * widths[layer]!), rows, columns: widths[layer]! }
  }
  const predictions = options.predictions === false ? null : new Int32Array(rows)
  for (let start = 0; start < rows; start += batchSize) {
    const size = Math.min(batchSize, rows - start)
    tf.tidy(() => {
      const batch = inputs.slice(start, size)
      const { output, activations } = model.run(batch, { capture: layerNames })
      for (const layer of layerNames) {
        let value = activations[layer]!
        if (pool === 'average' && value.rank >= 3)
          value = value.mean(Array.from({ length: value.rank - 2 }, (_, i) => i + 1))
        const target = layers[layer]!
        target.values.set(value.reshape([size, -1]).dataSync() as Float32Array, start * target.columns)
      }
      if (predictions) {
        const classes =
          output.rank > 1 ? output.reshape([size, -1]).argMax(1) : output.greater(0.5).cast('int32')
        predictions.set(classes.dataSync() as Int32Array, start)
      }
    })
  }
  return { layers, predictions }
}
