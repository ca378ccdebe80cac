/**
 * One Layers layer as the operations LRP propagates relevance through (batch-norm is folded by the
 * plan, not here). A layer LRP has no rule for is refused with a message naming it.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import type { Operation } from './plan'

interface LayerConfig {
  activation?: string
  strides?: number | number[]
  padding?: string
  dilationRate?: number | number[]
  poolSize?: number | number[]
  axis?: number
  maxValue?: number | null
  scale?: number
  offset?: number
}

const SUPPORTED =
  'layers LRP has rules for: Conv2D, Dense, BatchNormalization (after a Conv2D or Dense), ReLU, ' +
  'pooling, Flatten, Reshape, Dropout, Rescaling, Add, Average, Concatenate'

/**
 * Throws the error for a layer LRP cannot propagate through: the layer, what is supported, what to use.
 *
 * @example
 * unsupportedLayer('gw.explain (lrp)', 'multiply_1', 'Multiply') // throws
 */
export function unsupportedLayer(where: string, layer: string, what: string): never {
  throw new GlasswingError({
    where,
    argument: 'model',
    expected: SUPPORTED,
    received: `'${layer}' (${what})`,
    hint: 'Use a gradient method (integrated-gradients, saliency) for this model.',
  })
}

const pair = (value: number | number[] | undefined, fallback: number): [number, number] =>
  value === undefined
    ? [fallback, fallback]
    : typeof value === 'number'
      ? [value, value]
      : [value[0]!, value[1] ?? value[0]!]

/**
 * The operations of one layer, in order (a convolution with a ReLU is two); `last` says whether the
 * layer writes the model's output, where a softmax is dropped. Weights are the layer's own tensors.
 *
 * @example
 * const operations = layerOperations(model.getLayer('conv1'), false, 'gw.explain (lrp)')
 */
export function layerOperations(layer: tf.layers.Layer, last: boolean, where: string): Operation[] {
  const type = layer.getClassName()
  const config = layer.getConfig() as LayerConfig
  const unsupported = (what: string): never => unsupportedLayer(where, layer.name, what)
  const activationOf = (activation: string | undefined): Operation[] => {
    if (activation === undefined || activation === 'linear') return []
    if (activation === 'relu') return [{ kind: 'pass', layer: layer.name, apply: tf.relu }]
    if (activation === 'softmax' && last) return []
    return unsupported(`activation '${activation}'`)
  }
  switch (type) {
    case 'Conv2D':
    case 'Dense': {
      const [kernel, bias] = layer.getWeights()
      return [
        {
          kind: 'linear',
          layer: layer.name,
          type: type === 'Conv2D' ? 'conv' : 'dense',
          kernel: kernel!,
          bias: bias ?? tf.zeros([kernel!.shape[kernel!.rank - 1]!]),
          strides: pair(config.strides, 1),
          padding: config.padding === 'same' ? 'same' : 'valid',
          dilation: pair(config.dilationRate, 1),
        },
        ...activationOf(config.activation),
      ]
    }
    case 'ReLU':
      if (config.maxValue) unsupported('a capped ReLU')
      return [{ kind: 'pass', layer: layer.name, apply: tf.relu }]
    case 'Activation':
      return activationOf(config.activation)
    case 'Flatten':
    case 'Reshape':
    case 'Dropout':
      return [
        { kind: 'pass', layer: layer.name, apply: (a) => layer.apply(a, { training: false }) as tf.Tensor },
      ]
    case 'Rescaling': {
      // Elementwise affine: the epsilon rule, as for any linear map (no relevance leaves if offset is 0).
      const [scale, offset] = [config.scale ?? 1, config.offset ?? 0]
      return [{ kind: 'pool', layer: layer.name, apply: (a) => tf.add(tf.mul(a, scale), offset) }]
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const size = pair(config.poolSize, 2)
      const strides = config.strides === undefined || config.strides === null ? size : pair(config.strides, 1)
      const padding = config.padding === 'same' ? 'same' : 'valid'
      const pool = type === 'MaxPooling2D' ? tf.maxPool : tf.avgPool
      return [
        { kind: 'pool', layer: layer.name, apply: (a) => pool(a as tf.Tensor4D, size, strides, padding) },
      ]
    }
    case 'GlobalAveragePooling2D':
      return [{ kind: 'pool', layer: layer.name, apply: (a) => tf.mean(a, [1, 2]) }]
    case 'GlobalMaxPooling2D':
      return [{ kind: 'pool', layer: layer.name, apply: (a) => tf.max(a, [1, 2]) }]
    case 'Add':
    case 'Average': {
      const shapes = layer.inboundNodes[0]!.inputTensors.map((tensor) => tensor.shape.join('x'))
      if (new Set(shapes).size > 1) unsupported(`${type} of differently shaped inputs (${shapes.join(', ')})`)
      return [{ kind: 'merge', layer: layer.name, type: type === 'Add' ? 'add' : 'average', axis: 0 }]
    }
    case 'Concatenate': {
      const rank = (layer.outputShape as number[]).length
      const axis = config.axis ?? -1
      return [{ kind: 'merge', layer: layer.name, type: 'concatenate', axis: axis < 0 ? rank + axis : axis }]
    }
    case 'Multiply':
      return unsupported('Multiply: a product of two activations has no LRP rule here')
    default:
      return unsupported(type)
  }
}
