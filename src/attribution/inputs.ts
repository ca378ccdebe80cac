/** Inputs at the boundary: tensor-likes to one float32 batch the model accepts. */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model'

/** Anything Glasswing accepts as inputs: a tensor, or nested number arrays. */
export type InputLike = tf.Tensor | tf.TensorLike

/** A normalized batch; `single` when the caller passed one example without its batch dimension. */
export interface NormalizedInputs {
  /** Float32, batch first; the caller of {@link normalizeInputs} owns it. */
  batch: tf.Tensor
  single: boolean
}

/**
 * Checks `inputs` against the model's input shape and returns a float32 batch. One example without a
 * batch dimension is accepted (and reported as `single`); NaN and Infinity are refused. Integer and
 * boolean inputs are cast to float32 (true is 1, false 0), as the model would see them; string and
 * complex tensors, and disposed ones, are refused.
 *
 * @example
 * const { batch, single } = normalizeInputs(model, image28x28x1, 'gw.explain')   // batch [1, 28, 28, 1]
 */
export function normalizeInputs(model: GlasswingModel, inputs: InputLike, where: string): NormalizedInputs {
  let tensor: tf.Tensor
  try {
    tensor = inputs instanceof tf.Tensor ? inputs : tf.tensor(inputs as tf.TensorLike)
  } catch (error) {
    throw new GlasswingError(
      {
        where,
        argument: 'inputs',
        expected: 'a tensor or nested number arrays',
        received: describeValue(inputs),
      },
      { cause: error },
    )
  }
  const dtype = tensor.isDisposed ? 'disposed' : tensor.dtype
  if (dtype === 'disposed' || dtype === 'string' || dtype === 'complex64') {
    if (tensor !== inputs) tensor.dispose()
    throw new GlasswingError({
      where,
      argument: 'inputs',
      expected: 'numbers: a float32, int32 or bool tensor (or nested number arrays)',
      received: dtype === 'disposed' ? 'a disposed tensor' : `a ${dtype} tensor`,
      hint:
        dtype === 'disposed'
          ? 'The tensor was disposed (by tf.dispose or a tf.tidy): make it again.'
          : dtype === 'string'
            ? 'Encode the text as numbers first (token indices or a bag of words, as the model was trained).'
            : 'Pass the real part (tf.real(x)) or the magnitude (tf.abs(x)).',
    })
  }
  const expected = model.inputShape
  const single = expected.length > 0 && tensor.rank === expected.length - 1
  const batch = tf.tidy(() => {
    const floats = tensor.dtype === 'float32' ? tensor.clone() : tensor.toFloat()
    return single ? floats.expandDims(0) : floats
  })
  if (tensor !== inputs) tensor.dispose()
  const mismatch =
    expected.length > 0 &&
    (batch.rank !== expected.length ||
      expected.some((dim, axis) => axis > 0 && dim !== null && dim !== batch.shape[axis]))
  if (mismatch || batch.shape[0] === 0) {
    const shape = `[${batch.shape.join(', ')}]`
    batch.dispose()
    throw new GlasswingError({
      where,
      argument: 'inputs',
      expected: `a batch of shape [n, ${expected
        .slice(1)
        .map((d) => d ?? '?')
        .join(', ')}] (or one example without n)`,
      received: `a tensor of shape ${shape}`,
      hint:
        batch.rank === expected.length - 1 + 1 && !single
          ? 'Reshape the inputs to the model’s input shape.'
          : 'Add or remove a size-1 axis (for example `x.expandDims(-1)` for grayscale images).',
    })
  }
  const finite = tf.tidy(() => tf.all(tf.isFinite(batch)).dataSync()[0] === 1)
  if (!finite) {
    batch.dispose()
    throw new GlasswingError({
      where,
      argument: 'inputs',
      expected: 'finite numbers',
      received: 'NaN or Infinity in the inputs',
      hint: 'Clean the inputs (tf.where(tf.isFinite(x), x, 0)) or find where they came from.',
    })
  }
  return { batch, single }
}
