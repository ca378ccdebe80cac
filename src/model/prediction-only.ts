/**
 * What every model that tfjs can only run forward shares (a TF SavedModel in the TensorFlow session, an
 * ONNX model in ONNX Runtime): no layers to reach, no gradients; perturbation methods work on it.
 */
import type * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'
import type { ForwardResult, SplitModel } from './types'

/** How a prediction-only model names itself in errors. */
export interface PredictionOnlyWording {
  /** What runs it, as the end of 'received': 'a TF SavedModel run by the TensorFlow session'. */
  runBy: string
  /** The model in 'a gradient method, on ...': 'a TF SavedModel'. */
  shortName: string
  /** Why gradients cannot flow and what to do instead. */
  gradientsHint: string
  /** What to do to reach the layers. */
  layersHint: string
}

/** The layer and gradient members of {@link GlasswingModel} for a model that only predicts. */
export abstract class PredictionOnlyModel {
  readonly differentiable = false
  readonly layerNames: readonly string[] = []

  protected abstract readonly wording: PredictionOnlyWording

  /** The model's output for a batch of inputs. */
  abstract predict(inputs: tf.Tensor): tf.Tensor

  run(inputs: tf.Tensor | null): ForwardResult {
    if (!inputs) this.noLayers('model.run')
    return { output: this.predict(inputs!), activations: {} }
  }

  activations(): Record<string, tf.Tensor> {
    return this.noLayers('model.activations')
  }

  layerShape(): readonly (number | null)[] {
    return this.noLayers('model.layerShape')
  }

  split(): SplitModel {
    return this.noLayers('model.split')
  }

  requireGradients(where: string, method: string): void {
    throw new GlasswingError({
      where,
      argument: 'options.method',
      expected: 'a method that needs predictions only (occlusion, feature ablation, LIME, KernelSHAP, RISE)',
      received: `'${method}', a gradient method, on ${this.wording.shortName}`,
      hint: this.wording.gradientsHint,
    })
  }

  protected noLayers(where: string): never {
    throw new GlasswingError({
      where,
      expected: 'a model whose layers tfjs can see',
      received: this.wording.runBy,
      hint: this.wording.layersHint,
    })
  }
}
