/**
 * Patching metrics, read off the logits the engine measured: logit difference (target minus foil),
 * normalised recovery `(patched - corrupt) / (clean - corrupt)` of that difference, probability of the
 * target and KL(clean || patched). Plain numbers in, plain numbers out.
 */

/** Which number a patch is scored by. */
export type PatchMetric = 'logit-diff' | 'recovery' | 'probability' | 'kl'

export const PATCH_METRICS: readonly PatchMetric[] = ['logit-diff', 'recovery', 'probability', 'kl']

/** Softmax of one row. */
export function softmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]!)
  const out = new Float64Array(row.length)
  let sum = 0
  for (let i = 0; i < row.length; i++) sum += out[i] = Math.exp(row[i]! - max)
  for (let i = 0; i < row.length; i++) out[i]! /= sum
  return out
}

/** KL(p || q) of two logit rows, through their softmaxes. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const [a, b] = [softmax(p), softmax(q)]
  let kl = 0
  for (let i = 0; i < a.length; i++) if (a[i]! > 0) kl += a[i]! * Math.log(a[i]! / Math.max(b[i]!, 1e-30))
  return kl
}

/**
 * The metric of one patched logit row, given the example's clean and corrupted rows, its target and
 * foil classes. Logits that already are probabilities (a softmax model) are used as they are for
 * 'probability'. A recovery whose clean and corrupt differences are equal is NaN (nothing to recover).
 */
export function scorePatch(
  metric: PatchMetric,
  patched: ArrayLike<number>,
  clean: ArrayLike<number>,
  corrupt: ArrayLike<number>,
  target: number,
  foil: number,
): number {
  const diff = (row: ArrayLike<number>) => row[target]! - row[foil]!
  if (metric === 'logit-diff') return diff(patched)
  if (metric === 'recovery') {
    const span = diff(clean) - diff(corrupt)
    return Math.abs(span) < 1e-12 ? NaN : (diff(patched) - diff(corrupt)) / span
  }
  if (metric === 'probability') return softmax(patched)[target]!
  return klDivergence(clean, patched)
}
