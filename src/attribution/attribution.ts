/** The result of every attribution method: plain arrays (no tensors to dispose) that display themselves. */
import * as tf from '@tensorflow/tfjs'
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import type { Provenance } from '../display/schema'
import { attributionBundle } from './display'
import { withLiveLink, type Recompute } from './live'

/** One example's top predictions. */
export interface ExamplePrediction {
  /** Class indices, most probable first (up to 5). */
  classes: number[]
  /** Their probabilities (softmax of the outputs when they are not probabilities already). */
  probabilities: number[]
}

/** Everything an {@link Attribution} is made of. */
export interface AttributionData {
  method: string
  title: string
  /** Every option, defaults filled in. */
  parameters: Record<string, unknown>
  signed: boolean
  /** Attribution values, row-major, shape `shape`. */
  values: Float32Array
  /** Shape of `values`: the input's shape (one row per target row), or the layer's for layer methods. */
  shape: number[]
  /** The explained inputs, row-major, shape `inputShape` (one row per example). */
  inputs: Float32Array
  inputShape: number[]
  /** For each row of `values`, the explained example. */
  exampleOf: number[]
  /** For each row, the class explained, or null for a function or neuron target. */
  targets: (number | null)[]
  /** How the target was asked for: 'predicted', 'top-3', 'neuron conv2d_1[3,4,0]'... */
  targetDescription: string
  /** Per example, the model's top predictions (null when outputs are not [n, classes]). */
  predictions: ExamplePrediction[] | null
  /** Per row, sum of attributions minus the change in score (IG-style methods), else null. */
  delta: number[] | null
  /** The layer the values live on (layer methods), else null. */
  layer: string | null
  classNames: readonly string[] | null
  /** How many classes the model outputs (0 when its outputs are not `[n, classes]`). */
  classCount: number
  /** True when the caller passed one example without a batch dimension (values then have none either). */
  single: boolean
  provenance: Provenance
}

/**
 * An attribution: same shape as the input (or the layer, for layer methods), with the method, its
 * parameters, the targets, the predictions and the convergence delta where defined. Displays itself
 * as a saliency view, a PNG and text.
 *
 * @example
 * const a = await gw.explain(model, images, { method: 'saliency' })
 * a.shape            // [8, 28, 28, 1]
 * const t = a.tensor()   // a new tf.Tensor; dispose it when done
 */
export class Attribution {
  /**
   * @param data what the result is made of
   * @param recompute how to compute it again for another class (what lets its view ask the kernel);
   *   absent for results that cannot be recomputed
   */
  constructor(
    readonly data: AttributionData,
    readonly recompute?: Recompute,
  ) {}

  get method(): string {
    return this.data.method
  }
  get parameters(): Record<string, unknown> {
    return this.data.parameters
  }
  /** Shape of the values (without the batch axis when a single example was passed). */
  get shape(): number[] {
    return this.data.single ? this.data.shape.slice(1) : this.data.shape
  }
  get values(): Float32Array {
    return this.data.values
  }
  get targets(): (number | null)[] {
    return this.data.targets
  }
  get predictions(): ExamplePrediction[] | null {
    return this.data.predictions
  }
  get delta(): number[] | null {
    return this.data.delta
  }

  /** The values as a new tensor, which the caller owns. */
  tensor(): tf.Tensor {
    return tf.tensor(this.data.values, this.shape, 'float32')
  }

  /** Values as nested arrays. */
  toArray(): unknown {
    return tf.tidy(() => this.tensor().arraySync())
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return withLiveLink(attributionBundle([this.data]), [this])
  }

  toString(): string {
    return attributionBundle([this.data], { textOnly: true })['text/plain']
  }
}

/**
 * Several methods on the same inputs, for side-by-side display (`gw.compare`).
 *
 * @example
 * const c = await gw.compare(model, images, ['saliency', 'integrated-gradients'])
 * c.get('saliency').shape
 */
export class Comparison {
  constructor(readonly attributions: readonly Attribution[]) {}

  /** The attribution of one method. */
  get(method: string): Attribution | undefined {
    return this.attributions.find((attribution) => attribution.method === method)
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return withLiveLink(attributionBundle(this.attributions.map((a) => a.data)), this.attributions)
  }

  toString(): string {
    return attributionBundle(
      this.attributions.map((a) => a.data),
      { textOnly: true },
    )['text/plain']
  }
}
