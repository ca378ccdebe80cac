/** Global explanations: distillation into readable surrogates, concept tests (TCAV), fairness with explanations. */
export { distill, Distillation, type DistillOptions, type FidelityReport } from './distill'
export { tcav, TcavResult, MIN_CONCEPT_EXAMPLES, type TcavOptions, type TcavRow } from './tcav'
export {
  fairness,
  FairnessReport,
  type FairnessOptions,
  type FairnessData,
  type CounterfactualResult,
} from './fairness'
