/**
 * Localisation of an explanation against a ground-truth mask (for example the watermark of lab 2):
 * pointing game (Zhang et al. 2018), relevance mass and relevance rank accuracy (Arras et al. 2022),
 * top-k intersection (Theiner et al. 2021). Pure functions of one row of attributions and its mask,
 * with Quantus's formulas (NaN for an empty mask).
 */

function maskSize(mask: ArrayLike<number>): number {
  let size = 0
  for (let i = 0; i < mask.length; i++) if (mask[i]) size++
  return size
}

/** Indices in descending order of attribution; ties keep the lower index first (a stable sort, as numpy's argsort of -a is for the usual inputs). */
export function descendingOrder(row: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: row.length }, (_, i) => i)
  return order.sort((a, b) => row[b]! - row[a]! || a - b)
}

/**
 * 1 when a maximum of the attribution lies inside the mask, else 0 (any of tied maxima counts).
 * `weighted`: a hit scores `1 - |mask| / n` (Quantus's weighted variant).
 */
export function pointingGame(row: ArrayLike<number>, mask: ArrayLike<number>, weighted = false): number {
  const size = maskSize(mask)
  if (size === 0) return Number.NaN
  let max = -Infinity
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!
  let hit = false
  for (let i = 0; i < row.length; i++) if (row[i] === max && mask[i]) hit = true
  return hit ? (weighted ? 1 - size / mask.length : 1) : 0
}

/** Share of the total attribution that falls inside the mask. */
export function relevanceMassAccuracy(row: ArrayLike<number>, mask: ArrayLike<number>): number {
  if (maskSize(mask) === 0) return Number.NaN
  let inside = 0
  let total = 0
  for (let i = 0; i < row.length; i++) {
    total += row[i]!
    if (mask[i]) inside += row[i]!
  }
  return inside / total
}

/** Of the |mask| highest attributions, the share inside the mask. */
export function relevanceRankAccuracy(row: ArrayLike<number>, mask: ArrayLike<number>): number {
  const size = maskSize(mask)
  if (size === 0) return Number.NaN
  const order = descendingOrder(row)
  let hits = 0
  for (let i = 0; i < size; i++) if (mask[order[i]!]) hits++
  return hits / size
}

/** Of the `k` highest attributions, the share inside the mask (`conceptInfluence`: times n / |mask|). */
export function topKIntersection(
  row: ArrayLike<number>,
  mask: ArrayLike<number>,
  k: number,
  conceptInfluence = false,
): number {
  const size = maskSize(mask)
  if (size === 0) return Number.NaN
  const order = descendingOrder(row)
  let hits = 0
  for (let i = 0; i < k; i++) if (mask[order[i]!]) hits++
  const share = hits / k
  return conceptInfluence ? (share * row.length) / size : share
}
