/**
 * Seeded pseudo-random numbers for the data sets' fixed splits and the training scripts' shuffles.
 * Math.random cannot be seeded, and a split must come out the same on every machine.
 */

/** A function returning uniform numbers in [0, 1), the same sequence for the same seed. */
export type Random = () => number

/**
 * Mulberry32: a small 32-bit generator, plenty for shuffling a few thousand rows.
 *
 * @example
 * const random = seededRandom(42); random()   // 0.6011037519201636, on every machine
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The indices 0..n-1 in an order fixed by the seed (Fisher-Yates).
 *
 * @example
 * shuffledIndices(5, 1)   // the same permutation of [0, 1, 2, 3, 4] every time
 */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const random = seededRandom(seed)
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = order[i]!
    order[i] = order[j]!
    order[j] = swap
  }
  return order
}
