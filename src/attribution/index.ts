/**
 * Attribution: which parts of the input (or of a layer) drive a model's output. Every method has the
 * same call shape, `(model, inputs, options)`, and returns an {@link Attribution}.
 *
 * The registry below is the list of methods: adding one is a file, a line here, and a line in the
 * conformance table (test/unit/attribution/methods.test.ts).
 */
import type * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { load, nearestNames, type GlasswingModel } from '../model'
import { Comparison, type Attribution } from './attribution'
import { deconvolution, guidedBackprop } from './gradient/guided-backprop'
import { gradientShap } from './gradient/gradient-shap'
import { inputXGradient } from './gradient/input-x-gradient'
import { integratedGradients } from './gradient/integrated-gradients'
import { saliency } from './gradient/saliency'
import type { InputLike } from './inputs'
import { layerGradientXActivation } from './layer/layer-gradient-x-activation'
import { layerIntegratedGradients } from './layer/layer-integrated-gradients'
import { noiseTunnel } from './noise-tunnel'
import { runAttribution } from './run'
import { gradCam } from './cam/grad-cam'
import { gradCamPlusPlus } from './cam/grad-cam-plus-plus'
import { layerCam } from './cam/layer-cam'
import { scoreCam } from './cam/score-cam'
import { featureAblation } from './perturbation/feature-ablation'
import { kernelShap } from './perturbation/kernel-shap'
import { lime } from './perturbation/lime'
import { occlusion } from './perturbation/occlusion'
import { rise } from './perturbation/rise'
import { lrp } from './lrp/lrp'
import { guidedIntegratedGradients } from './path/guided-ig'
import { xrai } from './path/xrai'
import { deepLift, deepLiftShap, layerDeepLift } from './deeplift/deeplift'
import { shapleySampling, shapleyValues } from './perturbation/shapley'
import { guidedGradCam } from './cam/guided-grad-cam'
import { neuronDeepLift } from './deeplift/neuron-deeplift'
import { featurePermutation } from './perturbation/feature-permutation'
import { layerConductance } from './layer/layer-conductance'
import { neuronConductance } from './layer/neuron-conductance'
import { internalInfluence } from './layer/internal-influence'
import type { AttributionMethod, CommonOptions } from './types'

/** Every method, by name. */
export const METHODS = {
  saliency,
  'input-x-gradient': inputXGradient,
  'integrated-gradients': integratedGradients,
  'gradient-shap': gradientShap,
  'guided-backprop': guidedBackprop,
  deconvolution,
  smoothgrad: noiseTunnel(saliency, 'smoothgrad', 'SmoothGrad', { type: 'smoothgrad' }),
  vargrad: noiseTunnel(saliency, 'vargrad', 'VarGrad', { type: 'vargrad' }),
  'layer-gradient-x-activation': layerGradientXActivation,
  'layer-integrated-gradients': layerIntegratedGradients,
  'grad-cam': gradCam,
  'grad-cam++': gradCamPlusPlus,
  'layer-cam': layerCam,
  'score-cam': scoreCam,
  occlusion,
  'feature-ablation': featureAblation,
  'kernel-shap': kernelShap,
  lime,
  rise,
  lrp,
  'guided-ig': guidedIntegratedGradients,
  xrai,
  deeplift: deepLift,
  'deeplift-shap': deepLiftShap,
  'layer-deeplift': layerDeepLift,
  'shapley-values': shapleyValues,
  'shapley-sampling': shapleySampling,
  'guided-grad-cam': guidedGradCam,
  'neuron-deeplift': neuronDeepLift,
  'feature-permutation': featurePermutation,
  'layer-conductance': layerConductance,
  'neuron-conductance': neuronConductance,
  'internal-influence': internalInfluence,
} satisfies Record<string, AttributionMethod<object>>

/** A registered method's name. */
export type MethodName = keyof typeof METHODS

/** The options a registered method takes (its own, without `method`). */
export type MethodOptions<M extends MethodName> =
  (typeof METHODS)[M] extends AttributionMethod<infer Options> ? Partial<Omit<Options, 'noise'>> : never

/** `gw.explain`'s options: the method's name, its options, and the common ones (target, seed, noise...). */
export type ExplainOptions = {
  [M in MethodName]: { method: M } & MethodOptions<M> & CommonOptions
}[MethodName]

/**
 * Explains a model's outputs on `inputs` with one method.
 *
 * @example
 * const model = await gw.load('notebooks/models/mnist-cnn')
 * await gw.explain(model, images, { method: 'integrated-gradients', steps: 64, target: 'predicted' })
 * await gw.explain(model, images, { method: 'saliency', noise: { type: 'smoothgrad', samples: 20 }, seed: 1 })
 */
export async function explain(
  model: ModelLike,
  inputs: InputLike,
  options: ExplainOptions,
): Promise<Attribution> {
  const method = lookup(options?.method, 'gw.explain')
  return runAttribution(method, await asModel(model, 'gw.explain'), inputs, options as never, 'gw.explain')
}

/** A model from `gw.load`, or a tfjs model in memory (wrapped on each call). */
export type ModelLike = GlasswingModel | tf.LayersModel | tf.GraphModel

function asModel(model: ModelLike, where: string): Promise<GlasswingModel> | GlasswingModel {
  const isTfjs = typeof model === 'object' && model !== null && ('execute' in model || 'getLayer' in model)
  if (isTfjs) return load(model as tf.LayersModel | tf.GraphModel, { warmup: false })
  const wrapped = model as Partial<GlasswingModel> | null
  const isModel =
    typeof wrapped === 'object' &&
    wrapped !== null &&
    typeof wrapped.run === 'function' &&
    typeof wrapped.predict === 'function' &&
    typeof wrapped.requireGradients === 'function' &&
    Array.isArray(wrapped.layerNames) &&
    Array.isArray(wrapped.inputShape)
  if (!isModel) {
    throw new GlasswingError({
      where,
      argument: 'model',
      expected: 'a model from gw.load (or a tf.LayersModel / tf.GraphModel)',
      received: describeValue(model),
      hint: "Load it first: const model = await gw.load('path/to/model').",
    })
  }
  return model as GlasswingModel
}

/**
 * Explains the same inputs with several methods, for display side by side. Each entry is a method
 * name or a full options object; `common` (target, seed...) applies to all.
 *
 * @example
 * await gw.compare(model, images, ['saliency', 'smoothgrad', { method: 'integrated-gradients', steps: 32 }])
 */
export async function compare(
  model: ModelLike,
  inputs: InputLike,
  methods: readonly (MethodName | ExplainOptions)[],
  common: CommonOptions = {},
): Promise<Comparison> {
  if (!Array.isArray(methods) || methods.length === 0) {
    throw new GlasswingError({
      where: 'gw.compare',
      argument: 'methods',
      expected: 'a non-empty list of method names or option objects',
      received: describeValue(methods),
      hint: `Methods: ${Object.keys(METHODS).join(', ')}.`,
    })
  }
  if (typeof common !== 'object' || common === null || Array.isArray(common)) {
    throw new GlasswingError({
      where: 'gw.compare',
      argument: 'common',
      expected: 'an object of options for every method (target, seed, ...)',
      received: describeValue(common),
    })
  }
  const results: Attribution[] = []
  const wrapped = await asModel(model, 'gw.compare')
  for (const [index, entry] of methods.entries()) {
    const options = typeof entry === 'string' ? { method: entry } : entry
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new GlasswingError({
        where: 'gw.compare',
        argument: `methods[${index}]`,
        expected: 'a method name or an options object with a method',
        received: describeValue(entry),
      })
    }
    const method = lookup(options.method, 'gw.compare')
    results.push(
      await runAttribution(method, wrapped, inputs, { ...common, ...options } as never, 'gw.compare'),
    )
  }
  return new Comparison(results)
}

function lookup(name: unknown, where: string): AttributionMethod<object> {
  if (typeof name === 'string' && Object.hasOwn(METHODS, name))
    return METHODS[name as MethodName] as AttributionMethod<object>
  const names = Object.keys(METHODS)
  throw new GlasswingError({
    where,
    argument: 'options.method',
    expected: 'the name of a registered method',
    received: describeValue(name),
    hint: `${
      typeof name === 'string'
        ? `Did you mean ${nearestNames(name, names)
            .map((n) => `'${n}'`)
            .join(', ')}? `
        : ''
    }Methods: ${names.join(', ')}.`,
  })
}

export { Attribution, Comparison, type AttributionData, type ExamplePrediction } from './attribution'
export { runAttribution } from './run'
export { noiseTunnel, type NoiseTunnelOptions, type NoiseTunnelType } from './noise-tunnel'
export { createRandom, type RandomSource } from './random'
export { normalizeInputs, type InputLike } from './inputs'
export type { Baseline, BaselineKind } from './gradient/baselines'
export type { IntegrationRule } from './gradient/quadrature'
export type { IntegratedGradientsOptions } from './gradient/integrated-gradients'
export type { GradientShapOptions } from './gradient/gradient-shap'
export type { SaliencyOptions } from './gradient/saliency'
export type { LayerGradientXActivationOptions } from './layer/layer-gradient-x-activation'
export type { LayerIntegratedGradientsOptions } from './layer/layer-integrated-gradients'
export type {
  AttributionContext,
  AttributionMethod,
  CommonOptions,
  MethodOutput,
  NeuronSelector,
  Target,
  TargetFunction,
} from './types'
export type { CamOptions } from './cam/common'
export type { ScoreCamOptions } from './cam/score-cam'
export type { OcclusionOptions } from './perturbation/occlusion'
export type { FeatureAblationOptions } from './perturbation/feature-ablation'
export type { KernelShapOptions } from './perturbation/kernel-shap'
export type { LimeOptions } from './perturbation/lime'
export type { RiseOptions } from './perturbation/rise'
export type { Segmentation } from './perturbation/segments'
export type { SlicOptions } from './perturbation/slic'
export type { LrpComposite, LrpOptions } from './lrp/lrp'
export type { LayerRule } from './lrp/rules'
export type { GuidedIntegratedGradientsOptions } from './path/guided-ig'
export type { XraiOptions, XraiRegions } from './path/xrai'
export type { DeepLiftOptions, DeepLiftShapOptions, LayerDeepLiftOptions } from './deeplift/deeplift'
export type { DeepLiftRule } from './deeplift/walk'
export type { ShapleySamplingOptions, ShapleyValuesOptions } from './perturbation/shapley'
export type { GuidedGradCamOptions } from './cam/guided-grad-cam'
export type { NeuronDeepLiftOptions } from './deeplift/neuron-deeplift'
export type { FeaturePermutationOptions } from './perturbation/feature-permutation'
export type { LayerConductanceOptions } from './layer/layer-conductance'
export type { NeuronConductanceOptions } from './layer/neuron-conductance'
export type { InternalInfluenceOptions } from './layer/internal-influence'
