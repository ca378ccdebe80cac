/**
 * Complexity of an explanation, one number per row of attributions (pure functions on plain arrays):
 * sparseness (Gini index, Chalasani et al. 2020), complexity (entropy of the normalised absolute
 * attributions, Bhatt et al. 2020) and effective complexity (how many exceed a threshold, Nguyen &
 * Martinez 2020). Quantus's formulas exactly, including its 1e-7 shift in the Gini index and its 1e-12
 * in the entropy's logarithm.
 */

/** Gini index of one row (Quantus: values shifted by 1e-7, sorted ascending). 0 = uniform, near 1 = one feature. */
export function sparseness(row: ArrayLike<number>): number {
  const n = row.length
  const sorted = Float64Array.from(row, (v) => v + 1e-7).sort()
  let weighted = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    weighted += (2 * (i + 1) - n - 1) * sorted[i]!
    total += sorted[i]!
  }
  return weighted / (n * total)
}

/** Entropy of `|a| / sum |a|` (natural logarithm, 1e-12 inside it). 0 = one feature, log(n) = uniform. */
export function complexity(row: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < row.length; i++) total += Math.abs(row[i]!)
  let entropy = 0
  for (let i = 0; i < row.length; i++) {
    const p = row[i]! / total
    entropy -= p * Math.log(p + 1e-12)
  }
  return entropy
}

/** How many attributions exceed `eps` (Quantus's default 1e-5, after its normalisation). */
export function effectiveComplexity(row: ArrayLike<number>, eps = 1e-5): number {
  let count = 0
  for (let i = 0; i < row.length; i++) if (row[i]! > eps) count++
  return count
}
