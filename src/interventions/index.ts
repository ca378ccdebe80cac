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
