/**
 * Models from other frameworks: Keras (`.keras`, `.h5`, config.json + `.weights.h5`) read natively as
 * tfjs Layers models with gradients; ONNX (`.onnx`) run by ONNX Runtime, predictions only.
 */
import { dirname, resolve } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import { GlasswingError, describeValue } from '../errors'
import { readClassNames } from './files'
import { kerasFiles, loadKeras } from './keras'
import { LayersGlasswingModel } from './layers-model'
import { OnnxGlasswingModel } from './onnx-model'
import type { GlasswingModel } from './types'

/**
 * The model behind `source` when it is a Keras (or other foreign) model, else null.
 *
 * @example
 * const model = await loadForeignModel('model.keras', null)
 */
export async function loadForeignModel(
  source: string,
  classNames: string[] | null,
  options: { channelsFirst?: boolean } = {},
): Promise<GlasswingModel | null> {
  const onnx = /\.onnx$/i.test(source)
  if (options.channelsFirst !== undefined && (!onnx || typeof options.channelsFirst !== 'boolean')) {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'options.channelsFirst',
      expected: onnx ? 'true or false' : 'an .onnx model (the option applies to ONNX models only)',
      received: onnx ? describeValue(options.channelsFirst) : describeValue(source),
      hint: onnx
        ? 'Pass channelsFirst: true for a model exported with NCHW images (PyTorch).'
        : 'Leave channelsFirst out: Keras and tfjs models are channels last already.',
    })
  }
  const keras = kerasFiles(source)
  if (keras) {
    const layers = await loadKeras(keras)
    return new LayersGlasswingModel(layers, resolve(source), classNames ?? labelsBeside(source))
  }
  if (onnx) return OnnxGlasswingModel.open(resolve(source), classNames ?? labelsBeside(source), options)
  return null
}

function labelsBeside(source: string): string[] | null {
  const path = resolve(source)
  return readClassNames(existsSync(path) && statSync(path).isDirectory() ? path : dirname(path))
}
