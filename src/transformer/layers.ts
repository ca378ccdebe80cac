/**
 * The hooked transformer's custom tfjs layers. Each is a plain tfjs Layer registered with
 * `tf.serialization.registerClass`, so a model built from them saves as a normal model folder
 * (model.json + weights.bin) and `gw.load` reads it back once this module is imported (src/index.ts does).
 *
 * Shapes: tokens [n, T] (token ids as float32); residual [n, T, d]; q/k/v/z [n, T, heads, dHead];
 * pattern [n, heads, T (query), T (key)].
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'

type Shape = (number | null)[]
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0]

function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs
}

function normal(seed: number | undefined, stddev: number): ReturnType<typeof tf.initializers.randomNormal> {
  return tf.initializers.randomNormal({ mean: 0, stddev, seed })
}

/** Token ids -> vectors: `hook_embed`. */
export class TokenEmbedding extends tf.layers.Layer {
  static className = 'GlasswingTokenEmbedding'
  readonly vocabularySize: number
  readonly dModel: number
  private readonly seed: number | undefined
  private table!: tf.LayerVariable

  constructor(args: LayerArgs & { vocabularySize: number; dModel: number; seed?: number }) {
    super(args)
    this.vocabularySize = args.vocabularySize
    this.dModel = args.dModel
    this.seed = args.seed
  }

  override build(): void {
    const init = normal(this.seed, 0.1)
    this.table = this.addWeight('W_E', [this.vocabularySize, this.dModel], 'float32', init)
    this.built = true
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.dModel]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.gather(this.table.read(), one(inputs).toInt()))
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabularySize: this.vocabularySize, dModel: this.dModel }
  }
}

/** Learned position vectors for positions 0..T-1: `hook_pos_embed`. Refuses sequences longer than the context. */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'GlasswingPositionEmbedding'
  readonly contextLength: number
  readonly dModel: number
  private readonly seed: number | undefined
  private table!: tf.LayerVariable

  constructor(args: LayerArgs & { contextLength: number; dModel: number; seed?: number }) {
    super(args)
    this.contextLength = args.contextLength
    this.dModel = args.dModel
    this.seed = args.seed
  }

  override build(): void {
    const init = normal(this.seed, 0.1)
    this.table = this.addWeight('W_pos', [this.contextLength, this.dModel], 'float32', init)
    this.built = true
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.dModel]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const tokens = one(inputs)
    const length = tokens.shape[1]!
    checkLength(length, this.contextLength, 'transformer (hook_pos_embed)')
    return tf.tidy(() => {
      const positions = this.table.read().slice([0, 0], [length, this.dModel])
      return positions.expandDims(0).tile([tokens.shape[0]!, 1, 1])
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), contextLength: this.contextLength, dModel: this.dModel }
  }
}

/** Throws the too-long-sequence error every transformer entry point shares. */
export function checkLength(length: number, contextLength: number, where: string): void {
  if (length <= contextLength) return
  throw new GlasswingError({
    where,
    argument: 'tokens',
    expected: `at most ${contextLength} tokens per sequence (the model's context length)`,
    received: `${length} tokens`,
    hint: `Truncate the sequences to ${contextLength} tokens, or split them into windows.`,
  })
}

/** x -> x W + b with W [d, heads, dHead]: `attn.hook_q`, `attn.hook_k`, `attn.hook_v`. */
export class HeadProjection extends tf.layers.Layer {
  static className = 'GlasswingHeadProjection'
  readonly heads: number
  readonly dHead: number
  private readonly seed: number | undefined
  private kernel!: tf.LayerVariable
  private bias!: tf.LayerVariable

  constructor(args: LayerArgs & { heads: number; dHead: number; seed?: number }) {
    super(args)
    this.heads = args.heads
    this.dHead = args.dHead
    this.seed = args.seed
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = (inputShape as Shape)[2]!
    const init = normal(this.seed, 1 / Math.sqrt(d))
    this.kernel = this.addWeight('W', [d, this.heads, this.dHead], 'float32', init)
    this.bias = this.addWeight('b', [this.heads, this.dHead], 'float32', tf.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0]!, inputShape[1]!, this.heads, this.dHead]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // matMul rather than einsum: tfjs has no gradient for Einsum.
    return tf.tidy(() => {
      const x = one(inputs)
      const [n, t, d] = x.shape as number[]
      const w = this.kernel.read().reshape([d!, this.heads * this.dHead])
      return x
        .reshape([n! * t!, d!])
        .matMul(w)
        .reshape([n!, t!, this.heads, this.dHead])
        .add(this.bias.read())
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, dHead: this.dHead }
  }
}

/**
 * [q, k, tokens] -> softmax(q k / sqrt(dHead)) per head: `attn.hook_pattern` [n, heads, query, key].
 * Causal models mask later keys; keys whose token id is `padId` are masked (a large negative score,
 * not -Infinity, so a row of padding stays finite).
 */
export class AttentionPattern extends tf.layers.Layer {
  static className = 'GlasswingAttentionPattern'
  readonly causal: boolean
  readonly padId: number

  constructor(args: LayerArgs & { causal: boolean; padId: number }) {
    super(args)
    this.causal = args.causal
    this.padId = args.padId
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const q = (inputShape as Shape[])[0]!
    return [q[0]!, q[2]!, q[1]!, q[1]!]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [q, k, tokens] = inputs as tf.Tensor[]
    return tf.tidy(() => {
      const length = q!.shape[1]!
      const scores = tf
        .matMul(q!.transpose([0, 2, 1, 3]), k!.transpose([0, 2, 1, 3]), false, true)
        .div(Math.sqrt(q!.shape[3]!))
      let masked = scores
      if (this.causal) {
        const allowed = tf.linalg.bandPart(tf.ones([length, length]), -1, 0)
        masked = masked.add(tf.scalar(1).sub(allowed).mul(-1e9))
      }
      if (this.padId >= 0) {
        const pad = tokens!.equal(this.padId).toFloat().mul(-1e9).reshape([-1, 1, 1, length])
        masked = masked.add(pad)
      }
      return tf.softmax(masked, -1)
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), causal: this.causal, padId: this.padId }
  }
}

/** [pattern, v] -> per-head weighted values: `attn.hook_z` [n, T, heads, dHead]. */
export class AttentionMix extends tf.layers.Layer {
  static className = 'GlasswingAttentionMix'

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[1]!
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [pattern, v] = inputs as tf.Tensor[]
    return tf.tidy(() => tf.matMul(pattern!, v!.transpose([0, 2, 1, 3])).transpose([0, 2, 1, 3]))
  }
}

/** z -> sum over heads of z W_O + b: `hook_attn_out` [n, T, d]. */
export class HeadOutput extends tf.layers.Layer {
  static className = 'GlasswingHeadOutput'
  readonly dModel: number
  private readonly seed: number | undefined
  private kernel!: tf.LayerVariable
  private bias!: tf.LayerVariable

  constructor(args: LayerArgs & { dModel: number; seed?: number }) {
    super(args)
    this.dModel = args.dModel
    this.seed = args.seed
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, , heads, dHead] = inputShape as Shape
    const init = normal(this.seed, 1 / Math.sqrt(heads! * dHead!))
    this.kernel = this.addWeight('W_O', [heads!, dHead!, this.dModel], 'float32', init)
    this.bias = this.addWeight('b_O', [this.dModel], 'float32', tf.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0]!, inputShape[1]!, this.dModel]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const z = one(inputs)
      const [n, t, h, e] = z.shape as number[]
      const w = this.kernel.read().reshape([h! * e!, this.dModel])
      return z
        .reshape([n! * t!, h! * e!])
        .matMul(w)
        .reshape([n!, t!, this.dModel])
        .add(this.bias.read())
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dModel: this.dModel }
  }
}

/** Layer normalisation over the last axis (epsilon 1e-5, as TransformerLens): `ln*.hook_normalized`. */
export class LayerNorm extends tf.layers.Layer {
  static className = 'GlasswingLayerNorm'
  private gain!: tf.LayerVariable
  private shift!: tf.LayerVariable

  override build(inputShape: Shape | Shape[]): void {
    const d = (inputShape as Shape).at(-1)!
    this.gain = this.addWeight('w', [d], 'float32', tf.initializers.ones())
    this.shift = this.addWeight('b', [d], 'float32', tf.initializers.zeros())
    this.built = true
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs)
      const centred = x.sub(x.mean(-1, true))
      const scale = centred.square().mean(-1, true).add(1e-5).rsqrt()
      return centred.mul(scale).mul(this.gain.read()).add(this.shift.read())
    })
  }
}

/** [residual, tokens] -> the mean residual over the positions that are not padding: `pool` [n, d]. */
export class MaskedMeanPool extends tf.layers.Layer {
  static className = 'GlasswingMaskedMeanPool'
  readonly padId: number

  constructor(args: LayerArgs & { padId: number }) {
    super(args)
    this.padId = args.padId
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const x = (inputShape as Shape[])[0]!
    return [x[0]!, x[2]!]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, tokens] = inputs as tf.Tensor[]
    return tf.tidy(() => {
      const keep = tokens!.notEqual(this.padId).toFloat().expandDims(-1)
      return x!.mul(keep).sum(1).div(keep.sum(1).maximum(1))
    })
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padId: this.padId }
  }
}

for (const layer of [
  TokenEmbedding,
  PositionEmbedding,
  HeadProjection,
  AttentionPattern,
  AttentionMix,
  HeadOutput,
  LayerNorm,
  MaskedMeanPool,
]) {
  tf.serialization.registerClass(layer)
}
