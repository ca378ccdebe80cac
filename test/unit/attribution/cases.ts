// The conformance table's cases, one per registered method: shared by the conformance test and the
// batching test. Adding a method to the registry without a line here fails to type-check.
import type { ExplainOptions, MethodName } from '../../../src/attribution'

export const CASES: Record<MethodName, ExplainOptions> = {
  saliency: { method: 'saliency' },
  'input-x-gradient': { method: 'input-x-gradient' },
  'integrated-gradients': { method: 'integrated-gradients', steps: 8 },
  'gradient-shap': { method: 'gradient-shap', samples: 4, stdev: 0.1 },
  'guided-backprop': { method: 'guided-backprop' },
  deconvolution: { method: 'deconvolution' },
  smoothgrad: { method: 'smoothgrad', noise: { samples: 3 } },
  vargrad: { method: 'vargrad', noise: { samples: 3 } },
  'layer-gradient-x-activation': { method: 'layer-gradient-x-activation', layer: 'conv' },
  'layer-integrated-gradients': { method: 'layer-integrated-gradients', layer: 'conv', steps: 8 },
  'grad-cam': { method: 'grad-cam', layer: 'conv' },
  'grad-cam++': { method: 'grad-cam++', layer: 'conv' },
  'layer-cam': { method: 'layer-cam', layer: 'conv' },
  'score-cam': { method: 'score-cam', layer: 'conv' },
  occlusion: { method: 'occlusion', window: 2 },
  'feature-ablation': { method: 'feature-ablation', segments: { method: 'grid', cellSize: 2 } },
  'kernel-shap': { method: 'kernel-shap', samples: 16, segments: { method: 'grid', cellSize: 2 } },
  lime: { method: 'lime', samples: 16 },
  rise: { method: 'rise', masks: 16, gridSize: 4 },
  lrp: { method: 'lrp', composite: 'epsilon-plus' },
  'guided-ig': { method: 'guided-ig', steps: 8 },
  xrai: { method: 'xrai', steps: 4 },
  deeplift: { method: 'deeplift', baseline: 'uniform' },
  'deeplift-shap': { method: 'deeplift-shap', rule: 'reveal-cancel' },
  'layer-deeplift': { method: 'layer-deeplift', layer: 'conv' },
  'shapley-values': { method: 'shapley-values', segments: { method: 'grid', cellSize: 4 } },
  'shapley-sampling': { method: 'shapley-sampling', samples: 4, segments: { method: 'grid', cellSize: 2 } },
  'guided-grad-cam': { method: 'guided-grad-cam', layer: 'conv' },
}
