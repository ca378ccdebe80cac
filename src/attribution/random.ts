/**
 * Seeded randomness for stochastic methods: the same seed gives the same draws on every backend
 * (tfjs's seeded ops make no such promise across backends).
 */

/** A seeded stream of numbers and the draws built on it. */
export interface RandomSource {
  /** A uniform number in [0, 1). */
  next(): number
  /** A uniform integer in [0, bound). */
  integer(bound: number): number
  /** `count` standard normal numbers (Box-Muller). */
  normals(count: number): Float32Array
  /** `count` uniform numbers in [low, high). */
  uniforms(count: number, low?: number, high?: number): Float32Array
}

/**
 * A random source from a seed (any integer), Mulberry32. Its state moves by a constant per number,
 * so `position` starts it where the stream from `seed` would be after that many numbers: a batch of
 * rows can draw its own numbers without the rows before it.
 *
 * @example
 * const random = createRandom(42)
 * random.normals(3)   // the same three numbers for seed 42, every time
 * createRandom(42, 5).next() === (() => { const r = createRandom(42); for (let i = 0; i < 5; i++) r.next(); return r.next() })()
 */
export function createRandom(seed: number, position = 0): RandomSource {
  let state = ((Math.trunc(seed) ^ 0x9e3779b9) + Math.imul(0x6d2b79f5, position >>> 0)) >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    integer: (bound) => Math.min(bound - 1, Math.floor(next() * bound)),
    normals(count) {
      const out = new Float32Array(count)
      for (let i = 0; i < count; i += 2) {
        const radius = Math.sqrt(-2 * Math.log(1 - next()))
        const angle = 2 * Math.PI * next()
        out[i] = radius * Math.cos(angle)
        if (i + 1 < count) out[i + 1] = radius * Math.sin(angle)
      }
      return out
    },
    uniforms(count, low = 0, high = 1) {
      const out = new Float32Array(count)
      for (let i = 0; i < count; i++) out[i] = low + (high - low) * next()
      return out
    },
  }
}
