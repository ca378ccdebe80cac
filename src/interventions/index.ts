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
