/**
 * Builds the hooked transformer as a tfjs functional model whose layers carry TransformerLens's hook
 * names (`hook_embed`, `blocks.0.attn.hook_pattern`, ...). Because every hook point is a layer, every
 * existing Glasswing call that takes a layer name (captures, feeds, layer attributions, gw.embed) works
 * on it by those names.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import {
  AttentionMix,
  AttentionPattern,
  HeadOutput,
  HeadProjection,
  LayerNorm,
  MaskedMeanPool,
  PositionEmbedding,
  TokenEmbedding,
} from './layers'

/** What {@link buildTransformer} makes. */
export interface TransformerConfig {
  vocabularySize: number
  /** The longest sequence the model reads. */
  contextLength: number
  dModel: number
  heads: number
  layers: number
  /** Hidden units of each block's MLP; 0 builds an attention-only model (no ln2/mlp hooks). */
  dMlp: number
  /** Causal (decoder) attention; false for an encoder. */
  causal: boolean
  /** The padding token id, masked as a key and left out of the classifier's pooling; -1 for none. */
  padId: number
  /** 'lm': logits then softmax per position [n, T, vocabulary]; 'classifier': pooled -> [n, classes]. */
  head: { kind: 'lm' } | { kind: 'classifier'; classes: number }
  /** Seeds every initialiser. */
  seed: number
}

const WHERE = 'gw.transformer.build'

/** The hook names a model built from `config` exposes, in execution order. */
export function hookNames(config: Pick<TransformerConfig, 'layers' | 'dMlp'>): string[] {
  const names = ['hook_embed', 'hook_pos_embed']
  for (let l = 0; l < config.layers; l++) {
    const b = `blocks.${l}`
    names.push(`${b}.hook_resid_pre`, `${b}.ln1.hook_normalized`)
    names.push(...['q', 'k', 'v', 'pattern', 'z'].map((h) => `${b}.attn.hook_${h}`), `${b}.hook_attn_out`)
    if (config.dMlp > 0) {
      names.push(`${b}.hook_resid_mid`, `${b}.ln2.hook_normalized`, `${b}.mlp.hook_pre`, `${b}.mlp.hook_post`)
      names.push(`${b}.hook_mlp_out`)
    }
    names.push(`${b}.hook_resid_post`)
  }
  names.push('ln_final.hook_normalized')
  return names
}

/**
 * A new, untrained hooked transformer (seeded). Train it with `model.compile` / `model.fit` as any tfjs
 * model; save it with `model.save('file://folder')` and read it back with `gw.load(folder)`.
 *
 * @example
 * const model = gw.transformer.build({ vocabularySize: 20, contextLength: 32, dModel: 32, heads: 2,
 *   layers: 2, dMlp: 0, causal: true, padId: -1, head: { kind: 'lm' }, seed: 1 })
 */
export function buildTransformer(config: TransformerConfig): tf.LayersModel {
  checkConfig(config)
  const { dModel, heads, seed } = config
  const dHead = dModel / heads
  const tokens = tf.input({ shape: [null], dtype: 'float32', name: 'tokens' })
  const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(input) as tf.SymbolicTensor
  const embed = apply(
    new TokenEmbedding({ name: 'hook_embed', vocabularySize: config.vocabularySize, dModel, seed }),
    tokens,
  )
  const position = apply(
    new PositionEmbedding({
      name: 'hook_pos_embed',
      contextLength: config.contextLength,
      dModel,
      seed: seed + 1,
    }),
    tokens,
  )
  let residual = apply(tf.layers.add({ name: 'blocks.0.hook_resid_pre' }), [embed, position])
  for (let l = 0; l < config.layers; l++) {
    const b = `blocks.${l}`
    const s = seed + 100 * (l + 1)
    if (l > 0)
      residual = apply(tf.layers.activation({ name: `${b}.hook_resid_pre`, activation: 'linear' }), residual)
    const normed = apply(new LayerNorm({ name: `${b}.ln1.hook_normalized` }), residual)
    const project = (h: string, k: number) =>
      apply(new HeadProjection({ name: `${b}.attn.hook_${h}`, heads, dHead, seed: s + k }), normed)
    const [q, k, v] = [project('q', 1), project('k', 2), project('v', 3)]
    const pattern = apply(
      new AttentionPattern({ name: `${b}.attn.hook_pattern`, causal: config.causal, padId: config.padId }),
      [q, k, tokens],
    )
    const z = apply(new AttentionMix({ name: `${b}.attn.hook_z` }), [pattern, v])
    const attnOut = apply(new HeadOutput({ name: `${b}.hook_attn_out`, dModel, seed: s + 4 }), z)
    if (config.dMlp > 0) {
      const mid = apply(tf.layers.add({ name: `${b}.hook_resid_mid` }), [residual, attnOut])
      const normed2 = apply(new LayerNorm({ name: `${b}.ln2.hook_normalized` }), mid)
      const pre = apply(dense(`${b}.mlp.hook_pre`, config.dMlp, s + 5), normed2)
      const post = apply(tf.layers.activation({ name: `${b}.mlp.hook_post`, activation: 'relu' }), pre)
      const mlpOut = apply(dense(`${b}.hook_mlp_out`, dModel, s + 6), post)
      residual = apply(tf.layers.add({ name: `${b}.hook_resid_post` }), [mid, mlpOut])
    } else {
      residual = apply(tf.layers.add({ name: `${b}.hook_resid_post` }), [residual, attnOut])
    }
  }
  const final = apply(new LayerNorm({ name: 'ln_final.hook_normalized' }), residual)
  let logits: tf.SymbolicTensor
  if (config.head.kind === 'lm') {
    logits = apply(dense('unembed', config.vocabularySize, seed + 7), final)
  } else {
    const pooled = apply(new MaskedMeanPool({ name: 'pool', padId: config.padId }), [final, tokens])
    logits = apply(dense('logits', config.head.classes, seed + 7), pooled)
  }
  const output = apply(tf.layers.activation({ name: 'softmax', activation: 'softmax' }), logits)
  return tf.model({ inputs: tokens, outputs: output, name: 'hooked_transformer' })
}

function dense(name: string, units: number, seed: number): tf.layers.Layer {
  return tf.layers.dense({ name, units, kernelInitializer: tf.initializers.glorotUniform({ seed }) })
}

function checkConfig(config: TransformerConfig): void {
  const whole = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min
  const checks: [keyof TransformerConfig, boolean, string][] = [
    ['vocabularySize', whole(config?.vocabularySize, 2), 'a whole number of at least 2'],
    ['contextLength', whole(config?.contextLength, 1), 'a whole number of at least 1'],
    ['heads', whole(config?.heads, 1), 'a whole number of at least 1'],
    ['dModel', whole(config?.dModel, 1) && config.dModel % config.heads === 0, 'a multiple of heads'],
    ['layers', whole(config?.layers, 1), 'a whole number of at least 1'],
    ['dMlp', whole(config?.dMlp, 0), 'a whole number (0 for attention only)'],
    ['seed', Number.isFinite(config?.seed), 'a number'],
  ]
  for (const [name, ok, expected] of checks) {
    if (ok) continue
    throw new GlasswingError({
      where: WHERE,
      argument: `config.${name}`,
      expected,
      received: describeValue(config?.[name]),
      hint: 'A small model: 1-4 layers, 2-8 heads, dModel 32-128.',
    })
  }
}
