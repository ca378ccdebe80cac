/**
 * Attention rollout (Abnar & Zuidema 2020) and gradient-weighted rollout (Chefer, Gur & Wolf 2021) on
 * plain arrays in float64, so they match a numpy reference to 1e-9.
 *
 * Rollout: each layer's heads are fused (mean, max or min), the identity is added when `residual`
 * (the residual connection), rows are renormalised to sum to 1, and the layers from `startLayer` up are
 * multiplied: R = A_L ... A_start. R[i][j] is how much output position i draws from input token j.
 */
import { GlasswingError, describeValue } from '../errors'
import { throwIfInterrupted } from '../session/interrupt'

/** A square matrix as rows. */
export type Matrix = number[][]

/** Options of {@link rollout}. */
export interface RolloutOptions {
  /** Add the identity for the residual connection before renormalising (default true). */
  residual?: boolean
  /** How each layer's heads are fused (default 'mean'). */
  headFusion?: 'mean' | 'max' | 'min'
  /** The first layer multiplied in (default 0). */
  startLayer?: number
}

/** Fuses heads [head][query][key] into one [query][key]. */
export function fuseHeads(heads: readonly Matrix[], fusion: 'mean' | 'max' | 'min'): Matrix {
  const t = heads[0]!.length
  const out: Matrix = []
  for (let i = 0; i < t; i++) {
    const row = new Array<number>(t)
    for (let j = 0; j < t; j++) {
      let v = fusion === 'mean' ? 0 : heads[0]![i]![j]!
      for (const head of heads) {
        const x = head[i]![j]!
        v = fusion === 'mean' ? v + x : fusion === 'max' ? Math.max(v, x) : Math.min(v, x)
      }
      row[j] = fusion === 'mean' ? v / heads.length : v
    }
    out.push(row)
  }
  return out
}

/** A fused layer with the identity added (when `residual`) and rows renormalised. */
export function effectiveAttention(fused: Matrix, residual: boolean): Matrix {
  return fused.map((row, i) => {
    const r = row.map((v, j) => v + (residual && i === j ? 1 : 0))
    const sum = r.reduce((s, v) => s + v, 0)
    return r.map((v) => (sum > 0 ? v / sum : 0))
  })
}

/** a · b for square matrices (float64; rows of `b` read as typed arrays for speed). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  const t = a.length
  const m = b[0]!.length
  const bRows = b.map((row) => Float64Array.from(row))
  return a.map((row) => {
    const out = new Float64Array(m)
    for (let k = 0; k < t; k++) {
      const v = row[k]!
      if (v === 0) continue
      const bk = bRows[k]!
      for (let j = 0; j < m; j++) out[j] += v * bk[j]!
    }
    return Array.from(out)
  })
}

/**
 * Attention rollout of one example's attention stack [layer][head][query][key].
 *
 * @example
 * const r = gw.transformer.rollout(patterns.map((layer) => layer[0]), { residual: true, headFusion: 'mean' })
 */
export function rollout(stack: readonly (readonly Matrix[])[], options: RolloutOptions = {}): Matrix {
  const where = 'gw.transformer.rollout'
  checkStack(stack, where)
  const residual = options.residual ?? true
  const fusion = options.headFusion ?? 'mean'
  if (!['mean', 'max', 'min'].includes(fusion)) {
    throw new GlasswingError({
      where,
      argument: 'options.headFusion',
      expected: "'mean', 'max' or 'min'",
      received: describeValue(fusion),
    })
  }
  const start = options.startLayer ?? 0
  if (!Number.isInteger(start) || start < 0 || start >= stack.length) {
    throw new GlasswingError({
      where,
      argument: 'options.startLayer',
      expected: `a layer index from 0 to ${stack.length - 1}`,
      received: describeValue(start),
    })
  }
  let result: Matrix | null = null
  for (let l = start; l < stack.length; l++) {
    // One layer at 512 tokens is about half a second of float64 products.
    throwIfInterrupted(where, { done: l - start, total: stack.length - start, unit: 'layers' })
    const a = effectiveAttention(fuseHeads(stack[l] as Matrix[], fusion), residual)
    result = result ? multiply(a, result) : a
  }
  return result!
}

/**
 * Gradient-weighted rollout (Chefer et al. 2021, the rule for self-attention): with A_l a layer's heads
 * and G_l the gradient of the target output with respect to them, Ā_l = mean over heads of
 * max(G_l ⊙ A_l, 0), and R = I; R = R + Ā_l R for l = 0..L-1.
 */
export function gradientRollout(
  stack: readonly (readonly Matrix[])[],
  gradients: readonly (readonly Matrix[])[],
): Matrix {
  checkStack(stack, 'gw.transformer.gradientRollout')
  const t = stack[0]![0]!.length
  let r: Matrix = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (i === j ? 1 : 0)))
  stack.forEach((heads, l) => {
    const weighted = heads.map((head, h) =>
      head.map((row, i) => row.map((a, j) => Math.max(a * gradients[l]![h]![i]![j]!, 0))),
    )
    const fused = fuseHeads(weighted, 'mean')
    const update = multiply(fused, r)
    r = r.map((row, i) => row.map((v, j) => v + update[i]![j]!))
  })
  return r
}

export function checkStack(stack: unknown, where: string): void {
  const ok =
    Array.isArray(stack) &&
    stack.length > 0 &&
    stack.every(
      (layer) =>
        Array.isArray(layer) &&
        layer.length > 0 &&
        layer.every(
          (m) =>
            Array.isArray(m) &&
            m.length > 0 &&
            m.every((row: unknown) => Array.isArray(row) && row.length === m.length),
        ),
    )
  if (!ok) {
    throw new GlasswingError({
      where,
      argument: 'stack',
      expected: 'one example’s attention: [layer][head][query][key] with square matrices',
      received: describeValue(stack),
      hint: 'Take one example from gw.transformer.patterns: patterns.map((layer) => layer[i]).',
    })
  }
}
