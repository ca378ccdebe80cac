/** Interventions: ablation, activation patching and counterfactuals, all on one patch engine. */
export {
  runPatches,
  cellMask,
  describeWhere,
  type PatchInputs,
  type PatchRun,
  type PatchSource,
  type PatchVariant,
  type PatchWhere,
  type RunPatchesOptions,
} from './engine'
export { patch, trace, type PatchOptions, type TraceOptions } from './patching'
export { PatchingResult } from './patching-result'
export { PATCH_METRICS, type PatchMetric } from './metrics'
export { sweepColumns, type SweepAxis, type SweepColumn } from './sweep'
import { ablate as ablateStudy, flipSet } from './ablation'

/**
 * Ablation studies (`gw.ablate`, see the ablate function of ./ablation); `gw.ablate.flip` is the
 * greedy smallest set of units whose ablation flips a class.
 *
 * @example
 * gw.ablate(model, { inputs, labels }, { layer: 'conv2d_1' })
 * gw.ablate.flip(model, { inputs, labels }, { layer: 'conv2d_2', target: 7 })
 */
export const ablate = Object.assign(ablateStudy, { flip: flipSet })
export {
  flipSet,
  type AblateOptions,
  type AblationMode,
  type FlipOptions,
  type PathwayPart,
} from './ablation'
export { AblationStudy, type FlipSearch } from './ablation-result'
export { counterfactuals, type CounterfactualOptions } from './counterfactuals'
export { CounterfactualSet } from './counterfactual-result'
