/**
 * Neurons: what a unit looks for (feature visualization), what excites it in the data (top examples),
 * what it is tuned to (tuning curves), which concept it matches (dissection) and what the model loses
 * without it (ablation), gathered by `gw.neurons` into a neuron dictionary.
 */
export { neurons, type NeuronsOptions, type DictionaryVisualizeOptions } from './dictionary'
export { NeuronDictionary, type NeuronEntry, type StageName } from './neuron-dictionary'
export { visualize, Visualization, type VisualizeOptions, type VisualizationProgress } from './visualize'
export {
  objectives,
  Objective,
  type ObjectiveContext,
  type ObjectiveNeeds,
  type BatchSelection,
} from './objectives'
export {
  parametrizations,
  type Parametrization,
  type Parametrized,
  type ImageShape,
} from './parametrizations'
export { transforms, standardTransforms, type Transform } from './transforms'
export { tuningCurves, type TuningCurve, type TuningOptions, type SweepName } from './tuning'
export { circularSelectivity, rangeSelectivity } from './selectivity'
export {
  dissect,
  type Dissection,
  type DissectOptions,
  type UnitLabel,
  type UserConcept,
} from './dissection/dissect'
export { conceptProbes, PROBE_COLORS, type ConceptSet, type ConceptCategory } from './dissection/probes'
export { topExamples, type TopExample, type UnitExamples, type ActivationStatistics } from './top-examples'
export { ablate, type Ablation, type AblationEffect } from './ablation'
export { dominantOrientation, orientationDifference, type ImageOrientation } from './orientation'
export type { ImageData } from './render'
