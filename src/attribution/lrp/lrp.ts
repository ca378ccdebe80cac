/**
 * Layer-wise Relevance Propagation (Bach et al. 2015): the target's logit, redistributed layer by layer
 * back to the input by local rules, so that (without biases, with a small epsilon) the relevances sum
 * to the logit. Composite presets pick a rule per layer type, as zennit and Captum users do:
 *   'epsilon'               epsilon everywhere (Captum's default rules)
 *   'epsilon-gamma'         gamma on convolutions, epsilon on dense layers
 *   'epsilon-plus'          z+ on convolutions, epsilon on dense layers
 *   'epsilon-alpha2-beta1'  alpha 2 beta 1 on convolutions, epsilon on dense layers
 * `layerRules` overrides any layer by name. Batch-norm is folded into the layer before it; pooling
 * uses the epsilon rule; ReLUs pass relevance; a final softmax is skipped (the logit is explained).
 * Functional models with branches and skip connections are walked as a graph, in reverse topological
 * order: a tensor read by several layers gets the sum of their relevances; an Add (or Average) splits
 * relevance among its inputs in proportion to their contributions, epsilon-stabilised, as zennit does
 * for ResNets' residual sums; a Concatenate hands each input its slice (rules.ts states the rules).
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import type { AttributionMethod } from '../types'
import { lrpPlan, linear, merge, type Operation, type Step } from './plan'
import { propagateLinear, propagateMerge, propagatePool, type LayerRule } from './rules'

/** The composite presets. */
export type LrpComposite = 'epsilon' | 'epsilon-gamma' | 'epsilon-plus' | 'epsilon-alpha2-beta1'

/** LRP's options. */
export interface LrpOptions {
  /** Rule per layer type (default 'epsilon'). */
  composite: LrpComposite
  /** Epsilon of the epsilon rule and the stabiliser of the others (default 1e-9, Captum's). */
  epsilon: number
  /** Gamma of the gamma rule (default 0.25, Captum's). */
  gamma: number
  /** Rules for named layers, overriding the composite: `{ conv1: { rule: 'z-plus' } }`. */
  layerRules: Readonly<Record<string, LayerRule>>
}

const COMPOSITES: readonly LrpComposite[] = [
  'epsilon',
  'epsilon-gamma',
  'epsilon-plus',
  'epsilon-alpha2-beta1',
]

/**
 * LRP with a composite of rules, for graphs of Conv2D, Dense, BatchNormalization, ReLU, pooling,
 * reshaping, Add, Average and Concatenate layers (chains, ResNet-style skip connections, Inception-style
 * branches). `delta` is `sum(relevance) - logit` per row (zero when relevance is conserved).
 *
 * @example
 * await gw.explain(model, images, { method: 'lrp', composite: 'epsilon-plus' })
 * await gw.explain(model, images, { method: 'lrp', layerRules: { conv1: { rule: 'gamma', gamma: 0.5 } } })
 */
export const lrp: AttributionMethod<LrpOptions> = {
  name: 'lrp',
  title: 'LRP',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    const composite = options.composite ?? 'epsilon'
    if (!COMPOSITES.includes(composite)) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.composite',
        expected: COMPOSITES.map((name) => `'${name}'`).join(', '),
        received: describeValue(composite),
      })
    }
    const layerRules = options.layerRules ?? {}
    for (const name of Object.keys(layerRules)) {
      if (!context.model.layerNames.includes(name)) {
        throw new GlasswingError({
          where: context.where,
          argument: 'options.layerRules',
          expected: 'names of the model’s layers',
          received: `'${name}'`,
          hint: `model.layerNames lists them: ${context.model.layerNames.slice(0, 6).join(', ')}...`,
        })
      }
    }
    // Refuses unsupported models before any computation; the folded weights it makes are freed here.
    tf.tidy(() => {
      lrpPlan(context.model, context.where)
    })
    const epsilon = options.epsilon ?? 1e-9
    const gamma = options.gamma ?? 0.25
    for (const [argument, value] of [
      ['options.epsilon', epsilon],
      ['options.gamma', gamma],
    ] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new GlasswingError({
          where: context.where,
          argument,
          expected: 'a finite number >= 0',
          received: describeValue(value),
        })
      }
    }
    return { composite, epsilon, gamma, layerRules }
  },
  attribute(context, options) {
    const { steps, input, output } = lrpPlan(context.model, context.where)
    const activations = new Map<number, tf.Tensor>([[input, context.inputs]])
    const inputsOf = (step: Step) => step.inputs.map((id) => activations.get(id)!)
    for (const step of steps) {
      const [first] = inputsOf(step)
      const operation = step.operation
      activations.set(
        step.output,
        operation.kind === 'linear'
          ? linear(operation, first!, operation.kernel, operation.bias)
          : operation.kind === 'merge'
            ? merge(operation, inputsOf(step))
            : operation.apply(first!),
      )
    }
    const logits = activations.get(output)!
    const rows = Int32Array.from({ length: logits.shape[0]! }, (_, row) => row)
    const selector = tf.grad((z: tf.Tensor) => tf.sum(context.score(z, rows)))(logits)
    const start = tf.mul(logits, selector)
    // Reverse topological order: a tensor's relevance is complete (summed over every step that reads
    // it) before the step that wrote it passes it on. A chain adds nothing, so its result is unchanged.
    const relevances = new Map<number, tf.Tensor>([[output, start]])
    for (let index = steps.length - 1; index >= 0; index--) {
      const step = steps[index]!
      const relevance = relevances.get(step.output)
      // A branch that does not reach the output gets no relevance.
      if (relevance === undefined) continue
      const sent = propagate(step.operation, inputsOf(step), relevance, options)
      step.inputs.forEach((id, position) => {
        const earlier = relevances.get(id)
        relevances.set(id, earlier ? tf.add(earlier, sent[position]!) : sent[position]!)
      })
    }
    const relevance = relevances.get(input) ?? tf.zerosLike(context.inputs)
    const total = (r: tf.Tensor) => tf.sum(r.reshape([r.shape[0]!, -1]), 1)
    return { values: relevance, delta: tf.sub(total(relevance), total(start)) as tf.Tensor1D }
  },
}

function propagate(
  operation: Operation,
  activations: tf.Tensor[],
  relevance: tf.Tensor,
  options: LrpOptions,
): tf.Tensor[] {
  const [activation] = activations as [tf.Tensor]
  switch (operation.kind) {
    case 'pass':
      return [relevance.reshape(activation.shape)]
    case 'pool':
      return [propagatePool(operation.apply, activation, relevance, options.epsilon)]
    case 'merge':
      return propagateMerge(operation, activations, relevance, options.epsilon)
    case 'linear':
      return [
        propagateLinear(
          operation,
          activation,
          relevance,
          ruleFor(operation.layer, operation.type, options),
          options.epsilon,
        ),
      ]
  }
}

function ruleFor(layer: string, type: 'conv' | 'dense', options: LrpOptions): LayerRule {
  const override = options.layerRules[layer]
  if (override?.rule === 'gamma') return { gamma: options.gamma, ...override }
  if (override) return override
  if (type === 'dense') return { rule: 'epsilon' }
  switch (options.composite) {
    case 'epsilon':
      return { rule: 'epsilon' }
    case 'epsilon-gamma':
      return { rule: 'gamma', gamma: options.gamma, epsilon: options.epsilon }
    case 'epsilon-plus':
      return { rule: 'z-plus' }
    case 'epsilon-alpha2-beta1':
      return { rule: 'alpha-beta', alpha: 2, beta: 1 }
  }
}
