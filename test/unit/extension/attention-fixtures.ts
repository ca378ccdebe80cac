/** Attention payloads for the view's tests, made by the library's own payload builder. */
import type { AttentionPayload } from '../../../src/display/schema'
import { summarizeHeads } from '../../../src/transformer/heads'
import { attentionPayload } from '../../../src/transformer/payload'
import type { Matrix } from '../../../src/transformer/rollout'
import { rollout } from '../../../src/transformer/rollout'
import { provenance, random } from './fixtures'

/**
 * A stack [layer][head][query][key] of `tokens` tokens: head 0 of every layer a previous-token head,
 * head 1 of the last layer an induction head over a sequence repeated after its first half, the other
 * heads random (causal: keys after the query are 0, unless `causal` is false).
 */
export function attentionStack(
  options: { layers?: number; heads?: number; tokens?: number; causal?: boolean; seed?: number } = {},
): { stack: Matrix[][]; ids: number[] } {
  const { layers = 2, heads = 2, tokens = 9, causal = true, seed = 1 } = options
  const next = random(seed)
  const half = Math.floor((tokens - 1) / 2)
  const ids = Array.from({ length: tokens }, (_, i) => (i === 0 ? 0 : 1 + ((i - 1) % half)))
  const stack = Array.from({ length: layers }, (_, l) =>
    Array.from({ length: heads }, (_, h) =>
      Array.from({ length: tokens }, (_, i) => {
        const end = causal ? i + 1 : tokens
        const row = Array.from({ length: tokens }, (_, j) => (j < end ? 0.05 * next() : 0))
        if (h === 0) row[Math.max(0, i - 1)] = 1
        else if (h === 1 && l === layers - 1 && i > half) row[i - half + 1] = 1
        const sum = row.reduce((s, v) => s + v, 0)
        return row.map((v) => v / sum)
      }),
    ),
  )
  return { stack, ids }
}

/** An attention payload of such a stack, with rollout and a flow-like vector. */
export function attentionPayloadSample(
  options: { layers?: number; heads?: number; tokens?: number; causal?: boolean; flow?: boolean } = {},
): AttentionPayload {
  const { stack, ids } = attentionStack(options)
  const t = ids.length
  const heads = summarizeHeads(
    stack.map((layer) => [layer]),
    [ids],
  )
  return attentionPayload({
    stack,
    tokens: ids.map((id, i) => (i === 0 ? '<s>' : `tok${id}`)),
    heads,
    exampleCount: 1,
    shown: {
      example: 0,
      rollout: { matrix: rollout(stack), residual: true, headFusion: 'mean', startLayer: 0 },
      flow: options.flow === false ? null : { output: t - 1, values: rollout(stack)[t - 1]! },
    },
    provenance: provenance('attention'),
  })
}
