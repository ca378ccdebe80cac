/**
 * Transformers: the hooked transformer (TransformerLens hook names as layers), attention analysis
 * (patterns, rollout, flow, gradient-weighted rollout, head summaries) and head ablation.
 */
import { attention, gradientRolloutOf, meanRow } from './analysis'
import { buildTransformer, hookNames } from './build'
import { encodeSentences, repeatedTokens, sentenceTokens } from './data'
import { attentionFlow } from './flow'
import { ablateHeads, copyAccuracy, summarizeHeads } from './heads'
import { hooks, runWithCache } from './hooks'
import { rollout } from './rollout'

export { attention, AttentionResult, gradientRolloutOf, meanRow, type AttentionOptions } from './analysis'
export { buildTransformer, hookNames, type TransformerConfig } from './build'
export { hooks, runWithCache } from './hooks'
export { rollout, gradientRollout, fuseHeads, type RolloutOptions, type Matrix } from './rollout'
export { attentionFlow, type FlowOptions } from './flow'
export {
  attentionPatterns,
  summarizeHeads,
  ablateHeads,
  copyAccuracy,
  type HeadSummary,
  type Patterns,
} from './heads'
export { repeatedTokens, encodeSentences, sentenceTokens, type RepeatedTokens } from './data'

/**
 * `gw.transformer.*`: build a hooked transformer, run it with a cache, read its attention (patterns,
 * head summaries, rollout, flow, gradient-weighted rollout), ablate heads, and make its inputs.
 *
 * @example
 * const model = await gw.load('notebooks/models/induction-transformer')
 * const task = gw.transformer.repeatedTokens(32, { vocabularySize: 64, half: 10, seed: 3 })
 * const a = await gw.transformer.attention(model, task.tokens)
 * a.inductionHeads()
 */
export const transformer = {
  build: buildTransformer,
  hookNames,
  hooks,
  runWithCache,
  attention,
  rollout,
  flow: attentionFlow,
  gradientRollout: gradientRolloutOf,
  meanRow,
  summarizeHeads,
  ablateHeads,
  copyAccuracy,
  repeatedTokens,
  encodeSentences,
  sentenceTokens,
}
