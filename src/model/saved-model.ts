/** TF SavedModels run by the TensorFlow session (tfjs-node): predictions only, no tfjs gradients. */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { throwIfInterrupted } from '../session/interrupt'
import { PredictionOnlyModel } from './prediction-only'
import type { GlasswingModel } from './types'

/** The part of tfjs-node's TFSavedModel that Glasswing uses. */
export interface SessionModel extends tf.InferenceModel {
  dispose(): void
}

/** Wraps a TFSavedModel; only perturbation methods (which need predictions alone) can use it. */
export class SavedGlasswingModel extends PredictionOnlyModel implements GlasswingModel {
  readonly kind = 'saved-model' as const
  protected readonly wording = {
    runBy: 'a TF SavedModel run by the TensorFlow session',
    shortName: 'a TF SavedModel',
    gradientsHint:
      'A SavedModel runs inside the TensorFlow session, where tfjs cannot take gradients. Convert it ' +
      'with tensorflowjs_converter (to a graph or Layers model) to use gradient methods.',
    layersHint: 'Convert it with tensorflowjs_converter to reach its layers.',
  }
  readonly inputShape: readonly (number | null)[]
  readonly outputShape: readonly (number | null)[]
  private fingerprintValue: string | undefined

  constructor(
    readonly tfModel: SessionModel,
    readonly source: string,
    readonly classNames: readonly string[] | null,
  ) {
    super()
    // tfjs-node reads the signature's dimensions from the protobuf as strings: make them numbers.
    const shape = (info: tf.ModelTensorInfo | undefined) =>
      (info?.shape ?? []).map(Number).map((d) => (d < 0 ? null : d))
    this.inputShape = shape(tfModel.inputs[0])
    this.outputShape = shape(tfModel.outputs[0])
  }

  get fingerprint(): string {
    this.fingerprintValue ??= hashFolder(this.source)
    return this.fingerprintValue
  }

  predict(inputs: tf.Tensor): tf.Tensor {
    // Every batch of every long computation runs the model: the one place an interrupt is always seen.
    throwIfInterrupted('model.predict')
    return this.tfModel.predict(inputs, {}) as tf.Tensor
  }

  dispose(): void {
    this.tfModel.dispose()
  }
}

function hashFolder(folder: string): string {
  const hash = createHash('sha256')
  const visit = (path: string): void => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry)
      if (statSync(full).isDirectory()) visit(full)
      else hash.update(entry).update(readFileSync(full))
    }
  }
  visit(folder)
  return hash.digest('hex').slice(0, 16)
}
