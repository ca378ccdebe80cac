/** The metric catalogue: names, families, directions and each preset's settings. */

/** Every metric `gw.evaluate` computes. */
export const METRIC_NAMES = [
  'deletion',
  'insertion',
  'pixel-flipping',
  'region-perturbation',
  'faithfulness-correlation',
  'road',
  'infidelity',
  'sensitivity-max',
  'random-logit',
  'pointing-game',
  'relevance-mass',
  'relevance-rank',
  'top-k',
  'sparseness',
  'complexity',
  'effective-complexity',
] as const

export type MetricName = (typeof METRIC_NAMES)[number]

/** 'paper': the papers' conventions (zero baseline, RISE's normalised AUC); 'quantus': Quantus 0.6's numerics. */
export type Preset = 'paper' | 'quantus'

export interface MetricInfo {
  title: string
  family: 'faithfulness' | 'robustness' | 'randomisation' | 'localisation' | 'complexity'
  /** Whether a larger value means a better explanation. */
  higherIsBetter: boolean
  needsMask: boolean
  /** Re-runs the attribution method (sensitivity, random logit): the costliest. */
  reexplains: boolean
}

export const METRICS: Record<MetricName, MetricInfo> = {
  deletion: {
    title: 'Deletion AUC',
    family: 'faithfulness',
    higherIsBetter: false,
    needsMask: false,
    reexplains: false,
  },
  insertion: {
    title: 'Insertion AUC',
    family: 'faithfulness',
    higherIsBetter: true,
    needsMask: false,
    reexplains: false,
  },
  'pixel-flipping': {
    title: 'Pixel-flipping AOPC',
    family: 'faithfulness',
    higherIsBetter: true,
    needsMask: false,
    reexplains: false,
  },
  'region-perturbation': {
    title: 'Region-perturbation AOPC',
    family: 'faithfulness',
    higherIsBetter: true,
    needsMask: false,
    reexplains: false,
  },
  'faithfulness-correlation': {
    title: 'Faithfulness correlation',
    family: 'faithfulness',
    higherIsBetter: true,
    needsMask: false,
    reexplains: false,
  },
  road: {
    title: 'ROAD (MoRF, mean score)',
    family: 'faithfulness',
    higherIsBetter: false,
    needsMask: false,
    reexplains: false,
  },
  infidelity: {
    title: 'Infidelity',
    family: 'faithfulness',
    higherIsBetter: false,
    needsMask: false,
    reexplains: false,
  },
  'sensitivity-max': {
    title: 'Max-sensitivity',
    family: 'robustness',
    higherIsBetter: false,
    needsMask: false,
    reexplains: true,
  },
  'random-logit': {
    title: 'Random-logit similarity',
    family: 'randomisation',
    higherIsBetter: false,
    needsMask: false,
    reexplains: true,
  },
  'pointing-game': {
    title: 'Pointing game',
    family: 'localisation',
    higherIsBetter: true,
    needsMask: true,
    reexplains: false,
  },
  'relevance-mass': {
    title: 'Relevance mass accuracy',
    family: 'localisation',
    higherIsBetter: true,
    needsMask: true,
    reexplains: false,
  },
  'relevance-rank': {
    title: 'Relevance rank accuracy',
    family: 'localisation',
    higherIsBetter: true,
    needsMask: true,
    reexplains: false,
  },
  'top-k': {
    title: 'Top-k intersection',
    family: 'localisation',
    higherIsBetter: true,
    needsMask: true,
    reexplains: false,
  },
  sparseness: {
    title: 'Sparseness (Gini)',
    family: 'complexity',
    higherIsBetter: true,
    needsMask: false,
    reexplains: false,
  },
  complexity: {
    title: 'Complexity (entropy)',
    family: 'complexity',
    higherIsBetter: false,
    needsMask: false,
    reexplains: false,
  },
  'effective-complexity': {
    title: 'Effective complexity',
    family: 'complexity',
    higherIsBetter: false,
    needsMask: false,
    reexplains: false,
  },
}

/** The metrics a saliency view's "Score" offers: every metric that needs no mask (a view has none). */
export const VIEW_METRICS: readonly MetricName[] = METRIC_NAMES.filter((name) => !METRICS[name].needsMask)

/** What `gw.evaluate` computes when `metrics` is not given (localisation too when a mask is). */
export const DEFAULT_METRICS: readonly MetricName[] = ['deletion', 'insertion', 'sparseness', 'complexity']

/** Every setting of every metric under a preset, for `features` input values (shown in provenance). */
export function presetSettings(
  preset: Preset,
  features: number,
): Record<MetricName, Record<string, unknown>> {
  const q = preset === 'quantus'
  const perStep = q ? 1 : Math.max(1, Math.ceil(features / 100))
  const fill = q ? 'min' : 0
  // Scores are the model's outputs; 'softmax' (Quantus's default for pixel flipping and region
  // perturbation) takes their softmax. Quantus divides by the largest |a| of the whole batch, then takes |a| where the metric's abs is on.
  const prep = (abs: boolean) => (q ? { normalise: 'batch max |a|', abs } : { normalise: 'none', abs })
  return {
    deletion: {
      ...prep(false),
      softmax: q,
      perStep,
      fill,
      includeStart: !q,
      auc: q ? 'trapz dx=1' : 'x in [0, 1]',
    },
    insertion: {
      ...prep(false),
      softmax: q,
      perStep,
      fill,
      includeStart: !q,
      auc: q ? 'trapz dx=1' : 'x in [0, 1]',
    },
    'pixel-flipping': { ...prep(false), softmax: q, perStep, fill, order: 'morf' },
    'region-perturbation': {
      ...prep(false),
      softmax: q,
      patch: q ? 8 : 4,
      regions: 100,
      fill,
      order: 'morf',
    },
    'faithfulness-correlation': {
      ...prep(false),
      softmax: false,
      runs: 100,
      subsetSize: Math.min(224, features),
      fill,
    },
    // Quantus's ROAD reports the batch's accuracy per percentage; here each row's target score, averaged.
    road: {
      ...prep(false),
      softmax: q,
      order: 'morf',
      percentages: q ? Array.from({ length: 50 }, (_, i) => 1 + 2 * i) : [10, 20, 30, 40, 50, 60, 70, 80, 90],
      noise: 0.01,
      imputation: 'noisy linear (8 neighbours, 1/6 direct, 1/12 diagonal)',
    },
    infidelity: {
      normalise: 'none',
      abs: false,
      softmax: false,
      samples: 10,
      noise: 'gaussian',
      std: 0.1,
      normalize: !q,
    },
    'sensitivity-max': { normalise: 'none', abs: false, samples: 10, radius: 0.02, norm: 'fro' },
    'random-logit': { ...prep(false), similarity: 'ssim' },
    'pointing-game': { ...prep(false), weighted: false },
    'relevance-mass': prep(false),
    'relevance-rank': prep(false),
    'top-k': {
      ...prep(false),
      k: Math.min(q ? 1000 : Math.ceil(features / 10), features),
      conceptInfluence: false,
    },
    sparseness: prep(true),
    complexity: prep(true),
    'effective-complexity': { ...prep(true), eps: 1e-5 },
  }
}
