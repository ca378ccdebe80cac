/**
 * DeepLIFT (Captum's `DeepLift`, `DeepLiftShap`, `LayerDeepLift`): attributions `(x - x0) * m`, the
 * change from a reference times DeepLIFT's multipliers (walk.ts states the rules), so that they sum to
 * the change in the target's logit (`delta` is that sum minus the change, ~0). DeepLiftShap averages
 * DeepLIFT over a set of references (SHAP's DeepExplainer computes the same: see the README's note on
 * conventions). The layer variant attributes to a layer's units: `(a(x) - a(x0)) * m_a`.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../../errors'
import { lrpPlan } from '../lrp/plan'
import { BASELINE_KINDS, makeBaseline, type Baseline, type BaselineKind } from '../gradient/baselines'
import { resolveLayer } from '../layer/layer-gradient-x-activation'
import type { GlasswingModel } from '../../model'
import type { AttributionContext, AttributionMethod, CommonOptions } from '../types'
import { deepLiftWalk, type DeepLiftRule } from './walk'

const RULES: readonly DeepLiftRule[] = ['rescale', 'reveal-cancel']

/** DeepLIFT's options. */
export interface DeepLiftOptions {
  /** The reference (default 'zero'): a named baseline, a number or a tensor, as for IG. */
  baseline: Baseline
  /** Blur radius of the 'blurred' reference (default 5). */
  blurSigma: number
  /** The ReLU rule (default 'rescale', Captum's only one). */
  rule: DeepLiftRule
}

/** DeepLiftShap's options. */
export interface DeepLiftShapOptions {
  /** The references `[b, ...]` averaged over (SHAP's background), or a named baseline (default 'zero'). */
  baselines: BaselineKind | tf.Tensor
  /** The ReLU rule (default 'rescale'). */
  rule: DeepLiftRule
}

/** Layer DeepLIFT's options. */
export interface LayerDeepLiftOptions extends DeepLiftOptions {
  /** The layer whose units get the attributions. */
  layer: string
}

function checkRule(rule: unknown, context: AttributionContext): DeepLiftRule {
  if (!RULES.includes(rule as DeepLiftRule)) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.rule',
      expected: RULES.map((r) => `'${r}'`).join(' or '),
      received: describeValue(rule),
    })
  }
  return rule as DeepLiftRule
}

/** Refuses models DeepLIFT cannot walk before any computation (LRP's refusals). */
function checkModel(context: AttributionContext): void {
  tf.tidy(() => {
    lrpPlan(context.model, context.where)
  })
}

/** The DeepLIFT methods explain the target; a unit is explained by 'neuron-deeplift'. */
function refuseNeuron(options: CommonOptions, context: AttributionContext): void {
  if (options.neuron === undefined) return
  throw new GlasswingError({
    where: context.where,
    argument: 'options.neuron',
    expected: "no neuron (this method explains the target's score)",
    received: describeValue(options.neuron),
    hint: "Use method 'neuron-deeplift' to explain a unit's activation with DeepLIFT.",
  })
}

/** DeepLIFT's options filled in and checked (shared with layer and neuron DeepLIFT). */
export function resolveDeepLift(
  options: Partial<DeepLiftOptions>,
  context: AttributionContext,
  neuron = false,
): DeepLiftOptions {
  if (!neuron) refuseNeuron(options as CommonOptions, context)
  checkModel(context)
  const blurSigma = options.blurSigma ?? 5
  if (!(typeof blurSigma === 'number' && blurSigma > 0 && blurSigma <= 1000)) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.blurSigma',
      expected: 'a number of pixels > 0 and <= 1000',
      received: describeValue(blurSigma),
    })
  }
  return {
    baseline: options.baseline ?? 'zero',
    blurSigma,
    rule: checkRule(options.rule ?? 'rescale', context),
  }
}

const flatSum = (t: tf.Tensor) => tf.sum(t.reshape([t.shape[0]!, -1]), 1) as tf.Tensor1D

/**
 * DeepLIFT of rows `rows` (context rows) of `inputs` against `references`; values on the input, or on
 * layer `layer`'s units. `from` (a tensor id, with `score` reading one unit of it) explains that
 * unit instead of the target (neuron DeepLIFT).
 */
export function attributeDeepLift(
  context: AttributionContext,
  inputs: tf.Tensor,
  references: tf.Tensor,
  rows: Int32Array,
  rule: DeepLiftRule,
  layer: string | null,
  from?: { id: number; score: (activation: tf.Tensor) => tf.Tensor },
): { values: tf.Tensor; delta: tf.Tensor1D } {
  const walk = deepLiftWalk(
    context.model,
    inputs,
    references,
    from ? from.score : (z) => context.score(z, rows),
    rule,
    context.where,
    from?.id,
  )
  const change = tf.mul(
    tf.sub(walk.activations.get(walk.output)!, walk.references.get(walk.output)!),
    walk.selector,
  )
  let id = walk.input
  if (layer !== null) id = layerOutputId(context.model, layer)
  const m = walk.multipliers.get(id)
  const activation = walk.activations.get(id)
  if (!activation) {
    throw new GlasswingError({
      where: context.where,
      argument: 'options.layer',
      expected: 'a layer whose output DeepLIFT walks through',
      received: `'${layer}' (a batch-norm folded into its layer, or the input)`,
      hint: 'Pick the activation after it.',
    })
  }
  const values = tf.mul(tf.sub(activation, walk.references.get(id)!), m ?? tf.zerosLike(activation))
  // Summation-to-delta holds at the input (a layer's units sum to the same where every path crosses it).
  return { values, delta: tf.sub(flatSum(values), flatSum(change)) as tf.Tensor1D }
}

/** The id of the tensor a layer writes (its first call), as the DeepLIFT walk names tensors. */
export function layerOutputId(model: GlasswingModel, layer: string): number {
  const layersModel = model.tfModel as tf.LayersModel
  return layersModel.getLayer(layer).inboundNodes[0]!.outputTensors[0]!.id
}

const allRows = (count: number) => Int32Array.from({ length: count }, (_, row) => row)

/**
 * DeepLIFT with the Rescale or RevealCancel rule, for the layer graphs LRP walks.
 *
 * @example
 * await gw.explain(model, images, { method: 'deeplift', baseline: 'blurred' })
 * await gw.explain(model, images, { method: 'deeplift', rule: 'reveal-cancel' })
 */
export const deepLift: AttributionMethod<DeepLiftOptions> = {
  name: 'deeplift',
  title: 'DeepLIFT',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: resolveDeepLift,
  attribute(context, options) {
    const references = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    const rows = allRows(context.inputs.shape[0]!)
    return attributeDeepLift(context, context.inputs, references, rows, options.rule, null)
  },
}

/**
 * Layer DeepLIFT: the attribution of a layer's units, `(a(x) - a(x0)) * m`.
 *
 * @example
 * await gw.explain(model, images, { method: 'layer-deeplift', layer: 'conv2' })
 */
export const layerDeepLift: AttributionMethod<LayerDeepLiftOptions> = {
  name: 'layer-deeplift',
  title: 'Layer DeepLIFT',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve: (options, context) => ({
    ...resolveDeepLift(options, context),
    layer: resolveLayer(options, context),
  }),
  attribute(context, options) {
    const references = makeBaseline(context, options.baseline, options.blurSigma, 'options.baseline')
    const rows = allRows(context.inputs.shape[0]!)
    return {
      ...attributeDeepLift(context, context.inputs, references, rows, options.rule, options.layer),
      layer: options.layer,
    }
  },
}

/**
 * DeepLiftShap: DeepLIFT averaged over references (a background set), as SHAP's DeepExplainer.
 *
 * @example
 * await gw.explain(model, images, { method: 'deeplift-shap', baselines: trainingSample })
 */
export const deepLiftShap: AttributionMethod<DeepLiftShapOptions> = {
  name: 'deeplift-shap',
  title: 'DeepLiftShap',
  needsGradients: true,
  stochastic: false,
  signed: () => true,
  resolve(options, context) {
    refuseNeuron(options as CommonOptions, context)
    checkModel(context)
    const baselines = options.baselines ?? 'zero'
    const shape = context.inputs.shape.slice(1)
    const fits =
      baselines instanceof tf.Tensor
        ? !baselines.isDisposed &&
          baselines.dtype !== 'string' &&
          baselines.rank === shape.length + 1 &&
          baselines.shape[0]! >= 1 &&
          shape.every((d, i) => d === baselines.shape[i + 1]) &&
          tf.tidy(() => tf.all(tf.isFinite(baselines.toFloat())).dataSync()[0] === 1)
        : BASELINE_KINDS.includes(baselines as BaselineKind)
    if (!fits) {
      throw new GlasswingError({
        where: context.where,
        argument: 'options.baselines',
        expected: `a tensor [b, ${shape.join(', ')}] of finite reference examples, or ${BASELINE_KINDS.map((k) => `'${k}'`).join(', ')}`,
        received: describeValue(baselines),
        hint: 'A few dozen training examples make a good background.',
      })
    }
    return { baselines, rule: checkRule(options.rule ?? 'rescale', context) }
  },
  attribute(context, options) {
    const n = context.inputs.shape[0]!
    const shape = context.inputs.shape.slice(1)
    if (!(options.baselines instanceof tf.Tensor)) {
      // One named reference per example: DeepLIFT itself.
      const references = makeBaseline(context, options.baselines, 5, 'options.baselines')
      return attributeDeepLift(context, context.inputs, references, allRows(n), options.rule, null)
    }
    const background = options.baselines.toFloat()
    const b = background.shape[0]!
    // Row r * b + j: example r against reference j.
    const inputs = tf.reshape(tf.tile(context.inputs.expandDims(1), [1, b, ...shape.map(() => 1)]), [
      n * b,
      ...shape,
    ])
    const references = tf.tile(background, [n, ...shape.map(() => 1)])
    const rows = Int32Array.from({ length: n * b }, (_, row) => Math.floor(row / b))
    const { values, delta } = attributeDeepLift(context, inputs, references, rows, options.rule, null)
    return {
      values: tf.mean(values.reshape([n, b, ...shape]), 1),
      delta: tf.mean(delta.reshape([n, b]), 1) as tf.Tensor1D,
    }
  },
}
