/** The model abstraction every Glasswing method computes on. */
import type * as tf from '@tensorflow/tfjs'

/** Which kind of model a {@link GlasswingModel} wraps. */
export type ModelKind = 'layers' | 'graph' | 'saved-model' | 'onnx'

/** How to run a model once: what to capture, what to replace, how ReLUs behave. */
export interface ForwardOptions {
  /** Layers whose outputs to return beside the model's output. */
  capture?: readonly string[]
  /**
   * Use these tensors as the outputs of the named layers instead of computing them (layer methods
   * feed scaled activations this way). Layers the fed ones make unnecessary are not computed.
   */
  feed?: Readonly<Record<string, tf.Tensor>>
  /**
   * Replaces every ReLU (ReLU layers, Activation('relu') and layers with `activation: 'relu'`):
   * Guided Backprop and Deconvnet override its gradient this way. Layers models only.
   */
  relu?: (preActivation: tf.Tensor) => tf.Tensor
}

/** What {@link GlasswingModel.run} returns: the output and the captured activations. */
export interface ForwardResult {
  output: tf.Tensor
  activations: Record<string, tf.Tensor>
}

/** A model cut at one layer: `tail(head(x))` equals the model's output. */
export interface SplitModel {
  /** The layer the model was cut at. */
  layer: string
  /** Inputs to that layer's output. */
  head(inputs: tf.Tensor): tf.Tensor
  /**
   * That layer's output to the model's output. `inputs` is needed only when a connection bypasses
   * the layer (a skip connection around it); without one it is ignored.
   */
  tail(activation: tf.Tensor, inputs?: tf.Tensor): tf.Tensor
}

/**
 * A loaded model with named layers, made by `gw.load`. Methods are synchronous and tensor-in,
 * tensor-out, so that they can run inside `tf.tidy` and `tf.grad`; the caller owns what they return.
 */
export interface GlasswingModel {
  readonly kind: ModelKind
  /** Where it came from: a path, or 'memory' for a model passed in directly. */
  readonly source: string
  /** Every addressable layer (graph models: every op node), in execution order. */
  readonly layerNames: readonly string[]
  /** The input shape, batch dimension first (null where free). */
  readonly inputShape: readonly (number | null)[]
  /** The output shape, batch dimension first. */
  readonly outputShape: readonly (number | null)[]
  /** Class names, from `options.classNames` or a labels file beside the model; null if none. */
  readonly classNames: readonly string[] | null
  /** Whether tfjs can take gradients through it (false for SavedModels run by the TF session). */
  readonly differentiable: boolean
  /** The wrapped tfjs model (a SavedModel's TFSavedModel for 'saved-model'). */
  readonly tfModel: tf.LayersModel | tf.GraphModel | tf.InferenceModel
  /** A short stable hash of topology and weights (computed once, on first use). */
  readonly fingerprint: string
  /** The model's output for a batch of inputs. */
  predict(inputs: tf.Tensor): tf.Tensor
  /** The output with optional captures, feeds and ReLU overrides. */
  run(inputs: tf.Tensor | null, options?: ForwardOptions): ForwardResult
  /** Activations at named layers for a batch of inputs (one tensor per name). */
  activations(inputs: tf.Tensor, layerNames: string | readonly string[]): Record<string, tf.Tensor>
  /** The shape of a layer's output, batch dimension first. */
  layerShape(layer: string): readonly (number | null)[]
  /** Cuts the model at a layer, for layer attributions. */
  split(layer: string): SplitModel
  /** Throws a GlasswingError explaining why, when gradients cannot flow through this model. */
  requireGradients(where: string, method: string): void
  /** Frees the weights. */
  dispose(): void
}
