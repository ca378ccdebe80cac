/**
 * Glasswing: an interpretability DSL for TensorFlow.js models, made for Jupyter notebooks.
 *
 * @example
 * import * as gw from 'glasswing'
 * await gw.ready()
 * gw.backend()   // { backend: 'tensorflow', device: 'cpu', tensorflowVersion: '2.21.0', ... }
 */
import { ensureBackend, type BackendInfo } from './backend'

export { backend, explainBackendError, type BackendInfo, type BackendName } from './backend'
export { GlasswingError, describeValue, type GlasswingErrorDetails } from './errors'

/**
 * Chooses and starts the compute backend (native TensorFlow when it loads). Every gw.* computation
 * awaits this itself; call it directly to see which backend a session will use.
 *
 * @example
 * const { backend, tensorflowVersion } = await gw.ready()
 */
export function ready(): Promise<BackendInfo> {
  return ensureBackend()
}
export * from './display'
export { datasets, read } from './data'
export {
  load,
  type GlasswingModel,
  type LoadOptions,
  type ModelKind,
  type ForwardOptions,
  type SplitModel,
} from './model'
export {
  explain,
  compare,
  METHODS,
  Attribution,
  Comparison,
  type ExplainOptions,
  type MethodName,
  type MethodOptions,
  type Target,
  type CommonOptions,
} from './attribution'
export {
  featureView,
  tokenAttribution,
  TokenAttribution,
  type TabularViewOptions,
  type TokenAttributionOptions,
} from './attribution/features'
export {
  display,
  clearOutput,
  progress,
  registerCommTarget,
  openComm,
  type DisplayHandle,
  type DisplayOptions,
  type ProgressBar,
  type ProgressOptions,
  type CommHandle,
} from './session'
/** Reports: results as a self-contained, script-free HTML file and its PDF. */
export { report, Report, type ReportOptions, type ReportItem, type ReportTable } from './report'
/** Any labelled matrix of numbers as the matrix view (heatmap, hover, sort, per-cell detail, CSV). */
export { matrix, Matrix, type MatrixSpec } from './display/matrix'
/** Host-side session API (the kernel installs its hooks here); notebooks rarely need it. */
export * as session from './session'
/** Live link with the views: the embedding selection, explainers for other targets, scorers of shown maps. */
export {
  selection,
  registerExplainer,
  type Explainer,
  type ViewScorer,
  type ScoreRequest,
  type ScoreAnswer,
} from './display/live'
/** Neurons: feature visualization, top examples, tuning curves, dissection, ablation; gw.neurons gathers them. */
export {
  neurons,
  visualize,
  objectives,
  parametrizations,
  transforms,
  tuningCurves,
  dissect,
  conceptProbes,
  dominantOrientation,
  NeuronDictionary,
  Visualization,
  Objective,
  type NeuronsOptions,
  type NeuronEntry,
  type VisualizeOptions,
  type Parametrization,
  type Transform,
  type TuningCurve,
  type Dissection,
  type UserConcept,
} from './neurons'
/** Representations: activations at any layer, PCA, t-SNE and UMAP with quality measures. */
export {
  embed,
  embedLayers,
  pca,
  tsne,
  umap,
  quality,
  Embedding,
  LayerComparison,
  PcaModel,
  EMBEDDING_METHODS,
  type EmbedOptions,
  type EmbeddingMethod,
  type EmbeddingQuality,
  type TsneOptions,
  type UmapOptions,
  type PcaOptions,
  type Pooling,
} from './representation'
/** Jobs: data-set-wide computations sharded over local workers, Ray, Slurm or Kubernetes (gw.jobs). */
export {
  jobs,
  JobHandle,
  JobArray,
  ExplainedAndEvaluated,
  type JobSpec,
  type JobStatus,
  type SubmitOptions,
} from './jobs'
/** Global explanations: surrogates (gw.distill), concept tests (gw.tcav), fairness (gw.fairness). */
export * from './global'
/** Structure of representations: CKA, CCA/SVCCA/PWCCA, Procrustes and RSA between layers and models (gw.similarity). */
export {
  similarity,
  type CkaOptions,
  type CkaResult,
  type CcaResult,
  type SvccaResult,
  type PwccaResult,
  type ProcrustesResult,
  type RsaResult,
  type Rdm,
} from './structure'
/** Transformers: the hooked transformer, attention patterns, rollout, flow, head summaries and ablation (gw.transformer). */
export {
  transformer,
  AttentionResult,
  type TransformerConfig,
  type AttentionOptions,
  type RolloutOptions,
  type FlowOptions,
  type HeadSummary,
} from './transformer'
/** Explanation quality: gw.evaluate (faithfulness, robustness, localisation, complexity; presets 'paper' and 'quantus') and gw.randomisationTest. */
export {
  evaluate,
  randomisationTest,
  Evaluation,
  QualityTable,
  RandomisationTest,
  qualityMetrics,
  METRICS as QUALITY_METRICS,
  type EvaluateOptions,
  type RandomisationOptions,
  type MetricName,
  type Preset,
} from './quality'
/** Interventions: gw.ablate (units, channels, pathways; .flip), gw.patch (activation and attribution patching), gw.trace (causal tracing), on one batched patch engine (runPatches). */
export {
  ablate,
  patch,
  trace,
  counterfactuals,
  CounterfactualSet,
  type CounterfactualOptions,
  runPatches,
  cellMask,
  AblationStudy,
  PatchingResult,
  type AblateOptions,
  type PatchOptions,
  type TraceOptions,
  type PatchVariant,
  type PatchWhere,
  type PatchSource,
  type PatchRun,
  type PatchMetric,
  type FlipSearch,
} from './interventions'
