/** `gw.load(..., { inputSize })`: a fully convolutional Layers model rebuilt for another image size. */
import type * as tf from '@tensorflow/tfjs'
import { describeValue, GlasswingError } from '../errors'

interface ModelJson {
  config?: { layers?: LayerJson[] }
}

interface LayerJson {
  class_name: string
  config: { batch_input_shape?: (number | null)[]; batchInputShape?: (number | null)[] }
}

/**
 * Wraps a handler so that the model's input layer takes [height, width] images. The weights of
 * convolutions, batch norms and a dense layer after global pooling do not depend on the image size;
 * a model whose weights do (a Flatten before a Dense) fails to load with tfjs's shape error.
 */
export function withInputSize(handler: tf.io.IOHandler, size: readonly [number, number]): tf.io.IOHandler {
  const [height, width] = size
  if (![height, width].every((d) => Number.isInteger(d) && d >= 8) || size.length !== 2) {
    throw new GlasswingError({
      where: 'gw.load',
      argument: 'options.inputSize',
      expected: '[height, width], whole numbers of at least 8 pixels',
      received: describeValue(size),
    })
  }
  return {
    load: async () => {
      const artifacts = await handler.load!()
      // tfjs writes the model config itself; a Keras-converted model.json wraps it in model_config.
      const topology = artifacts.modelTopology as ModelJson & { model_config?: ModelJson }
      const layers = (topology?.model_config ?? topology)?.config?.layers ?? []
      const inputs = layers.filter((layer) => layer.class_name === 'InputLayer')
      const shape = inputs[0]?.config.batch_input_shape ?? inputs[0]?.config.batchInputShape
      if (inputs.length !== 1 || !shape || shape.length !== 4) {
        throw new GlasswingError({
          where: 'gw.load',
          argument: 'options.inputSize',
          expected: 'a functional Layers model with one image input [batch, height, width, channels]',
          received: `${inputs.length} input layers${shape ? ` of shape [${shape.join(', ')}]` : ''}`,
          hint: 'Leave inputSize out to load the model at the size it was saved with.',
        })
      }
      const resized = [shape[0] ?? null, height, width, shape[3] ?? null]
      const config = inputs[0]!.config
      if (config.batch_input_shape) config.batch_input_shape = resized
      else config.batchInputShape = resized
      return artifacts
    },
  }
}
