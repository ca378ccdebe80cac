/**
 * Faithfulness of an explanation: does removing what it calls important change the model's output?
 * Pure functions of a {@link Scorer} (the model), the inputs, the attributions and the targets:
 * deletion/insertion curves and AUC (Petsiuk et al. 2018), pixel flipping and region perturbation with
 * AOPC (Samek et al. 2017), faithfulness correlation (Bhatt et al. 2020), Captum's `infidelity`
 * (Yeh et al. 2019, with `normalize`) and `sensitivity_max`.
 */
import { createRandom } from '../attribution/random'
import { descendingOrder } from './localisation'
import { pearson } from './similarity'
import type { Scorer } from './scorer'

/** One explained row: its input, its attribution (same length) and the class it explains. */
export interface Explained {
  input: Float32Array
  attribution: Float32Array
  target: number
}

/** What removed features become: a number, 'min' (Quantus's "black": the input's minimum), 'mean', or per-feature values. */
export type FillValue = number | 'min' | 'mean' | Float32Array

function fillFor(input: Float32Array, fill: FillValue): Float32Array {
  if (fill instanceof Float32Array) return fill
  let value = 0
  if (fill === 'min') value = input.reduce((m, v) => Math.min(m, v), Infinity)
  else if (fill === 'mean') value = input.reduce((s, v) => s + v, 0) / input.length
  else value = fill
  return new Float32Array(input.length).fill(value)
}

/** Features in groups, most important group first (`order` 'lerf' reverses it). */
export type Groups = Int32Array[]

/** One feature per group, `perStep` at a time, by descending attribution (MoRF) or ascending (LeRF). */
export function featureGroups(
  attribution: ArrayLike<number>,
  perStep = 1,
  order: 'morf' | 'lerf' = 'morf',
): Groups {
  const sorted = descendingOrder(attribution)
  if (order === 'lerf') sorted.reverse()
  const groups: Groups = []
  for (let i = 0; i < sorted.length; i += perStep) groups.push(sorted.slice(i, i + perStep))
  return groups
}

/**
 * Non-overlapping `patch` x `patch` regions of an [h, w, c] input (every channel together), ordered by
 * their summed attribution (descending for MoRF). Edge regions are cut to the image.
 */
export function regionGroups(
  attribution: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  patch: number,
  order: 'morf' | 'lerf' = 'morf',
): Groups {
  const regions: { indices: Int32Array; sum: number }[] = []
  for (let r0 = 0; r0 < h; r0 += patch) {
    for (let c0 = 0; c0 < w; c0 += patch) {
      const indices: number[] = []
      let sum = 0
      for (let r = r0; r < Math.min(h, r0 + patch); r++)
        for (let q = c0; q < Math.min(w, c0 + patch); q++)
          for (let k = 0; k < c; k++) {
            const i = (r * w + q) * c + k
            indices.push(i)
            sum += attribution[i]!
          }
      regions.push({ indices: Int32Array.from(indices), sum })
    }
  }
  const sorted = regions.map((_, i) => i).sort((a, b) => regions[b]!.sum - regions[a]!.sum || a - b)
  if (order === 'lerf') sorted.reverse()
  return sorted.map((i) => regions[i]!.indices)
}

/**
 * Perturbation curves: for each row, the target score as groups are removed (`deletion`: set to the
 * fill) or revealed (`insertion`: start from the fill, restore the input's values), one point per
 * group. `includeStart` adds the point before any change (RISE's curves have it; Quantus's pixel
 * flipping does not). `steps` caps the points (groups merged evenly), all groups when absent.
 */
export function perturbationCurves(
  score: Scorer,
  rows: readonly Explained[],
  groupsOf: (row: Explained) => Groups,
  options: { mode: 'deletion' | 'insertion'; fill: FillValue; includeStart: boolean },
): Float64Array[] {
  const groups = rows.map(groupsOf)
  const fills = rows.map((row) => fillFor(row.input, options.fill))
  const points = groups.map((g) => g.length + (options.includeStart ? 1 : 0))
  const offsets: number[] = []
  let total = 0
  for (const p of points) {
    offsets.push(total)
    total += p
  }
  const rowOf = new Int32Array(total)
  points.forEach((p, e) => rowOf.fill(e, offsets[e]!, offsets[e]! + p))
  const scores = score({
    rows: total,
    target: (r) => rows[rowOf[r]!]!.target,
    fill(r, out) {
      const e = rowOf[r]!
      const changed = r - offsets[e]! + (options.includeStart ? 0 : 1)
      const { input } = rows[e]!
      const fill = fills[e]!
      const deletion = options.mode === 'deletion'
      out.set(deletion ? input : fill)
      for (let g = 0; g < changed; g++)
        for (const i of groups[e]![g]!) out[i] = deletion ? fill[i]! : input[i]!
    },
  })
  return points.map((p, e) => scores.slice(offsets[e]!, offsets[e]! + p))
}

/** Trapezoidal area with unit spacing (numpy's `trapz(dx=1)`, Quantus's `calculate_auc`). */
export function trapezoid(curve: ArrayLike<number>, dx = 1): number {
  let area = 0
  for (let i = 1; i < curve.length; i++) area += ((curve[i - 1]! + curve[i]!) / 2) * dx
  return area
}

/** Area under a curve whose x runs evenly over [0, 1] (RISE's deletion and insertion AUC). */
export function normalisedAuc(curve: ArrayLike<number>): number {
  return curve.length < 2 ? (curve[0] ?? Number.NaN) : trapezoid(curve, 1 / (curve.length - 1))
}

/** AOPC: mean over the curve's points of (start score - score); `start` the unperturbed score. */
export function aopc(curve: ArrayLike<number>, start: number): number {
  let sum = 0
  for (let i = 0; i < curve.length; i++) sum += start - curve[i]!
  return sum / curve.length
}

/**
 * Faithfulness correlation: over `runs` random subsets of `subsetSize` features (seeded), the Pearson
 * correlation between the attribution summed over the subset and the score's drop when the subset is
 * set to the fill.
 */
export function faithfulnessCorrelation(
  score: Scorer,
  rows: readonly Explained[],
  options: { runs: number; subsetSize: number; fill: FillValue; seed: number },
): number[] {
  const random = createRandom(options.seed)
  const subsets = rows.map((row) =>
    Array.from({ length: options.runs }, () =>
      sampleWithoutReplacement(row.input.length, options.subsetSize, random.integer),
    ),
  )
  const fills = rows.map((row) => fillFor(row.input, options.fill))
  const per = options.runs + 1
  const scores = score({
    rows: rows.length * per,
    target: (r) => rows[Math.floor(r / per)]!.target,
    fill(r, out) {
      const e = Math.floor(r / per)
      const k = r % per
      out.set(rows[e]!.input)
      if (k > 0) for (const i of subsets[e]![k - 1]!) out[i] = fills[e]![i]!
    },
  })
  return rows.map((row, e) => {
    const drops = subsets[e]!.map((_, k) => scores[e * per]! - scores[e * per + k + 1]!)
    const sums = subsets[e]!.map((subset) => subset.reduce((s, i) => s + row.attribution[i]!, 0))
    return pearson(sums, drops)
  })
}

function sampleWithoutReplacement(n: number, k: number, integer: (bound: number) => number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i)
  const size = Math.min(k, n)
  for (let i = 0; i < size; i++) {
    const j = i + integer(n - i)
    const t = pool[i]!
    pool[i] = pool[j]!
    pool[j] = t
  }
  return pool.slice(0, size)
}

/**
 * Captum's `infidelity`: E[(a . I - (f(x) - f(x - I)))^2] over perturbations I (per row, `samples`
 * of them, row-major [samples, features]); `normalize` scales a . I by the least-squares beta first.
 */
export function infidelity(
  score: Scorer,
  rows: readonly Explained[],
  perturbations: readonly Float32Array[],
  samples: number,
  normalize: boolean,
): number[] {
  const per = samples + 1
  const n = rows[0]?.input.length ?? 0
  const scores = score({
    rows: rows.length * per,
    target: (r) => rows[Math.floor(r / per)]!.target,
    fill(r, out) {
      const e = Math.floor(r / per)
      const k = r % per
      const input = rows[e]!.input
      if (k === 0) out.set(input)
      else {
        const noise = perturbations[e]!.subarray((k - 1) * n, k * n)
        for (let i = 0; i < n; i++) out[i] = input[i]! - noise[i]!
      }
    },
  })
  return rows.map((row, e) => {
    const products: number[] = []
    const diffs: number[] = []
    for (let k = 0; k < samples; k++) {
      const noise = perturbations[e]!.subarray(k * n, (k + 1) * n)
      let dot = 0
      for (let i = 0; i < n; i++) dot += row.attribution[i]! * noise[i]!
      products.push(dot)
      diffs.push(scores[e * per]! - scores[e * per + k + 1]!)
    }
    let beta = 1
    if (normalize) {
      let num = 0
      let den = 0
      for (let k = 0; k < samples; k++) {
        num += products[k]! * diffs[k]!
        den += products[k]! ** 2
      }
      beta = den === 0 ? 0 : num / den
    }
    let sum = 0
    for (let k = 0; k < samples; k++) sum += (beta * products[k]! - diffs[k]!) ** 2
    return sum / samples
  })
}

/** Gaussian perturbations N(0, std^2), seeded, [samples, features] per row (the default for infidelity). */
export function gaussianPerturbations(
  rows: number,
  samples: number,
  features: number,
  std: number,
  seed: number,
): Float32Array[] {
  const random = createRandom(seed)
  return Array.from({ length: rows }, () => random.normals(samples * features).map((v) => v * std))
}

/**
 * Captum's `sensitivity_max`: the largest ||e(x + d) - e(x)|| / ||e(x)|| (Frobenius norms; a zero
 * ||e(x)|| counts as 1) over `samples` uniform perturbations d in [-radius, radius], seeded.
 * `explain` computes the explanations of a batch of perturbed inputs (one per row, same order).
 */
export async function sensitivityMax(
  explain: (inputs: Float32Array[]) => Promise<Float32Array[]>,
  rows: readonly Explained[],
  options: { samples: number; radius: number; seed: number },
): Promise<number[]> {
  const random = createRandom(options.seed)
  const best = rows.map(() => 0)
  const norms = rows.map((row) => {
    const norm = Math.sqrt(row.attribution.reduce((s, v) => s + v * v, 0))
    return norm === 0 ? 1 : norm
  })
  for (let k = 0; k < options.samples; k++) {
    const perturbed = rows.map((row) => {
      const noise = random.uniforms(row.input.length, -options.radius, options.radius)
      return row.input.map((v, i) => v + noise[i]!)
    })
    const explained = await explain(perturbed)
    rows.forEach((row, e) => {
      let sum = 0
      for (let i = 0; i < row.attribution.length; i++) sum += (explained[e]![i]! - row.attribution[i]!) ** 2
      best[e] = Math.max(best[e]!, Math.sqrt(sum) / norms[e]!)
    })
  }
  return best
}
