/** tfjs Graph models (converted TensorFlow graphs) as GlasswingModels: op nodes stand for layers. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { modelFingerprint } from '../display/provenance'
import { checkLayerName } from './names'
import { splitAt } from './split'
import type { ForwardOptions, ForwardResult, GlasswingModel, SplitModel } from './types'

const NOT_LAYERS = new Set(['Const', 'Placeholder', 'NoOp', 'Identity'])

/** Wraps a tfjs GraphModel; gradients flow through `execute`, which records every op. */
export class GraphGlasswingModel implements GlasswingModel {
  readonly kind = 'graph' as const
  readonly differentiable = true
  readonly layerNames: readonly string[]
  readonly inputShape: readonly (number | null)[]
  readonly outputShape: readonly (number | null)[]
  private fingerprintValue: string | undefined
  private readonly inputName: string
  private readonly outputName: string

  constructor(
    readonly tfModel: tf.GraphModel,
    readonly source: string,
    readonly classNames: readonly string[] | null,
  ) {
    if (tfModel.inputs.length !== 1 || tfModel.outputs.length !== 1) {
      throw new GlasswingError({
        where: 'gw.load',
        argument: 'source',
        expected: 'a graph model with one input and one output',
        received: `${tfModel.inputs.length} inputs and ${tfModel.outputs.length} outputs`,
      })
    }
    // The GraphDef's node list is the only place the op names live; tfjs keeps it on `artifacts`.
    const { artifacts } = tfModel as unknown as { artifacts?: tf.io.ModelArtifacts }
    const topology = (artifacts?.modelTopology ?? {}) as { node?: { name: string; op: string }[] }
    this.layerNames = (topology.node ?? [])
      .filter((node) => !NOT_LAYERS.has(node.op))
      .map((node) => node.name)
    this.inputName = tfModel.inputs[0]!.name
    this.outputName = tfModel.outputs[0]!.name
    this.inputShape = (tfModel.inputs[0]!.shape ?? []).map((d) => (d < 0 ? null : d))
    this.outputShape = (tfModel.outputs[0]!.shape ?? []).map((d) => (d < 0 ? null : d))
  }

  get fingerprint(): string {
    this.fingerprintValue ??= modelFingerprint(this.tfModel)
    return this.fingerprintValue
  }

  predict(inputs: tf.Tensor): tf.Tensor {
    // Every batch of every long computation runs the model: the one place an interrupt is always seen.
    throwIfInterrupted('model.predict')
    return this.tfModel.execute(inputs, this.outputName) as tf.Tensor
  }

  run(inputs: tf.Tensor | null, options: ForwardOptions = {}): ForwardResult {
    throwIfInterrupted('GlasswingModel.run')
    if (options.relu) {
      throw new GlasswingError({
        where: 'GlasswingModel.run',
        argument: 'relu',
        expected: 'a Layers model (Guided Backprop and Deconvnet override its ReLU layers)',
        received: 'a graph model',
        hint: 'Load the Keras/tfjs Layers version of the model, or use another gradient method.',
      })
    }
    const capture = options.capture ?? []
    const feed = options.feed ?? {}
    for (const name of [...capture, ...Object.keys(feed)])
      checkLayerName(name, this.layerNames, 'GlasswingModel.run', 'layer')
    const feeds: tf.NamedTensorMap = { ...feed }
    if (inputs) feeds[this.inputName] = inputs
    const outputs = this.tfModel.execute(feeds, [this.outputName, ...capture]) as tf.Tensor[]
    const [output, ...captured] = Array.isArray(outputs) ? outputs : [outputs]
    return {
      output: output!,
      activations: Object.fromEntries(capture.map((name, i) => [name, captured[i]!])),
    }
  }

  activations(inputs: tf.Tensor, layerNames: string | readonly string[]): Record<string, tf.Tensor> {
    const names = typeof layerNames === 'string' ? [layerNames] : [...layerNames]
    for (const name of names) checkLayerName(name, this.layerNames, 'model.activations', 'layerNames')
    throwIfInterrupted('model.activations')
    const outputs = this.tfModel.execute(inputs, names)
    const list = Array.isArray(outputs) ? outputs : [outputs]
    return Object.fromEntries(names.map((name, i) => [name, list[i]!]))
  }

  layerShape(layer: string): readonly (number | null)[] {
    checkLayerName(layer, this.layerNames, 'model.layerShape', 'layer')
    const probeShape = this.inputShape.map((d) => d ?? 1)
    return tf
      .tidy(() => this.activations(tf.zeros(probeShape), layer)[layer]!.shape)
      .map((d, i) => (i === 0 ? null : d))
  }

  split(layer: string): SplitModel {
    return splitAt(this, layer)
  }

  requireGradients(): void {}

  dispose(): void {
    this.tfModel.dispose()
  }
}
