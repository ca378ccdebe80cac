/**
 * The one call shape of every attribution method: `(model, inputs, options)` with a `target`.
 * The base normalizes inputs and targets once (see `context.ts`); methods see canonical tensors.
 */
import type * as tf from '@tensorflow/tfjs'
import type { ForwardOptions, GlasswingModel } from '../model'
import type { RowDraws, RowSpan } from './draws'
import type { NoiseTunnelOptions } from './noise-tunnel'
import type { RandomSource } from './random'

/** A function from the model's outputs `[rows, ...]` to one scalar per row. */
export type TargetFunction = (outputs: tf.Tensor) => tf.Tensor

/**
 * What to explain: 'predicted' (the top class, default), a class index, a class name, one index per
 * example (an array or a 1-D int32 tensor), the top k classes of each example (the result then has k rows per example, example-major),
 * or a function from outputs to one scalar per example.
 */
export type Target =
  | 'predicted'
  | number
  | string
  | readonly number[]
  | tf.Tensor1D
  | { topK: number }
  | TargetFunction

/** A unit inside the model whose activation to explain instead of an output (neuron attribution). */
export interface NeuronSelector {
  /** A layer name from `model.layerNames`. */
  layer: string
  /** The unit's index in that layer's output, batch dimension excluded (NHWC: [row, column, channel]). */
  index: readonly number[]
}

/** Options every method takes. */
export interface CommonOptions {
  /** What to explain; default 'predicted'. */
  target?: Target
  /** Explain a unit's activation instead of an output (Captum's neuron attributions). */
  neuron?: NeuronSelector
  /** Seed of stochastic methods, an integer; the same seed gives the same result (default 0). */
  seed?: number
  /**
   * At most this many rows go through the model in one pass (examples, and the path points, noisy
   * copies or perturbations made from them): memory stays bounded whatever the number of inputs.
   * Default: what fits a 256 MB working budget for this model and input size (at most 128). The result
   * does not depend on it, stochastic methods included (their draws are laid out by row).
   */
  batchSize?: number
  /** Wrap the method in a noise tunnel (SmoothGrad, SmoothGrad-squared, VarGrad). */
  noise?: NoiseTunnelOptions
}

/**
 * What a method body sees: canonical inputs and the target as a differentiable score.
 * `rows` below index rows of `inputs`: a batch built from copies of those rows passes, for each of
 * its rows, the index of the row it was made from.
 */
export interface AttributionContext {
  /** For errors: 'gw.explain (integrated-gradients)'. */
  readonly where: string
  readonly model: GlasswingModel
  /** Float32, batch first; owned by the base (do not dispose). */
  readonly inputs: tf.Tensor
  /** For each row of `inputs`, the explained example it belongs to (rows repeat under top-k or noise). */
  readonly exampleOf: Int32Array
  /**
   * Seeded randomness read in order: one stream that continues from batch to batch of rows, for
   * methods that draw row after row (KernelSHAP's coalitions, LIME's, RISE's masks).
   */
  readonly random: RandomSource
  /** Seeded draws laid out by row (noise, baselines, path points): the same whatever the batching. */
  readonly draws: RowDraws
  /** Where these rows sit among all the rows explained (`first`, `count`, `total`) and how many examples. */
  readonly span: RowSpan & { examples: number }
  /** At most this many rows per model pass (the common `batchSize` option, resolved). */
  readonly batchSize: number
  /**
   * At most this many path points or noisy copies per pass (IG, GradientSHAP, the noise tunnel): the
   * `batchSize` the user gave, else a larger default that still fits the memory budget.
   */
  readonly pointsPerPass: number
  /** The smallest and largest input value over all the rows explained ('black', 'uniform', noise). */
  inputRange(): readonly [number, number]
  /** The target's score per row of `outputs` (model outputs for a batch made from `rows`). */
  score(outputs: tf.Tensor, rows: ArrayLike<number>): tf.Tensor1D
  /** The model (or the selected neuron) run on a batch made from `rows`, scored: one scalar per row. */
  objective(batch: tf.Tensor, rows: ArrayLike<number>, forward?: ForwardOptions): tf.Tensor1D
  /**
   * The same context over other rows (noisy copies, for instance): `exampleOf` follows `rows`. `span`
   * says where these copies sit among all the copies made (so that their draws do not depend on
   * batching); without it their draws follow the method's own, in order.
   */
  derive(inputs: tf.Tensor, rows: ArrayLike<number>, span?: RowSpan): AttributionContext
}

/** What a method body returns (synchronously, inside the base's `tf.tidy`). */
export interface MethodOutput {
  /** Same shape as `context.inputs` (or as the layer's output, for layer methods). */
  values: tf.Tensor
  /** Convergence delta per row (sum of attributions minus the change in score), where defined. */
  delta?: tf.Tensor1D
  /** The layer the values live on, for layer methods. */
  layer?: string
}

/** One attribution method: a name, what it needs, its defaults, and its body. */
export interface AttributionMethod<Options extends object = object> {
  /** The registry key, for example 'integrated-gradients'. */
  readonly name: string
  /** A title for displays, for example 'Integrated Gradients'. */
  readonly title: string
  /** Whether it takes gradients (SavedModels cannot run it). */
  readonly needsGradients: boolean
  /** Whether it draws random numbers (its seed is then recorded). */
  readonly stochastic: boolean
  /** True for methods that already run in a noise tunnel (`options.noise` then configures it). */
  readonly noiseTunnel?: true
  /**
   * True when its first `objective` call runs the model on `context.inputs` with unchanged outputs:
   * the base then reads the predictions (and a 'predicted' target) from that pass instead of running
   * a forward pass of its own.
   */
  readonly sharesForwardPass?: true
  /** Whether values carry a sign worth showing (false: magnitudes). */
  signed(options: Options): boolean
  /** The options with every default filled in, checked; recorded as the result's parameters. */
  resolve(options: Partial<Options>, context: AttributionContext): Options
  /** The computation, synchronous: the base runs it inside `tf.tidy`. */
  attribute(context: AttributionContext, options: Options): MethodOutput
}
