/**
 * LRP's view of a model: the chain of layers as operations it can propagate relevance through, with
 * batch-norm folded into the convolution or dense layer before it (the folded layer computes exactly
 * what the two did), ReLUs and reshapes as pass-throughs, and a final softmax dropped (LRP explains
 * the logits).
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import type { GlasswingModel } from '../../model'

/** A convolution or dense layer, possibly with a batch-norm folded in. */
export interface LinearOperation {
  kind: 'linear'
  /** The layer's name (the conv or dense one), for per-layer rules. */
  layer: string
  /** 'conv' for Conv2D, 'dense' for Dense. */
  type: 'conv' | 'dense'
  kernel: tf.Tensor
  bias: tf.Tensor
  /** Conv2D only. */
  strides: [number, number]
  padding: 'same' | 'valid'
  dilation: [number, number]
}

/** Pooling: relevance is redistributed through the pooling's own gradient (the epsilon rule). */
export interface PoolOperation {
  kind: 'pool'
  layer: string
  apply: (activation: tf.Tensor) => tf.Tensor
}

/** ReLU, flatten, reshape, dropout: relevance passes (reshaped to the input's shape). */
export interface PassOperation {
  kind: 'pass'
  layer: string
  apply: (activation: tf.Tensor) => tf.Tensor
}

export type Operation = LinearOperation | PoolOperation | PassOperation

/** The linear part of a linear operation with given weights: `conv(a, W) + b` or `a W + b`. */
export function linear(
  operation: LinearOperation,
  activation: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
): tf.Tensor {
  const product =
    operation.type === 'conv'
      ? tf.conv2d(
          activation as tf.Tensor4D,
          kernel as tf.Tensor4D,
          operation.strides,
          operation.padding,
          'NHWC',
          operation.dilation,
        )
      : tf
          // Dense acts on the last axis, whatever the rank (as tfjs's Dense layer does).
          .matMul(activation.reshape([-1, kernel.shape[0]!]), kernel as tf.Tensor2D)
          .reshape([...activation.shape.slice(0, -1), kernel.shape[1]!])
  return bias ? tf.add(product, bias) : product
}

interface LayerConfig {
  activation?: string
  strides?: number | number[]
  padding?: string
  dilationRate?: number | number[]
  poolSize?: number | number[]
  epsilon?: number
  useBias?: boolean
  center?: boolean
  scale?: boolean
  axis?: number
  maxValue?: number | null
}

const pair = (value: number | number[] | undefined, fallback: number): [number, number] =>
  value === undefined
    ? [fallback, fallback]
    : typeof value === 'number'
      ? [value, value]
      : [value[0]!, value[1] ?? value[0]!]

/**
 * The operations of a Layers model that is a chain (every layer feeds the next); weights are the
 * model's own tensors (folded ones are new: the caller's `tf.tidy` frees them).
 *
 * @example
 * const operations = tf.tidy(() => lrpPlan(model, 'gw.explain (lrp)').map(...))
 */
export function lrpPlan(model: GlasswingModel, where: string): Operation[] {
  if (model.kind !== 'layers') {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a tfjs Layers model (LRP walks its layers)',
      received: `a ${model.kind} model`,
      hint: 'Load the model as a Layers model, or use a gradient method such as integrated-gradients.',
    })
  }
  const layers = (model.tfModel as tf.LayersModel).layers.filter(
    (layer) => layer.getClassName() !== 'InputLayer',
  )
  layers.forEach((layer, index) => {
    const inbound = layer.inboundNodes[0]
    const previous = index === 0 ? null : layers[index - 1]!
    const chained =
      layer.inboundNodes.length === 1 &&
      inbound !== undefined &&
      inbound.inboundLayers.length === 1 &&
      (previous === null
        ? inbound.inboundLayers[0]!.getClassName() === 'InputLayer'
        : inbound.inboundLayers[0] === previous)
    if (!chained) {
      throw new GlasswingError({
        where,
        argument: 'model',
        expected: 'a chain of layers, each feeding the next',
        received: `'${layer.name}', which has other inputs (a branch or skip connection)`,
        hint: 'LRP here supports sequential chains; use integrated-gradients or deep models without branches.',
      })
    }
  })
  const operations: Operation[] = []
  layers.forEach((layer, index) => {
    const type = layer.getClassName()
    const config = layer.getConfig() as LayerConfig
    const last = index === layers.length - 1
    const unsupported = (what: string): never => {
      throw new GlasswingError({
        where,
        argument: 'model',
        expected:
          'layers LRP has rules for: Conv2D, Dense, BatchNormalization, ReLU, pooling, Flatten, Reshape, Dropout',
        received: `'${layer.name}' (${what})`,
        hint: 'Use a gradient method (integrated-gradients, saliency) for this model.',
      })
    }
    const activationOf = (activation: string | undefined, name: string): void => {
      if (activation === undefined || activation === 'linear') return
      if (activation === 'relu') operations.push({ kind: 'pass', layer: name, apply: tf.relu })
      else if (activation === 'softmax' && last) return
      else unsupported(`activation '${activation}'`)
    }
    switch (type) {
      case 'Conv2D':
      case 'Dense': {
        const [kernel, bias] = layer.getWeights()
        operations.push({
          kind: 'linear',
          layer: layer.name,
          type: type === 'Conv2D' ? 'conv' : 'dense',
          kernel: kernel!,
          bias: bias ?? tf.zeros([kernel!.shape[kernel!.rank - 1]!]),
          strides: pair(config.strides, 1),
          padding: config.padding === 'same' ? 'same' : 'valid',
          dilation: pair(config.dilationRate, 1),
        })
        const next = layers[index + 1]
        if (next?.getClassName() === 'BatchNormalization' && (config.activation ?? 'linear') !== 'linear') {
          unsupported(`batch-norm after an activation inside '${layer.name}'`)
        }
        activationOf(config.activation, layer.name)
        return
      }
      case 'BatchNormalization': {
        const folded = operations[operations.length - 1]
        const weights = layer.getWeights()
        const bn = config
        let offset = 0
        const gamma = bn.scale === false ? null : weights[offset++]!
        const beta = bn.center === false ? null : weights[offset++]!
        const [mean, variance] = [weights[offset]!, weights[offset + 1]!]
        const scale = tf.div(gamma ?? tf.onesLike(mean), tf.sqrt(tf.add(variance, bn.epsilon ?? 1e-3)))
        const shift = tf.sub(beta ?? tf.zerosLike(mean), tf.mul(mean, scale))
        if (folded?.kind !== 'linear')
          unsupported('batch-norm that does not follow a convolution or dense layer')
        const operation = folded as LinearOperation
        operation.kernel = tf.mul(operation.kernel, scale)
        operation.bias = tf.add(tf.mul(operation.bias, scale), shift)
        return
      }
      case 'ReLU':
        if (config.maxValue) unsupported('a capped ReLU')
        operations.push({ kind: 'pass', layer: layer.name, apply: tf.relu })
        return
      case 'Activation':
        activationOf(config.activation, layer.name)
        return
      case 'Flatten':
      case 'Reshape':
      case 'Dropout':
        operations.push({
          kind: 'pass',
          layer: layer.name,
          apply: (a) => layer.apply(a, { training: false }) as tf.Tensor,
        })
        return
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const size = pair(config.poolSize, 2)
        const strides =
          config.strides === undefined || config.strides === null ? size : pair(config.strides, 1)
        const padding = config.padding === 'same' ? 'same' : 'valid'
        const pool = type === 'MaxPooling2D' ? tf.maxPool : tf.avgPool
        operations.push({
          kind: 'pool',
          layer: layer.name,
          apply: (a) => pool(a as tf.Tensor4D, size, strides, padding),
        })
        return
      }
      case 'GlobalAveragePooling2D':
        operations.push({ kind: 'pool', layer: layer.name, apply: (a) => tf.mean(a, [1, 2]) })
        return
      case 'GlobalMaxPooling2D':
        operations.push({ kind: 'pool', layer: layer.name, apply: (a) => tf.max(a, [1, 2]) })
        return
      default:
        unsupported(type)
    }
  })
  return operations
}
