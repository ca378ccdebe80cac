/** A job's merged numeric result where the operation has no richer result class (activations). */
import * as tf from '@tensorflow/tfjs'
import type { Attribution } from '../attribution/attribution'
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import type { Evaluation } from '../quality/result'

/**
 * Plain float32 values with a shape, batch axis first; no tensor to dispose.
 *
 * @example
 * const acts = await handle.result()   // a JobArray for an activations job
 * const t = acts.tensor()              // the caller disposes it
 */
export class JobArray {
  constructor(
    readonly title: string,
    readonly values: Float32Array,
    readonly shape: number[],
  ) {}

  /** The values as a new tensor, which the caller owns. */
  tensor(): tf.Tensor {
    return tf.tensor(this.values, this.shape, 'float32')
  }

  /** Values as nested arrays. */
  toArray(): unknown {
    return tf.tidy(() => this.tensor().arraySync())
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'text/plain': this.toString() }
  }

  toString(): string {
    return `${this.title}: float32 [${this.shape.join(', ')}]`
  }
}

/**
 * An evaluate job's merged result: the attribution and its quality scores (e.g. deletion AUC per
 * example), displayed as the evaluation.
 */
export class ExplainedAndEvaluated {
  constructor(
    readonly attribution: Attribution,
    readonly evaluation: Evaluation,
  ) {}

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.evaluation[JUPYTER_DISPLAY]()
  }

  toString(): string {
    return String(this.evaluation)
  }
}
