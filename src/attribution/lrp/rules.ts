/**
 * LRP's propagation rules for one linear layer (Bach et al. 2015; Montavon et al. 2019), by the
 * gradient trick: with `z' = layer'(a)` and `s = R / stab(z')`, the relevance of the inputs is
 * `a * d(z' . s)/da`. Rules modify the weights as Captum's do, so that the two agree:
 *   epsilon      z = W a + b, stabilised by epsilon * sign(z)
 *   gamma        W + gamma * W+ (bias unchanged), favouring positive contributions
 *   z-plus       W+ only, no bias (the z+ rule; for a >= 0 the same as alpha 1 beta 0)
 *   alpha-beta   alpha * positive part - beta * negative part, biases ignored (alpha - beta = 1 conserves)
 * Merges of branches (residual sums, concatenations) have one rule each, as zennit's:
 *   add          R_i = a_i * R / stab(a_1 + ... + a_n): each input gets its share of the sum, with the
 *                same epsilon stabiliser (zennit's Norm rule on its Sum layer, for ResNets' skip additions)
 *   average      the same with contributions a_i / n
 *   concatenate  each input gets its own slice of R (exact, as the gradient of a concatenation)
 */
import * as tf from '@tensorflow/tfjs'
import { linear, type LinearOperation, type MergeOperation } from './plan'

/** A rule for one layer. */
export type LayerRule =
  | { rule: 'epsilon'; epsilon?: number }
  | { rule: 'gamma'; gamma?: number; epsilon?: number }
  | { rule: 'z-plus' }
  | { rule: 'alpha-beta'; alpha?: number; beta?: number }

/** `z + epsilon * sign(z)`, with sign(0) = 1 (Captum's stabiliser). */
export function stabilise(z: tf.Tensor, epsilon: number): tf.Tensor {
  const sign = tf.where(tf.greaterEqual(z, 0), tf.onesLike(z), tf.onesLike(z).neg())
  return tf.add(z, tf.mul(sign, epsilon))
}

/** `a * d(layer(a; W, b) . s)/da`: the relevance the weights `W` send back to `a`. */
function sendBack(
  operation: LinearOperation,
  activation: tf.Tensor,
  kernel: tf.Tensor,
  share: tf.Tensor,
): tf.Tensor {
  const gradient = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(linear(operation, a, kernel, null), share)))(
    activation,
  )
  return tf.mul(activation, gradient)
}

/** Relevance at a linear layer's input, given the relevance `relevance` of its (pre-activation) output. */
export function propagateLinear(
  operation: LinearOperation,
  activation: tf.Tensor,
  relevance: tf.Tensor,
  rule: LayerRule,
  defaultEpsilon: number,
): tf.Tensor {
  const { kernel, bias } = operation
  const positive = tf.relu(kernel)
  switch (rule.rule) {
    case 'epsilon':
    case 'gamma': {
      const modified = rule.rule === 'gamma' ? tf.add(kernel, tf.mul(positive, rule.gamma ?? 0.25)) : kernel
      const z = linear(operation, activation, modified, bias)
      const share = tf.div(relevance, stabilise(z, rule.epsilon ?? defaultEpsilon))
      return sendBack(operation, activation, modified, share)
    }
    case 'z-plus': {
      const z = linear(operation, activation, positive, null)
      return sendBack(operation, activation, positive, tf.div(relevance, stabilise(z, defaultEpsilon)))
    }
    case 'alpha-beta': {
      const alpha = rule.alpha ?? 1
      const beta = rule.beta ?? 0
      const negative = tf.neg(tf.relu(tf.neg(kernel)))
      const above = tf.relu(activation)
      const below = tf.neg(tf.relu(tf.neg(activation)))
      const safeShare = (z: tf.Tensor) =>
        tf.where(
          tf.equal(z, 0),
          tf.zerosLike(z),
          tf.div(relevance, tf.where(tf.equal(z, 0), tf.onesLike(z), z)),
        )
      const zPositive = tf.add(
        linear(operation, above, positive, null),
        linear(operation, below, negative, null),
      )
      const zNegative = tf.add(
        linear(operation, above, negative, null),
        linear(operation, below, positive, null),
      )
      const sharePositive = safeShare(zPositive)
      const shareNegative = safeShare(zNegative)
      const toPositive = tf.add(
        sendBack(operation, above, positive, sharePositive),
        sendBack(operation, below, negative, sharePositive),
      )
      const toNegative = tf.add(
        sendBack(operation, above, negative, shareNegative),
        sendBack(operation, below, positive, shareNegative),
      )
      return tf.sub(tf.mul(toPositive, alpha), tf.mul(toNegative, beta))
    }
  }
}

/** Relevance at a pooling layer's input: its gradient redistributes `R / stab(pool(a))` (epsilon rule). */
export function propagatePool(
  apply: (activation: tf.Tensor) => tf.Tensor,
  activation: tf.Tensor,
  relevance: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const share = tf.div(relevance, stabilise(apply(activation), epsilon))
  const gradient = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(apply(a), share)))(activation)
  return tf.mul(activation, gradient)
}

/**
 * Relevance at each input of a merge, given the relevance of its output (rules in the header).
 *
 * @example
 * const [toResidual, toSkip] = propagateMerge(add, [residual, skip], relevance, 1e-9)
 */
export function propagateMerge(
  operation: MergeOperation,
  activations: tf.Tensor[],
  relevance: tf.Tensor,
  epsilon: number,
): tf.Tensor[] {
  if (operation.type === 'concatenate') {
    return tf.split(
      relevance,
      activations.map((a) => a.shape[operation.axis]!),
      operation.axis,
    )
  }
  const contributions =
    operation.type === 'add' ? activations : activations.map((a) => tf.div(a, activations.length))
  const share = tf.div(relevance, stabilise(tf.addN(contributions), epsilon))
  return contributions.map((contribution) => tf.mul(contribution, share))
}
