/**
 * Transformers: the hooked transformer (TransformerLens hook names as layers), attention analysis
 * (patterns, rollout, flow, gradient-weighted rollout, head summaries) and its views.
 */
import { buildTransformer, hookNames } from './build'
import { hooks, runWithCache } from './hooks'

export { buildTransformer, hookNames, type TransformerConfig } from './build'
export { hooks, runWithCache } from './hooks'
export { rollout, gradientRollout, fuseHeads, type RolloutOptions, type Matrix } from './rollout'
export { attentionFlow, type FlowOptions } from './flow'
export { attentionPatterns, summarizeHeads, ablateHeads, copyAccuracy, type HeadSummary, type Patterns } from './heads'
export { repeatedTokens, encodeSentences, sentenceTokens, type RepeatedTokens } from './data'

/** `gw.transformer.*`: build, hooks, runWithCache, and the attention analyses. */
export const transformer = { build: buildTransformer, hookNames, hooks, runWithCache }
