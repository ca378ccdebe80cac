/**
 * ROAD (Rong et al. 2022, "A consistent and efficient evaluation strategy for attribution methods"):
 * remove the most (MoRF) or least (LeRF) relevant pixels by noisy linear imputation, which fills each
 * removed pixel with the weighted mean of its 8 neighbours (1/6 direct, 1/12 diagonal), solved jointly
 * over all removed pixels of a channel (conjugate gradients on the symmetric system), plus seeded
 * Gaussian noise. Imputation instead of a constant leaves no shape of the mask for the model to read.
 */
import { createRandom } from '../attribution/random'
import type { Explained } from './faithfulness'
import type { Scorer } from './scorer'

const NEIGHBOURS: [number, number, number][] = [
  [1, 1, 1 / 12],
  [0, 1, 1 / 6],
  [-1, 1, 1 / 12],
  [1, -1, 1 / 12],
  [0, -1, 1 / 6],
  [-1, -1, 1 / 12],
  [1, 0, 1 / 6],
  [-1, 0, 1 / 6],
]

/**
 * The noise-free linear imputation of one [h, w] channel: `missing` pixels get the values that make
 * each the weighted mean of its neighbours inside the image. Known pixels keep their value.
 */
export function linearImpute(
  image: ArrayLike<number>,
  missing: Uint8Array,
  h: number,
  w: number,
): Float64Array {
  const out = Float64Array.from({ length: h * w }, (_, i) => (missing[i] ? 0 : image[i]!))
  const unknown: number[] = []
  for (let i = 0; i < h * w; i++) if (missing[i]) unknown.push(i)
  if (unknown.length === 0) return out
  if (unknown.length === h * w) return out.fill(0)
  const index = new Int32Array(h * w).fill(-1)
  unknown.forEach((p, k) => (index[p] = k))
  const m = unknown.length
  const diag = new Float64Array(m)
  const rhs = new Float64Array(m)
  unknown.forEach((p, k) => {
    const r = Math.floor(p / w)
    const c = p % w
    for (const [dr, dc, weight] of NEIGHBOURS) {
      const rr = r + dr
      const cc = c + dc
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue
      diag[k] += weight
      const q = rr * w + cc
      if (!missing[q]) rhs[k] += weight * image[q]!
    }
  })
  const multiply = (x: Float64Array): Float64Array => {
    const y = new Float64Array(m)
    unknown.forEach((p, k) => {
      const r = Math.floor(p / w)
      const c = p % w
      let s = diag[k]! * x[k]!
      for (const [dr, dc, weight] of NEIGHBOURS) {
        const rr = r + dr
        const cc = c + dc
        if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue
        const j = index[rr * w + cc]!
        if (j >= 0) s -= weight * x[j]!
      }
      y[k] = s
    })
    return y
  }
  // Conjugate gradients from zero; the system is symmetric positive definite when every group of
  // removed pixels touches a kept one (a group that touches none stays at 0).
  const x = new Float64Array(m)
  const r = Float64Array.from(rhs)
  const p = Float64Array.from(rhs)
  let rr = r.reduce((s, v) => s + v * v, 0)
  const tolerance =
    1e-20 *
    Math.max(
      1,
      rhs.reduce((s, v) => s + v * v, 0),
    )
  for (let iteration = 0; iteration < 4 * m && rr > tolerance; iteration++) {
    const ap = multiply(p)
    const pap = p.reduce((s, v, i) => s + v * ap[i]!, 0)
    if (pap <= 0) break
    const alpha = rr / pap
    for (let i = 0; i < m; i++) {
      x[i]! += alpha * p[i]!
      r[i]! -= alpha * ap[i]!
    }
    const next = r.reduce((s, v) => s + v * v, 0)
    const beta = next / rr
    rr = next
    for (let i = 0; i < m; i++) p[i] = r[i]! + beta * p[i]!
  }
  unknown.forEach((q, k) => (out[q] = x[k]!))
  return out
}

/**
 * ROAD curves: per row, the target score after imputing the top `percentages` (MoRF) or bottom (LeRF)
 * pixels (ranked by attribution summed over channels), with noise N(0, noise^2) on imputed values.
 */
export function roadCurves(
  score: Scorer,
  rows: readonly Explained[],
  shape: readonly [number, number, number],
  options: { percentages: readonly number[]; order: 'morf' | 'lerf'; noise: number; seed: number },
): Float64Array[] {
  const [h, w, c] = shape
  const pixels = h * w
  const orders = rows.map((row) => {
    const sums = new Float64Array(pixels)
    for (let i = 0; i < row.attribution.length; i++) sums[Math.floor(i / c)]! += row.attribution[i]!
    const order = Int32Array.from({ length: pixels }, (_, i) => i).sort(
      (a, b) => sums[b]! - sums[a]! || a - b,
    )
    return options.order === 'lerf' ? order.reverse() : order
  })
  const per = options.percentages.length
  const scores = score({
    rows: rows.length * per,
    target: (r) => rows[Math.floor(r / per)]!.target,
    fill(r, out) {
      const e = Math.floor(r / per)
      const k = r % per
      const input = rows[e]!.input
      const missing = new Uint8Array(pixels)
      const count = Math.round((options.percentages[k]! / 100) * pixels)
      for (let i = 0; i < count; i++) missing[orders[e]![i]!] = 1
      const random = createRandom(options.seed, r * pixels * c)
      const noise = random.normals(pixels * c)
      for (let ch = 0; ch < c; ch++) {
        const channel = Float64Array.from({ length: pixels }, (_, i) => input[i * c + ch]!)
        const imputed = linearImpute(channel, missing, h, w)
        for (let i = 0; i < pixels; i++)
          out[i * c + ch] = missing[i] ? imputed[i]! + options.noise * noise[i * c + ch]! : input[i * c + ch]!
      }
    },
  })
  return rows.map((_, e) => scores.slice(e * per, (e + 1) * per))
}
