import * as tf from '@tensorflow/tfjs'
import { Objective } from './objective'

/**
 * A penalty (subtract it): half the squared distance between the images and a 3x3-blurred copy held
 * constant (Lucid's `blur_input_each_step`), which pulls each step towards a smoother image.
 *
 * @example
 * gw.objectives.channel('conv2d_1', 3).minus(gw.objectives.blur().times(0.5))
 */
export function blur(): Objective {
  return new Objective('blur', { layers: [], output: false }, (context) => {
    const images = context.images
    const channels = images.shape[3]
    const kernel = tf.tensor2d([1, 2, 1, 2, 4, 2, 1, 2, 1], [3, 3]).div(16)
    const filter = kernel.reshape([3, 3, 1, 1]).tile([1, 1, channels, 1]) as tf.Tensor4D
    // Held constant (a zero gradient): the penalty moves the images towards their blur, not the reverse.
    const constantBlur = tf.customGrad((...inputs) => {
      const x = inputs[0] as tf.Tensor4D
      return {
        value: tf.depthwiseConv2d(
          x.mirrorPad(
            [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ],
            'symmetric',
          ) as tf.Tensor4D,
          filter,
          1,
          'valid',
        ),
        gradFunc: () => tf.zerosLike(x),
      }
    })
    const blurred = constantBlur(images)
    return images.sub(blurred).square().sum([1, 2, 3]).mean().mul(0.5) as tf.Scalar
  })
}
