/** The pure metric functions, for use on plain arrays (gw.qualityMetrics). */
export { sparseness, complexity, effectiveComplexity } from './complexity'
export {
  pointingGame,
  relevanceMassAccuracy,
  relevanceRankAccuracy,
  topKIntersection,
  descendingOrder,
} from './localisation'
export { spearman, pearson, ranks, ssim, hog, hogSimilarity } from './similarity'
export {
  perturbationCurves,
  featureGroups,
  regionGroups,
  trapezoid,
  normalisedAuc,
  aopc,
  faithfulnessCorrelation,
  infidelity,
  sensitivityMax,
  gaussianPerturbations,
} from './faithfulness'
export { modelScorer, type Scorer, type ScoreJob } from './scorer'
export { parameterRandomisation, reinitialisedWeights, randomisableLayers } from './randomisation'
export { linearImpute, roadCurves } from './road'
