/**
 * LRP's view of a model: its layer graph as steps, each an operation LRP can propagate relevance
 * through, from the tensors it reads to the tensor it writes, in topological order. Batch-norm is
 * folded into the convolution or dense layer before it (the folded layer computes exactly what the two
 * did), ReLUs and reshapes pass relevance, merges (Add, Average, Concatenate) split it among their
 * inputs, and a final softmax is dropped (LRP explains the logits). A chain becomes the same operations,
 * in the same order, as it always did.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../../errors'
import type { GlasswingModel } from '../../model'
import { layerOperations, unsupportedLayer } from './layers'

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

/** Pooling (and Rescaling): relevance is redistributed through its own gradient (the epsilon rule). */
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

/**
 * A merge of several tensors: 'add' and 'average' split relevance in proportion to each input's
 * contribution to the sum (epsilon-stabilised); 'concatenate' hands each input its slice along `axis`.
 */
export interface MergeOperation {
  kind: 'merge'
  layer: string
  type: 'add' | 'average' | 'concatenate'
  /** Concatenate only: the axis, counted from the front (batch is 0). */
  axis: number
}

export type Operation = LinearOperation | PoolOperation | PassOperation | MergeOperation

/** One operation of the graph: it reads the tensors `inputs` and writes the tensor `output` (by id). */
export interface Step {
  operation: Operation
  inputs: number[]
  output: number
}

/** A model's graph for LRP: steps in topological order, from the tensor `input` to the tensor `output`. */
export interface LrpPlan {
  steps: Step[]
  input: number
  output: number
}

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

/** The output of a merge operation on its inputs. */
export function merge(operation: MergeOperation, inputs: tf.Tensor[]): tf.Tensor {
  switch (operation.type) {
    case 'add':
      return tf.addN(inputs)
    case 'average':
      return tf.div(tf.addN(inputs), inputs.length)
    case 'concatenate':
      return tf.concat(inputs, operation.axis)
  }
}

/**
 * The steps of a Layers model with one input and one output: chains, branches, skip connections and
 * merges; weights are the model's own tensors (folded ones are new: the caller's `tf.tidy` frees them).
 *
 * @example
 * const { steps } = tf.tidy(() => lrpPlan(model, 'gw.explain (lrp)'))
 */
export function lrpPlan(model: GlasswingModel, where: string): LrpPlan {
  if (model.kind !== 'layers') {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a tfjs Layers model (LRP walks its layers)',
      received: `a ${model.kind} model`,
      hint: 'Load the model as a Layers model, or use a gradient method such as integrated-gradients.',
    })
  }
  const layersModel = model.tfModel as tf.LayersModel
  if (layersModel.inputs.length !== 1 || layersModel.outputs.length !== 1) {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a model with one input and one output',
      received: `${layersModel.inputs.length} inputs and ${layersModel.outputs.length} outputs`,
      hint: 'Wrap the part to explain in a one-input, one-output tf.model, or use integrated-gradients.',
    })
  }
  // tfjs keeps a functional model's layers sorted by depth, inputs first: a topological order.
  const layers = layersModel.layers.filter((layer) => layer.getClassName() !== 'InputLayer')
  const input = layersModel.inputs[0]!.id
  const output = layersModel.outputs[0]!.id
  const consumers = new Map<number, number>()
  for (const layer of layers) {
    if (layer.inboundNodes.length !== 1) {
      throw new GlasswingError({
        where,
        argument: 'model',
        expected: 'each layer called once',
        received: `'${layer.name}', called ${layer.inboundNodes.length} times (a shared layer)`,
        hint: 'LRP needs one set of activations per layer; use integrated-gradients for shared layers.',
      })
    }
    for (const tensor of layer.inboundNodes[0]!.inputTensors) {
      consumers.set(tensor.id, (consumers.get(tensor.id) ?? 0) + 1)
    }
  }
  const steps: Step[] = []
  const produced = new Set([input])
  let fresh = -1
  for (const layer of layers) {
    const node = layer.inboundNodes[0]!
    const inputs = node.inputTensors.map((tensor) => tensor.id)
    const layerOutput = node.outputTensors[0]!.id
    if (node.outputTensors.length !== 1) unsupportedLayer(where, layer.name, 'several outputs')
    if (!inputs.every((id) => produced.has(id))) {
      throw new GlasswingError({
        where,
        argument: 'model',
        expected: 'layers in topological order, fed by the model’s one input',
        received: `'${layer.name}', whose inputs are not computed before it`,
        hint: 'Rebuild the model with tf.model({ inputs, outputs }), or use integrated-gradients.',
      })
    }
    if (layer.getClassName() === 'BatchNormalization') {
      foldBatchNorm(layer, steps, inputs[0]!, consumers, where)
      steps.find((step) => step.output === inputs[0])!.output = layerOutput
      produced.add(layerOutput)
      continue
    }
    const operations = layerOperations(layer, layerOutput === output, where)
    if (operations.length === 0) {
      // A linear activation or a softmax that is dropped: the layer's output is its input.
      operations.push({ kind: 'pass', layer: layer.name, apply: (a) => a })
    }
    operations.forEach((operation, index) => {
      const last = index === operations.length - 1
      const stepInputs = index === 0 ? inputs : [fresh + 1]
      if (operation.kind !== 'merge' && stepInputs.length !== 1) {
        unsupportedLayer(where, layer.name, `${layer.getClassName()} with ${stepInputs.length} inputs`)
      }
      steps.push({ operation, inputs: stepInputs, output: last ? layerOutput : fresh-- })
    })
    produced.add(layerOutput)
  }
  return { steps, input, output }
}

/** Folds a batch-norm into the linear step that writes its input (new kernel and bias tensors). */
function foldBatchNorm(
  layer: tf.layers.Layer,
  steps: Step[],
  input: number,
  consumers: Map<number, number>,
  where: string,
): void {
  const producer = steps.find((step) => step.output === input)?.operation
  if (
    producer?.kind === 'pass' &&
    steps.some((step) => step.operation.layer === producer.layer && step.operation.kind === 'linear')
  ) {
    unsupportedLayer(where, layer.name, `batch-norm after an activation inside '${producer.layer}'`)
  }
  if (producer?.kind !== 'linear') {
    unsupportedLayer(where, layer.name, 'batch-norm that does not follow a convolution or dense layer')
  }
  if ((consumers.get(input) ?? 0) > 1) {
    unsupportedLayer(
      where,
      layer.name,
      `batch-norm whose input, '${producer.layer}', also feeds other layers`,
    )
  }
  const config = layer.getConfig() as { epsilon?: number; center?: boolean; scale?: boolean }
  const weights = layer.getWeights()
  let offset = 0
  const gamma = config.scale === false ? null : weights[offset++]!
  const beta = config.center === false ? null : weights[offset++]!
  const [mean, variance] = [weights[offset]!, weights[offset + 1]!]
  const scale = tf.div(gamma ?? tf.onesLike(mean), tf.sqrt(tf.add(variance, config.epsilon ?? 1e-3)))
  const shift = tf.sub(beta ?? tf.zerosLike(mean), tf.mul(mean, scale))
  producer.kernel = tf.mul(producer.kernel, scale)
  producer.bias = tf.add(tf.mul(producer.bias, scale), shift)
}
