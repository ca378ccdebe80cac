/**
 * ONNX models (what PyTorch and many other frameworks export), run by ONNX Runtime for Node: predictions
 * only, so perturbation methods (occlusion, feature ablation, LIME, KernelSHAP, RISE) work and gradient
 * methods say why they cannot.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { GlasswingError } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'
import { PredictionOnlyModel } from './prediction-only'
import type { GlasswingModel } from './types'

/** A tensor as ONNX Runtime passes it. */
interface OrtTensor {
  readonly data: ArrayLike<number>
  readonly dims: readonly number[]
  readonly type: string
}

/** ONNX Runtime's synchronous session (its Node binding; the public API only wraps it in promises). */
interface SyncSession {
  loadModel(path: string, options: object): void
  readonly inputMetadata: {
    name: string
    isTensor: boolean
    shape: number[]
    symbolicDimensions: string[]
    type: number
  }[]
  readonly outputMetadata: {
    name: string
    isTensor: boolean
    shape: number[]
    symbolicDimensions: string[]
    type: number
  }[]
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, null>,
    options: object,
  ): Record<string, OrtTensor>
  dispose(): void
}

const FLOAT = 1

/** Wraps an ONNX Runtime session as a {@link GlasswingModel}. */
export class OnnxGlasswingModel extends PredictionOnlyModel implements GlasswingModel {
  readonly kind = 'onnx' as const
  protected readonly wording = {
    runBy: 'an ONNX model run by ONNX Runtime',
    shortName: 'an ONNX model',
    gradientsHint:
      'ONNX Runtime computes predictions only; tfjs cannot take gradients through it. Use a perturbation ' +
      'method, or bring the model as Keras (gw.load of a .keras file) or tfjs to use gradient methods.',
    layersHint: 'Layer methods (activations, Grad-CAM, Score-CAM, neurons) need a tfjs or Keras model.',
  }
  readonly inputShape: readonly (number | null)[]
  readonly outputShape: readonly (number | null)[]
  readonly tfModel: tf.InferenceModel
  readonly fingerprint: string
  private readonly inputName: string
  private readonly outputName: string
  private disposed = false

  private constructor(
    private readonly session: SyncSession,
    private readonly makeTensor: (type: string, data: Float32Array, dims: number[]) => OrtTensor,
    readonly source: string,
    readonly classNames: readonly string[] | null,
    bytes: Uint8Array,
    private readonly channelsFirst: boolean,
  ) {
    super()
    const input = session.inputMetadata[0]!
    const output = session.outputMetadata[0]!
    this.inputName = input.name
    this.outputName = output.name
    const dims = (shape: number[]) => shape.map((d) => (d < 0 ? null : d))
    // Channels-first models are shown to Glasswing channels last ([n, h, w, c]), as every method expects.
    const [n, c, h, w] = input.shape
    this.inputShape = dims(channelsFirst ? [n!, h!, w!, c!] : input.shape)
    this.outputShape = dims(output.shape)
    this.fingerprint = createHash('sha256').update(bytes).digest('hex').slice(0, 16)
    const info = (name: string, shape: number[]) => ({
      name,
      shape: shape.map((d) => (d < 0 ? -1 : d)),
      dtype: 'float32' as const,
    })
    this.tfModel = {
      inputs: [
        info(
          input.name,
          this.inputShape.map((d) => d ?? -1),
        ),
      ],
      outputs: [info(output.name, output.shape)],
      predict: (x: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap) => this.predict(x as tf.Tensor),
      execute: (x: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap) => this.predict(x as tf.Tensor),
    }
  }

  /**
   * Opens an .onnx file. Its model must take one float32 tensor and give one. With `channelsFirst`, the
   * model takes NCHW images (as PyTorch exports them): Glasswing passes NHWC and transposes.
   *
   * @example
   * const model = OnnxGlasswingModel.open('resnet.onnx', null, { channelsFirst: true })
   */
  static open(
    path: string,
    classNames: readonly string[] | null,
    options: { channelsFirst?: boolean } = {},
  ): OnnxGlasswingModel {
    const source = basename(path)
    let bytes: Buffer
    try {
      bytes = readFileSync(path)
    } catch (error) {
      throw onnxError(
        source,
        'a readable .onnx file',
        `'${path}' (${(error as Error).message.split('\n')[0]})`,
        'Check the path.',
      )
    }
    // The binding runs a session synchronously, as Glasswing's models do (tfjs computes synchronously
    // inside tf.tidy); InferenceSession.run is the same call deferred to a promise.
    const { binding, initOrt } = require('onnxruntime-node/dist/binding') as {
      binding: { InferenceSession: new () => SyncSession }
      initOrt: () => void
    }
    const { Tensor } = require('onnxruntime-node') as {
      Tensor: new (type: string, data: Float32Array, dims: number[]) => OrtTensor
    }
    initOrt()
    const session = new binding.InferenceSession()
    try {
      session.loadModel(path, {})
    } catch (error) {
      throw onnxError(
        source,
        'an ONNX model ONNX Runtime can load',
        (error as Error).message.split('\n')[0]!.slice(0, 300),
        'The file is damaged or uses operators this ONNX Runtime lacks: export it again (torch.onnx.export, opset 17).',
      )
    }
    const inputs = session.inputMetadata
    const outputs = session.outputMetadata
    if (
      inputs.length !== 1 ||
      outputs.length !== 1 ||
      inputs[0]!.type !== FLOAT ||
      outputs[0]!.type !== FLOAT
    ) {
      session.dispose()
      throw onnxError(
        source,
        'one float32 input and one float32 output',
        `inputs ${inputs.map((m) => m.name).join(', ')} and outputs ${outputs.map((m) => m.name).join(', ')}`,
        'Export a model with a single float input and output (wrap the others in the export).',
      )
    }
    const channelsFirst = options.channelsFirst ?? false
    if (channelsFirst && inputs[0]!.shape.length !== 4) {
      session.dispose()
      throw new GlasswingError({
        where: 'gw.load',
        argument: 'options.channelsFirst',
        expected: 'a model whose input is images [n, channels, height, width]',
        received: `${source}: an input of rank ${inputs[0]!.shape.length}`,
        hint: 'Leave channelsFirst out for models that do not take images.',
      })
    }
    return new OnnxGlasswingModel(
      session,
      (type, data, dims) => new Tensor(type, data, dims),
      path,
      classNames,
      bytes,
      channelsFirst,
    )
  }

  predict(inputs: tf.Tensor): tf.Tensor {
    throwIfInterrupted('model.predict')
    if (this.disposed)
      throw onnxError(basename(this.source), 'a model not yet disposed', 'a disposed one', 'Load it again.')
    const fed = this.channelsFirst && inputs.rank === 4 ? tf.transpose(inputs, [0, 3, 1, 2]) : inputs
    const values =
      fed.dtype === 'float32' ? (fed.dataSync() as Float32Array) : Float32Array.from(fed.dataSync())
    const feed = this.makeTensor('float32', values, [...fed.shape])
    if (fed !== inputs) fed.dispose()
    let result: Record<string, OrtTensor>
    try {
      result = this.session.run({ [this.inputName]: feed }, { [this.outputName]: null }, {})
    } catch (error) {
      throw new GlasswingError({
        where: 'model.predict',
        argument: 'inputs',
        expected: `inputs of shape [${this.inputShape.map((d) => d ?? 'n').join(', ')}]${this.channelsFirst ? ' (channels last; the model gets them transposed)' : ''}`,
        received: `shape [${inputs.shape.join(', ')}] (ONNX Runtime: ${(error as Error).message.split('\n')[0]})`,
        hint: 'Reshape the inputs to the model’s input shape.',
      })
    }
    const output = result[this.outputName]!
    return tf.tensor(Float32Array.from(output.data), [...output.dims])
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.session.dispose()
  }
}

function onnxError(source: string, expected: string, received: string, hint: string): GlasswingError {
  return new GlasswingError({
    where: 'gw.load',
    argument: 'source',
    expected,
    received: `${source}: ${received}`,
    hint,
  })
}
