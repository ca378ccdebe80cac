/**
 * DeepLIFT's backward pass (Shrikumar et al. 2017) over the same layer graph LRP walks (lrp/plan.ts):
 * the model runs on the inputs and on their references, and multipliers `m = d(delta out)/d(delta in)`
 * flow back from the target, step by step, in reverse topological order:
 *   linear steps (conv, dense with batch-norm folded, average pooling, rescaling, merges, reshapes)
 *                pass multipliers back as their gradient does (a linear map's multiplier is its weight)
 *   ReLU         Rescale: m_in = m_out * (y - y0) / (x - x0), the gradient where |x - x0| < 1e-10
 *                RevealCancel (when the ReLU reads a conv or dense layer's output and nothing else does):
 *                the change of the pre-activation is split into its positive and negative contributions
 *                dx+, dx- (per input term w * da), each gets its own multiplier
 *                  dy+ = 1/2 (f(x0 + dx+) - f(x0)) + 1/2 (f(x0 + dx- + dx+) - f(x0 + dx-))   (dy- alike)
 *                and the linear layer below sends m+ back along positive terms, m- along negative ones
 *   max pooling  Captum's rule: the change of the pooled maximum is routed to the argmax of the input
 *                and of the reference, divided by the input's change (the gradient where it is ~0)
 * With these rules the attributions `(x - x0) * m` sum to `f(x) - f(x0)` (summation-to-delta), up to
 * round-off (max pooling keeps it exactly only where the two argmaxes agree or the rule's split holds).
 * Layers without a rule are refused with LRP's message (lrp/layers.ts).
 */
import * as tf from '@tensorflow/tfjs'
import type { GlasswingModel } from '../../model'
import { linear, lrpPlan, merge, type LinearOperation, type Step } from '../lrp/plan'

/** DeepLIFT's rule for ReLUs. */
export type DeepLiftRule = 'rescale' | 'reveal-cancel'

/** The result of a walk: activations of inputs and references, and multipliers, by tensor id. */
export interface DeepLiftWalk {
  input: number
  /** The tensor the multipliers start from (the model's output, or the layer `from` named). */
  output: number
  activations: Map<number, tf.Tensor>
  references: Map<number, tf.Tensor>
  multipliers: Map<number, tf.Tensor>
  /** The target's multiplier on the output (d score / d logits at the input). */
  selector: tf.Tensor
}

const EPSILON = 1e-10

/** Runs the plan's steps forward from `start`, returning every tensor by id. */
function forward(steps: Step[], input: number, start: tf.Tensor): Map<number, tf.Tensor> {
  const values = new Map<number, tf.Tensor>([[input, start]])
  for (const step of steps) {
    const inputs = step.inputs.map((id) => values.get(id)!)
    const operation = step.operation
    values.set(
      step.output,
      operation.kind === 'linear'
        ? linear(operation, inputs[0]!, operation.kernel, operation.bias)
        : operation.kind === 'merge'
          ? merge(operation, inputs)
          : operation.apply(inputs[0]!),
    )
  }
  return values
}

/** The cotangent a linear map `a -> layer(a; kernel)` sends back for `m` (its transpose applied). */
function linearBack(operation: LinearOperation, at: tf.Tensor, kernel: tf.Tensor, m: tf.Tensor): tf.Tensor {
  return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(linear(operation, a, kernel, null), m)))(at)
}

/**
 * Multipliers of every tensor of `model`'s graph for the target scored by `score` (rows of `inputs`
 * against the same rows of `references`), from the model's output or from tensor `from` (a layer's
 * output, whose score is then a unit of it). Call inside `tf.tidy`.
 *
 * @example
 * const walk = deepLiftWalk(model, x, x0, (z) => z.gather([3], 1).flatten(), 'rescale', 'gw.explain (deeplift)')
 */
export function deepLiftWalk(
  model: GlasswingModel,
  inputs: tf.Tensor,
  references: tf.Tensor,
  score: (logits: tf.Tensor) => tf.Tensor,
  rule: DeepLiftRule,
  where: string,
  /** The tensor whose score is explained (default: the model's output; a layer's for neuron DeepLIFT). */
  from?: number,
): DeepLiftWalk {
  const { steps, input, output: modelOutput } = lrpPlan(model, where)
  const output = from ?? modelOutput
  const layersModel = model.tfModel as tf.LayersModel
  const classOf = (layer: string) => layersModel.getLayer(layer).getClassName()
  const activations = forward(steps, input, inputs)
  const baseline = forward(steps, input, references)
  const writer = new Map(steps.map((step) => [step.output, step]))
  const readers = new Map<number, number>()
  for (const step of steps) for (const id of step.inputs) readers.set(id, (readers.get(id) ?? 0) + 1)
  const selector = tf.grad((z: tf.Tensor) => tf.sum(score(z)))(activations.get(output)!)
  const multipliers = new Map<number, tf.Tensor>([[output, selector]])
  // RevealCancel: multipliers of the positive and negative parts of a linear step's output.
  const revealed = new Map<number, { plus: tf.Tensor; minus: tf.Tensor }>()
  const send = (id: number, m: tf.Tensor) => {
    const earlier = multipliers.get(id)
    multipliers.set(id, earlier ? tf.add(earlier, m) : m)
  }
  for (let index = steps.length - 1; index >= 0; index--) {
    const step = steps[index]!
    const m = multipliers.get(step.output)
    if (m === undefined) continue
    const operation = step.operation
    const [first] = step.inputs
    const x = activations.get(first!)!
    const x0 = baseline.get(first!)!
    switch (operation.kind) {
      case 'linear': {
        const split = revealed.get(step.output)
        if (!split) {
          send(first!, linearBack(operation, x, operation.kernel, m))
          break
        }
        const positive = tf.relu(operation.kernel)
        const negative = tf.neg(tf.relu(tf.neg(operation.kernel)))
        const change = tf.sub(x, x0)
        const up = tf.add(
          linearBack(operation, x, positive, split.plus),
          linearBack(operation, x, negative, split.minus),
        )
        const down = tf.add(
          linearBack(operation, x, negative, split.plus),
          linearBack(operation, x, positive, split.minus),
        )
        send(
          first!,
          tf.where(
            tf.greater(change, 0),
            up,
            tf.where(tf.less(change, 0), down, tf.mul(tf.add(up, down), 0.5)),
          ),
        )
        break
      }
      case 'merge': {
        const inputs = step.inputs.map((id) => activations.get(id)!)
        const gradients = tf.grads((...parts: tf.Tensor[]) => tf.sum(tf.mul(merge(operation, parts), m)))(
          inputs,
        )
        step.inputs.forEach((id, position) => send(id, gradients[position]!))
        break
      }
      case 'pool': {
        const type = classOf(operation.layer)
        const gradientAt = (a: tf.Tensor, cotangent: tf.Tensor) =>
          tf.grad((v: tf.Tensor) => tf.sum(tf.mul(operation.apply(v), cotangent)))(a)
        if (type !== 'MaxPooling2D' && type !== 'GlobalMaxPooling2D') {
          send(first!, gradientAt(x, m))
          break
        }
        const y = activations.get(step.output)!
        const y0 = baseline.get(step.output)!
        const top = tf.maximum(y, y0)
        const routed = tf.add(
          gradientAt(x, tf.mul(m, tf.sub(top, y0))),
          gradientAt(x0, tf.mul(m, tf.sub(y, top))),
        )
        const change = tf.sub(x, x0)
        const small = tf.less(tf.abs(change), EPSILON)
        send(
          first!,
          tf.where(small, gradientAt(x, m), tf.div(routed, tf.where(small, tf.onesLike(change), change))),
        )
        break
      }
      case 'pass': {
        const y = activations.get(step.output)!
        if (y.size !== x.size || y.shape.join() !== x.shape.join()) {
          send(first!, m.reshape(x.shape))
          break
        }
        const producer = writer.get(first!)
        const reveal =
          rule === 'reveal-cancel' &&
          operation.apply === tf.relu &&
          producer?.operation.kind === 'linear' &&
          readers.get(first!) === 1
        if (reveal) {
          const linearStep = producer.operation as LinearOperation
          const a = activations.get(producer.inputs[0]!)!
          const a0 = baseline.get(producer.inputs[0]!)!
          const da = tf.sub(a, a0)
          const daUp = tf.relu(da)
          const daDown = tf.neg(tf.relu(tf.neg(da)))
          const positive = tf.relu(linearStep.kernel)
          const negative = tf.neg(tf.relu(tf.neg(linearStep.kernel)))
          const dPlus = tf.add(
            linear(linearStep, daUp, positive, null),
            linear(linearStep, daDown, negative, null),
          )
          const dMinus = tf.add(
            linear(linearStep, daUp, negative, null),
            linear(linearStep, daDown, positive, null),
          )
          const f = operation.apply
          const f0 = f(x0)
          const yPlus = tf.mul(
            tf.add(
              tf.sub(f(tf.add(x0, dPlus)), f0),
              tf.sub(f(tf.add(tf.add(x0, dMinus), dPlus)), f(tf.add(x0, dMinus))),
            ),
            0.5,
          )
          const yMinus = tf.mul(
            tf.add(
              tf.sub(f(tf.add(x0, dMinus)), f0),
              tf.sub(f(tf.add(tf.add(x0, dPlus), dMinus)), f(tf.add(x0, dPlus))),
            ),
            0.5,
          )
          const slope = tf.cast(tf.greater(x, 0), 'float32')
          const ratio = (dy: tf.Tensor, dx: tf.Tensor) => {
            const small = tf.less(tf.abs(dx), EPSILON)
            return tf.where(small, slope, tf.div(dy, tf.where(small, tf.onesLike(dx), dx)))
          }
          revealed.set(first!, {
            plus: tf.mul(m, ratio(yPlus, dPlus)),
            minus: tf.mul(m, ratio(yMinus, dMinus)),
          })
          // The linear step below reads the split; its plain multiplier is the sum (used by nothing else).
          send(first!, tf.zerosLike(x))
          break
        }
        const y0 = baseline.get(step.output)!
        const change = tf.sub(x, x0)
        const small = tf.less(tf.abs(change), EPSILON)
        const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(operation.apply(v), m)))(x)
        const rescaled = tf.mul(m, tf.div(tf.sub(y, y0), tf.where(small, tf.onesLike(change), change)))
        send(first!, tf.where(small, gradient, rescaled))
        break
      }
    }
  }
  return { input, output, activations, references: baseline, multipliers, selector }
}
