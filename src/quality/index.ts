/** Explanation quality: gw.evaluate (faithfulness, robustness, localisation, complexity) and the randomisation test. */
export { evaluate, randomAttribution, reexplain, type EvaluateOptions } from './evaluate'
export { Evaluation, QualityTable, rankColumns, finiteMean } from './result'
export { randomisationTest, RandomisationTest, type RandomisationOptions } from './randomisation-test'
export {
  METRICS,
  METRIC_NAMES,
  DEFAULT_METRICS,
  VIEW_METRICS,
  presetSettings,
  type MetricName,
  type Preset,
} from './metrics'
export * as qualityMetrics from './pure'
export { scoreAttribution } from './view-score'
