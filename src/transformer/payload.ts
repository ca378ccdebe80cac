/**
 * The attention view's payload of one example: its patterns packed compactly (each query row as uint8
 * fractions of the row's largest weight; only the lower triangle of a causal model's patterns), the
 * per-head scores, and rollout and flow when the result carries them.
 */
import { encodeArray } from '../display/codec'
import type { AttentionPayload, AttentionScore, Provenance } from '../display/schema'
import type { HeadSummary } from './heads'
import type { Matrix } from './rollout'

/** What the view shows of one example besides its patterns. */
export interface AttentionShown {
  example: number
  /** Rollout of the example and the options it was made with; null when not computed. */
  rollout: { matrix: Matrix; residual: boolean; headFusion: string; startLayer: number } | null
  /** Flow from one output position; null when not computed. */
  flow: { output: number; values: number[] } | null
}

/** True when every weight above the diagonal is exactly 0 (a causal model's masked keys). */
export function isLowerTriangular(stack: readonly (readonly Matrix[])[]): boolean {
  for (const layer of stack)
    for (const pattern of layer)
      for (let i = 0; i < pattern.length; i++) {
        const row = pattern[i]!
        for (let j = i + 1; j < row.length; j++) if (row[j] !== 0) return false
      }
  return true
}

/** How many weights the view's payload holds: layers x heads x cells (T² full, T(T + 1)/2 lower). */
export function attentionValues(layers: number, heads: number, tokens: number, lower: boolean): number {
  return layers * heads * (lower ? (tokens * (tokens + 1)) / 2 : tokens * tokens)
}

/**
 * Packs a stack [layer][head][query][key] as uint8 row fractions and the rows' largest weights.
 *
 * @example
 * const { bytes, rowMax } = packPatterns(stack, 'lower')   // bytes: layers x heads x T(T+1)/2
 */
export function packPatterns(
  stack: readonly (readonly Matrix[])[],
  layout: 'full' | 'lower',
): { bytes: Uint8Array; rowMax: Float32Array } {
  const layers = stack.length
  const heads = stack[0]!.length
  const t = stack[0]![0]!.length
  const cells = layout === 'lower' ? (t * (t + 1)) / 2 : t * t
  const bytes = new Uint8Array(layers * heads * cells)
  const rowMax = new Float32Array(layers * heads * t)
  let at = 0
  stack.forEach((layer, l) =>
    layer.forEach((pattern, h) => {
      for (let i = 0; i < t; i++) {
        const row = pattern[i]!
        const end = layout === 'lower' ? i + 1 : t
        let top = 0
        let finite = true
        for (let j = 0; j < t; j++) {
          const v = row[j]!
          if (!Number.isFinite(v)) finite = false
          else if (v > top) top = v
        }
        rowMax[(l * heads + h) * t + i] = finite ? top : NaN
        const scale = finite && top > 0 ? 255 / top : 0
        for (let j = 0; j < end; j++) bytes[at++] = Math.round(Math.max(0, row[j]!) * scale)
      }
    }),
  )
  return { bytes, rowMax }
}

const SCORES: { key: keyof HeadSummary; name: string; description: string }[] = [
  {
    key: 'induction',
    name: 'induction',
    description: 'mean attention of a repeated token to the token after its earlier occurrence',
  },
  { key: 'previousToken', name: 'previous-token', description: 'mean attention to the position before' },
  { key: 'entropy', name: 'entropy', description: 'mean entropy of the query rows (nats); low is focused' },
]

/** The head summaries as the payload's scores (non-finite values as null). */
export function headScores(heads: readonly HeadSummary[]): AttentionScore[] {
  return SCORES.map(({ key, name, description }) => ({
    name,
    description,
    values: heads.map((h) => {
      const v = h[key]
      return Number.isFinite(v) ? v : null
    }),
  }))
}

/** The payload of one example's stack [layer][head][query][key]. */
export function attentionPayload(parts: {
  stack: readonly (readonly Matrix[])[]
  tokens: readonly string[]
  heads: readonly HeadSummary[]
  exampleCount: number
  shown: AttentionShown
  provenance: Provenance
}): AttentionPayload {
  const { stack, shown } = parts
  const layers = stack.length
  const heads = stack[0]!.length
  const t = stack[0]![0]!.length
  const layout = isLowerTriangular(stack) ? 'lower' : 'full'
  const { bytes, rowMax } = packPatterns(stack, layout)
  const cells = bytes.length / (layers * heads)
  return {
    version: 1,
    provenance: parts.provenance,
    kind: 'attention',
    title: `Attention of example ${shown.example} (${t} tokens, ${layers} layer${layers === 1 ? '' : 's'} x ${heads} head${heads === 1 ? '' : 's'})`,
    tokens: [...parts.tokens],
    layers,
    heads,
    example: shown.example,
    exampleCount: parts.exampleCount,
    layout,
    patterns: encodeArray(bytes, [layers, heads, cells], 'uint8', { quantise: false }),
    rowMax: encodeArray(rowMax, [layers, heads, t], 'float16'),
    scores: headScores(parts.heads),
    rollout: shown.rollout
      ? {
          values: encodeArray(shown.rollout.matrix.flat(), [t, t], 'float16'),
          residual: shown.rollout.residual,
          headFusion: shown.rollout.headFusion,
          startLayer: shown.rollout.startLayer,
        }
      : null,
    flow: shown.flow
      ? { output: shown.flow.output, values: encodeArray(shown.flow.values, [t], 'float32') }
      : null,
  }
}
