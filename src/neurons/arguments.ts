/** gw.neurons' arguments checked before any work: each wrong one named, with what was expected. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { checkModel } from '../model/check'
import type { NeuronsOptions } from './dictionary'

/**
 * Throws a {@link GlasswingError} naming the argument when the model, the options object, `units`,
 * `top`, `seed`, `inputRange`, `data` or a stage switch is not what it should be.
 *
 * @example
 * checkNeuronsArguments(model, { layer: 'conv2d_1', data: images, top: 9 }, 'gw.neurons')
 */
export function checkNeuronsArguments(model: unknown, options: NeuronsOptions, where: string): void {
  checkModel(model, where)
  const fail = (argument: string, expected: string, value: unknown): never => {
    throw new GlasswingError({ where, argument, expected, received: describeValue(value) })
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail('options', "an object such as { layer: 'conv2d_1', data: images }", options)
  const { units, top, seed, inputRange, data } = options
  if (units !== undefined && !Array.isArray(units)) fail('options.units', 'an array of unit indices', units)
  if (top !== undefined && !(Number.isSafeInteger(top) && top >= 1))
    fail('options.top', 'a whole number >= 1', top)
  if (seed !== undefined && !Number.isSafeInteger(seed)) fail('options.seed', 'an integer', seed)
  if (
    inputRange !== undefined &&
    !(
      Array.isArray(inputRange) &&
      inputRange.length === 2 &&
      inputRange.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      inputRange[0]! < inputRange[1]!
    )
  )
    fail('options.inputRange', '[low, high], two finite numbers with low < high', inputRange)
  const images = data instanceof tf.Tensor ? data : (data as { images?: unknown } | undefined)?.images
  if (images instanceof tf.Tensor && (images.isDisposed || images.dtype === 'string'))
    fail(
      'options.data',
      'images: a numeric tensor [n, height, width, channels]',
      images.isDisposed ? 'a disposed tensor' : images,
    )
  const labels = options.labels ?? (data as { labels?: unknown } | undefined)?.labels
  if (
    labels !== undefined &&
    !(labels instanceof tf.Tensor && !labels.isDisposed && labels.rank === 1 && labels.dtype === 'int32')
  )
    fail('options.labels', 'a 1-D int32 tensor of class indices, one per image', labels)
  for (const stage of ['visualize', 'tuning', 'dissection', 'ablation'] as const) {
    const value = options[stage]
    if (
      value !== undefined &&
      typeof value !== 'boolean' &&
      (typeof value !== 'object' || value === null || Array.isArray(value))
    )
      fail(`options.${stage}`, 'true, false or an object of options', value)
  }
}
