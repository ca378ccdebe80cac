/** Global explanations: distillation into readable surrogates, concept tests (TCAV), fairness with explanations. */
export { distill, Distillation, type DistillOptions, type FidelityReport } from './distill'
