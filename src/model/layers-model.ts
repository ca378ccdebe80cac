/**
 * tfjs Layers models (sequential and functional) as GlasswingModels.
 *
 * Glasswing walks the model's graph itself instead of calling `model.predict`: that is what lets it
 * return any layer's activation, feed a layer's output (layer methods) and swap ReLUs (Guided Backprop)
 * in one pass, without hooks left on the user's model.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { modelFingerprint } from '../display/provenance'
import { batchNormWithoutMissing } from './batch-norm'
import { checkLayerName } from './names'
import { splitAt } from './split'
import type { ForwardOptions, ForwardResult, GlasswingModel, SplitModel } from './types'

type Layer = tf.layers.Layer
type Symbolic = tf.SymbolicTensor
type Node = Layer['inboundNodes'][number]
interface WithActivation {
  activation?: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor }
}

/** Wraps a tfjs LayersModel. */
export class LayersGlasswingModel implements GlasswingModel {
  readonly kind = 'layers' as const
  readonly differentiable = true
  readonly layerNames: readonly string[]
  readonly inputShape: readonly (number | null)[]
  readonly outputShape: readonly (number | null)[]
  private fingerprintValue: string | undefined
  private readonly layersByName: ReadonlyMap<string, Layer>

  constructor(
    readonly tfModel: tf.LayersModel,
    readonly source: string,
    readonly classNames: readonly string[] | null,
  ) {
    if (tfModel.inputs.length !== 1 || tfModel.outputs.length !== 1) {
      throw new GlasswingError({
        where: 'gw.load',
        argument: 'source',
        expected: 'a model with one input and one output',
        received: `${tfModel.inputs.length} inputs and ${tfModel.outputs.length} outputs`,
        hint: 'Build a single-input, single-output model around the part you want to explain.',
      })
    }
    const layers = tfModel.layers.filter((layer) => layer.getClassName() !== 'InputLayer')
    this.layerNames = layers.map((layer) => layer.name)
    this.layersByName = new Map(layers.map((layer) => [layer.name, layer]))
    this.inputShape = tfModel.inputs[0]!.shape
    this.outputShape = tfModel.outputs[0]!.shape
  }

  get fingerprint(): string {
    this.fingerprintValue ??= modelFingerprint(this.tfModel)
    return this.fingerprintValue
  }

  predict(inputs: tf.Tensor): tf.Tensor {
    return this.run(inputs).output
  }

  run(inputs: tf.Tensor | null, options: ForwardOptions = {}): ForwardResult {
    // Every batch of every long computation runs the model: the one place an interrupt is always seen.
    throwIfInterrupted('GlasswingModel.run')
    for (const name of [...(options.capture ?? []), ...Object.keys(options.feed ?? {})]) {
      checkLayerName(name, this.layerNames, 'GlasswingModel.run', 'layer')
    }
    const walk = new GraphWalk(inputs, options, this.tfModel.inputs[0]!)
    const output = walk.value(this.tfModel.outputs[0]!)
    const activations: Record<string, tf.Tensor> = {}
    for (const name of options.capture ?? []) {
      activations[name] = walk.value(layerOutput(this.layersByName.get(name)!))
    }
    return { output, activations }
  }

  activations(inputs: tf.Tensor, layerNames: string | readonly string[]): Record<string, tf.Tensor> {
    const names = typeof layerNames === 'string' ? [layerNames] : layerNames
    for (const name of names) checkLayerName(name, this.layerNames, 'model.activations', 'layerNames')
    throwIfInterrupted('model.activations')
    // Only what the captured layers need is computed: the walk is lazy, from the requested tensors back.
    const walk = new GraphWalk(inputs, {}, this.tfModel.inputs[0]!)
    return Object.fromEntries(
      names.map((name) => [name, walk.value(layerOutput(this.layersByName.get(name)!))]),
    )
  }

  layerShape(layer: string): readonly (number | null)[] {
    checkLayerName(layer, this.layerNames, 'model.layerShape', 'layer')
    return layerOutput(this.layersByName.get(layer)!).shape
  }

  split(layer: string): SplitModel {
    return splitAt(this, layer)
  }

  requireGradients(): void {}

  dispose(): void {
    this.tfModel.dispose()
  }
}

/** The symbolic output of a layer in this model (its first call site). */
function layerOutput(layer: Layer): Symbolic {
  const node = layer.inboundNodes[0]
  if (!node || node.outputTensors.length !== 1) {
    throw new GlasswingError({
      where: 'GlasswingModel',
      argument: 'layer',
      expected: 'a layer with one output',
      received: `'${layer.name}' with ${node?.outputTensors.length ?? 0}`,
    })
  }
  return node.outputTensors[0]!
}

/** One lazy evaluation of a model's graph, memoized per node. */
class GraphWalk {
  private readonly computed = new Map<number, tf.Tensor[]>()

  constructor(
    private readonly inputs: tf.Tensor | null,
    private readonly options: ForwardOptions,
    private readonly inputSymbol: Symbolic,
  ) {}

  value(symbol: Symbolic): tf.Tensor {
    if (symbol.id === this.inputSymbol.id) {
      if (!this.inputs) {
        throw new GlasswingError({
          where: 'model.split',
          argument: 'inputs',
          expected: 'the model inputs, because a connection bypasses the layer the model was cut at',
          received: 'none',
          hint: 'Pass the inputs as the second argument of tail().',
        })
      }
      return this.inputs
    }
    const layer = symbol.sourceLayer as Layer
    const fed = this.options.feed?.[layer.name]
    if (fed) return fed
    const node = layer.inboundNodes[symbol.nodeIndex]!
    let outputs = this.computed.get(node.id)
    if (!outputs) {
      outputs = this.call(layer, node)
      this.computed.set(node.id, outputs)
    }
    return outputs[symbol.tensorIndex]!
  }

  private call(layer: Layer, node: Node): tf.Tensor[] {
    const inputs = node.inputTensors.map((input) => this.value(input))
    const argument = inputs.length === 1 ? inputs[0]! : inputs
    const kwargs = { ...(node.callArgs ?? {}), training: false }
    const relu = this.options.relu
    const output =
      (inputs.length === 1 ? batchNormWithoutMissing(layer, inputs[0]!) : null) ??
      (relu ? callWithRelu(layer, argument, kwargs, relu) : layer.apply(argument, kwargs))
    return Array.isArray(output) ? (output as tf.Tensor[]) : [output as tf.Tensor]
  }
}

function callWithRelu(
  layer: Layer,
  input: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
  relu: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor | tf.Tensor[] | Symbolic | Symbolic[] {
  if (layer.getClassName() === 'ReLU' && !(layer.getConfig() as { maxValue?: number }).maxValue) {
    return relu(input as tf.Tensor)
  }
  const holder = layer as unknown as WithActivation
  const original = holder.activation
  if (!original || original.getClassName() !== 'relu') return layer.apply(input, kwargs)
  // Swapped for this one synchronous call and restored in `finally`: no hook outlives it. The name must
  // not be 'relu': tfjs would then fuse the activation into the conv/matmul kernel and never call it.
  holder.activation = { getClassName: () => 'glasswing-relu-override', apply: relu }
  try {
    return layer.apply(input, kwargs)
  } finally {
    holder.activation = original
  }
}
