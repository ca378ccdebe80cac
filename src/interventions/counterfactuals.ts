/**
 * gw.counterfactuals: what would have to change for the model to decide otherwise. A gradient search in
 * the style of Wachter et al. (2017) on autograd: minimise a distance to the original (L1 weighted by each
 * feature's inverse median absolute deviation, or squared L2) subject to the target class reaching a
 * probability, the constraint held by an augmented Lagrangian whose multiplier grows until it is met
 * (the lambda schedule). Several seeded starts run as one batch for a diverse set; immutable features
 * do not move, permitted ranges clip, one-hot groups are projected back to one category, features are
 * then reverted greedily while the row stays valid (sparsity). A hard time budget stops the search; when
 * nothing valid is found the result says why.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import type { GlasswingModel } from '../model'
import { makeProvenance } from '../display/provenance'
import { seededRandom } from '../data/random'
import { throwIfInterrupted } from '../session/interrupt'
import { CounterfactualSet } from './counterfactual-result'

/** Options of {@link counterfactuals}. */
export interface CounterfactualOptions {
  /** The class to reach. Default: for two classes the other one, else the runner-up. */
  target?: number
  /** Probability of the target to reach. Default 0.5 (just past the boundary for two classes). */
  probability?: number
  /** 'mad-l1' (default; needs `reference` rows) or 'l2' (squared Euclidean). */
  distance?: 'mad-l1' | 'l2'
  /** Rows [n, features] for the MAD weights, ranges and one-hot checks. */
  reference?: tf.Tensor2D
  /** How many counterfactuals (seeded starts). Default 1. */
  count?: number
  /** Feature indices that must not change. */
  immutable?: readonly number[]
  /** Permitted [low, high] per feature index; default the reference's range (else unbounded). */
  ranges?: Readonly<Record<number, readonly [number, number]>>
  /** Groups of feature indices that form one-hot categorical features. */
  oneHotGroups?: readonly (readonly number[])[]
  /** Feature names for the table. */
  featureNames?: readonly string[]
  /** Class names, so that the view names the target ('good' rather than 'class 0'). */
  classNames?: readonly string[]
  /** Hard wall-time budget in milliseconds. Default 20,000. */
  timeBudgetMs?: number
  /** Outer iterations (multiplier updates) and inner gradient steps. Defaults 12 and 60. */
  iterations?: number
  steps?: number
  learningRate?: number
  seed?: number
  /** Revert changed features greedily while the row stays valid. Default true. */
  sparse?: boolean
  /** Diversity: spread of the random starts, in MAD (or unit) scales. Default 0 for one, 1 for several. */
  spread?: number
}

/**
 * Counterfactuals for one input row `x` ([features] or [1, features]) of a differentiable model with a
 * class-probability (or logit) output.
 *
 * @example
 * const cf = gw.counterfactuals(model, applicant, { reference: rows, immutable: [age, foreignWorker], count: 4 })
 * cf          // table: original vs each counterfactual, changed features highlighted
 * cf.validity // 1
 */
export function counterfactuals(
  model: GlasswingModel,
  x: tf.Tensor,
  options: CounterfactualOptions = {},
): CounterfactualSet {
  const where = 'gw.counterfactuals'
  const started = performance.now()
  model.requireGradients(where, 'counterfactual search')
  if (!(x instanceof tf.Tensor) || x.isDisposed || !(x.rank === 1 || x.shape[0] === 1))
    throw new GlasswingError({
      where,
      argument: 'x',
      expected: 'one example: a row [features] or [1, features], or an image [1, H, W, C]',
      received: describeValue(x),
      hint: 'Pick one row: rows.slice([i], [1]).',
    })
  const original = Array.from(x.dataSync())
  // Images and other shaped inputs are searched flat and reshaped for the model (sparse pixel edits).
  const exampleShape = x.rank === 1 ? [x.shape[0]!] : x.shape.slice(1)
  const shaped = (rows: tf.Tensor2D): tf.Tensor => rows.reshape([rows.shape[0], ...exampleShape])
  const features = original.length
  const distance = options.distance ?? (options.reference ? 'mad-l1' : 'l2')
  if (distance !== 'mad-l1' && distance !== 'l2')
    throw new GlasswingError({
      where,
      argument: 'options.distance',
      expected: "'mad-l1' or 'l2'",
      received: describeValue(distance),
    })
  if (distance === 'mad-l1' && !options.reference)
    throw new GlasswingError({
      where,
      argument: 'options.reference',
      expected: "reference rows for the 'mad-l1' distance's median absolute deviations",
      received: 'none',
      hint: "Pass reference: trainingRows, or distance: 'l2'.",
    })
  const reference = options.reference ? (options.reference.arraySync() as number[][]) : null
  if (reference && reference[0]?.length !== features)
    throw new GlasswingError({
      where,
      argument: 'options.reference',
      expected: `rows of ${features} features (like x)`,
      received: describeValue(options.reference),
    })
  const probability = options.probability ?? 0.5
  if (!(probability > 0 && probability < 1))
    throw new GlasswingError({
      where,
      argument: 'options.probability',
      expected: 'a probability in (0, 1)',
      received: describeValue(probability),
    })
  const immutable = new Set(options.immutable ?? [])
  for (const i of immutable)
    if (!Number.isInteger(i) || i < 0 || i >= features)
      throw new GlasswingError({
        where,
        argument: 'options.immutable',
        expected: `feature indices in 0..${features - 1}`,
        received: describeValue(i),
      })
  const count = options.count ?? 1
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new GlasswingError({
      where,
      argument: 'options.count',
      expected: 'a whole number of counterfactuals in 1..64',
      received: describeValue(count),
    })

  // Per-feature scales (MAD, floored) and permitted ranges.
  const scale = original.map((_, j) => {
    if (!reference) return 1
    const column = reference.map((r) => r[j]!).sort((a, b) => a - b)
    const median = column[column.length >> 1]!
    const mad = column.map((v) => Math.abs(v - median)).sort((a, b) => a - b)[column.length >> 1]!
    return mad > 1e-6 ? mad : Math.max(1e-2, (column[column.length - 1]! - column[0]!) / 10 || 1e-2)
  })
  const low = original.map(
    (_, j) => options.ranges?.[j]?.[0] ?? (reference ? Math.min(...reference.map((r) => r[j]!)) : -Infinity),
  )
  const high = original.map(
    (_, j) => options.ranges?.[j]?.[1] ?? (reference ? Math.max(...reference.map((r) => r[j]!)) : Infinity),
  )
  for (let j = 0; j < features; j++)
    if (
      !(low[j]! <= high[j]!) ||
      (!immutable.has(j) &&
        (original[j]! < low[j]! - 1e-9 || original[j]! > high[j]! + 1e-9) &&
        options.ranges?.[j])
    )
      throw new GlasswingError({
        where,
        argument: `options.ranges[${j}]`,
        expected: 'a range [low, high] with low <= high that contains the original value',
        received: `[${low[j]}, ${high[j]}] for value ${original[j]}`,
        hint: 'Widen the range or make the feature immutable.',
      })
  const groups = (options.oneHotGroups ?? []).map((g) => [...g])
  for (const g of groups)
    if (!Array.isArray(g) || g.length < 2 || g.some((i) => !Number.isInteger(i) || i < 0 || i >= features))
      throw new GlasswingError({
        where,
        argument: 'options.oneHotGroups',
        expected: `groups of 2 or more feature indices in 0..${features - 1}`,
        received: describeValue(g),
      })

  // How to read the target probability off the model's output.
  const out0 = tf.tidy(() => model.predict(shaped(tf.tensor2d([original]))).dataSync() as Float32Array)
  const width = out0.length
  const isDistribution =
    width === 1
      ? out0[0]! >= 0 && out0[0]! <= 1
      : Array.from(out0).every((v) => v >= 0) && Math.abs(out0.reduce((a, b) => a + b, 0) - 1) < 1e-3
  const classes = width === 1 ? 2 : width
  const predicted = width === 1 ? (out0[0]! >= 0.5 ? 1 : 0) : out0.indexOf(Math.max(...out0))
  const target = options.target ?? (classes === 2 ? 1 - predicted : runnerUp(out0))
  if (!Number.isInteger(target) || target < 0 || target >= classes)
    throw new GlasswingError({
      where,
      argument: 'options.target',
      expected: `a class index in 0..${classes - 1}`,
      received: describeValue(target),
    })
  /** log p / (1 - p) of the target, per row. */
  const targetLogOdds = (rows: tf.Tensor2D): tf.Tensor1D => {
    const out = model.predict(shaped(rows)).reshape([rows.shape[0], -1])
    let p: tf.Tensor
    if (width === 1) {
      const q = isDistribution ? out : tf.sigmoid(out)
      p = (target === 1 ? q : tf.scalar(1).sub(q)).reshape([-1])
    } else p = (isDistribution ? out : tf.softmax(out)).slice([0, target], [-1, 1]).reshape([-1])
    const clipped = p.clipByValue(1e-7, 1 - 1e-7)
    return clipped.log().sub(tf.scalar(1).sub(clipped).log()) as tf.Tensor1D
  }
  const level = Math.log(probability / (1 - probability))
  const probabilityOf = (rows: number[][]) =>
    tf.tidy(() => Array.from(targetLogOdds(tf.tensor2d(rows)).dataSync(), (z) => 1 / (1 + Math.exp(-z))))

  // Unreachable within the ranges? The best corner along the gradient's sign, a cheap first-order check.
  const budget = options.timeBudgetMs ?? 20_000
  const random = seededRandom(options.seed ?? 0)
  const spread = options.spread ?? (count > 1 ? 1 : 0)
  const movable = original.map((_, j) => (immutable.has(j) ? 0 : 1))
  const starts = Array.from({ length: count }, (_, k) =>
    original.map((v, j) =>
      k === 0 || !movable[j] ? v : clip(v + spread * scale[j]! * (2 * random() - 1), low[j]!, high[j]!),
    ),
  )
  const weights = tf.tensor1d(scale.map((s) => 1 / s))
  const mask = tf.tensor1d(movable)
  const lowT = tf.tensor1d(low.map((v) => (Number.isFinite(v) ? v : -1e30)))
  const highT = tf.tensor1d(high.map((v) => (Number.isFinite(v) ? v : 1e30)))
  const origin = tf.tensor2d([original])
  const rho = 10
  const iterations = options.iterations ?? 12
  const steps = options.steps ?? 60
  const learningRate = options.learningRate ?? 0.1
  let stopped: 'budget' | null = null
  try {
    // Newton steps onto the constraint's level set for rows left just short of it (the multiplier
    // converges from below): along the masked gradient of the log-odds, the shortest move in L2.
    const newton = (start: tf.Tensor2D, free: tf.Tensor): tf.Tensor2D => {
      let at = start
      for (let k = 0; k < 10; k++) {
        const h = tf.tidy(
          () =>
            targetLogOdds(at)
              .neg()
              .add(level + 1e-4)
              .dataSync() as Float32Array,
        )
        if (h.every((value) => value <= 0)) break
        const next = tf.tidy(() => {
          const g = tf
            .grad((r: tf.Tensor) => targetLogOdds(r as tf.Tensor2D).sum())(at)
            .mul(free)
          const norm = g.square().sum(1, true).add(1e-12)
          const shortfall = tf.tensor2d(Array.from(h, (v) => [Math.max(0, v)]))
          return at.add(g.mul(shortfall).div(norm)).maximum(lowT).minimum(highT) as tf.Tensor2D
        })
        if (at !== start) at.dispose()
        at = next
      }
      return at
    }
    /**
     * The augmented-Lagrangian search from `startRows` (one per counterfactual, in one batch) moving only
     * the features `free` marks, then Newton-repaired onto the constraint, one-hot groups projected back
     * to one category and repaired with the other free features. Valid or not: the caller checks.
     */
    const search = (startRows: number[][], free: tf.Tensor1D): number[][] => {
      let current = tf.tensor2d(startRows)
      let multiplier = new Float32Array(startRows.length)
      let previous: Float32Array | null = null
      try {
        for (let outer = 0; outer < iterations && !stopped; outer++) {
          const mu = tf.tensor1d(multiplier)
          const rate = learningRate * 0.8 ** outer // decays so that the iterates settle on the constraint
          let m: tf.Tensor = tf.zerosLike(current)
          let v: tf.Tensor = tf.zerosLike(current)
          for (let step = 1; step <= steps; step++) {
            if (performance.now() - started > budget) {
              stopped = 'budget'
              break
            }
            if (step % 25 === 0)
              throwIfInterrupted(where, {
                done: outer * steps + step,
                total: iterations * steps,
                unit: 'steps',
              })
            const [next, nextM, nextV] = tf.tidy(() => {
              const loss = (rows: tf.Tensor) => {
                const delta = rows.sub(origin)
                const d = distance === 'l2' ? delta.square().sum(1) : delta.abs().mul(weights).sum(1)
                const h = tf.scalar(level).sub(targetLogOdds(rows as tf.Tensor2D)) // <= 0 when met
                const penalty = tf
                  .relu(mu.add(h.mul(rho)))
                  .square()
                  .sub(mu.square())
                  .div(2 * rho)
                return d.add(penalty).sum()
              }
              const g = tf.grad(loss)(current).mul(free)
              const m2 = m.mul(0.9).add(g.mul(0.1))
              const v2 = v.mul(0.999).add(g.square().mul(0.001))
              const mHat = m2.div(1 - 0.9 ** step)
              const vHat = v2.div(1 - 0.999 ** step)
              const moved = current
                .sub(mHat.div(vHat.sqrt().add(1e-8)).mul(rate))
                .maximum(lowT)
                .minimum(highT)
              return [moved, m2, v2]
            })
            tf.dispose([current, m, v])
            current = next as tf.Tensor2D
            m = nextM!
            v = nextV!
          }
          tf.dispose([m, v, mu])
          const h = tf.tidy(() => targetLogOdds(current).neg().add(level).dataSync() as Float32Array)
          multiplier = multiplier.map((value, k) => Math.max(0, value + rho * h[k]!))
          // Settled: every row meets the constraint (to 1e-4 in log-odds) and barely moved this round.
          const rows = current.dataSync() as Float32Array
          const moved = previous
            ? rows.reduce((a, v, i) => Math.max(a, Math.abs(v - previous![i]!)), 0)
            : Infinity
          previous = Float32Array.from(rows)
          if (h.every((value) => value <= 1e-4) && moved < 1e-4) break
        }
        const freeList = Array.from(free.dataSync())
        const settled = newton(current, free)
        if (settled !== current) {
          current.dispose()
          current = settled
        }
        let rows = current.arraySync() as number[][]
        // One-hot groups back to one category each; then revert features greedily while valid.
        rows = rows.map((row) => {
          for (const g of groups) {
            const best = g.reduce((a, b) => (row[b]! > row[a]! ? b : a))
            for (const j of g) row[j] = j === best ? 1 : 0
          }
          return row
        })
        if (groups.length) {
          // Projection to one category can undo the move; repair with the other mutable features.
          const inGroup = new Set(groups.flat())
          const projected = tf.tensor2d(rows)
          const others = tf.tensor1d(freeList.map((m, j) => (inGroup.has(j) ? 0 : m)))
          const repaired = newton(projected, others)
          rows = repaired.arraySync() as number[][]
          tf.dispose([projected, others, repaired])
        }
        return rows
      } finally {
        current.dispose()
      }
    }
    const rows = search(starts, mask as tf.Tensor1D)
    const valid = (row: number[]) => probabilityOf([row])[0]! >= probability - 1e-4
    /**
     * The fewest of a valid row's changes (largest scaled change first, one-hot groups kept as they
     * are) that still reach the target once Newton-repaired on those features alone: a doubling then
     * bisecting search over how many to keep. Returns the row unchanged when none fewer does.
     */
    const fewest = (row: number[]): number[] => {
      const inGroup = new Set(groups.flat())
      const order = original
        .map((_, j) => j)
        .filter((j) => !inGroup.has(j) && movable[j] && row[j] !== original[j])
        .sort(
          (a, b) =>
            Math.abs(row[b]! - original[b]!) / scale[b]! - Math.abs(row[a]! - original[a]!) / scale[a]!,
        )
      const attempt = (k: number): number[] | null => {
        const chosen = new Set(order.slice(0, k))
        const start = original.map((v, j) => (chosen.has(j) || inGroup.has(j) ? row[j]! : v))
        const free = tf.tensor1d(original.map((_, j) => (chosen.has(j) ? 1 : 0)))
        const at = tf.tensor2d([start])
        const repaired = newton(at, free)
        const result = (repaired.arraySync() as number[][])[0]!
        tf.dispose([free, at, repaired])
        return valid(result) ? result : null
      }
      let k = 1
      let found: number[] | null = null
      while (k < order.length && !(found = attempt(k))) k *= 2
      if (!found) return row
      let [lowK, highK] = [Math.floor(k / 2), k] // invalid at lowK (or 0), valid at highK
      while (highK - lowK > 1) {
        const middle = (lowK + highK) >> 1
        const trial = attempt(middle)
        if (trial) [highK, found] = [middle, trial]
        else lowK = middle
      }
      return found
    }
    /** The valid rows of a search, each cut to its fewest changes (unless `sparse: false`). */
    const polish = (found: number[][]): number[][] =>
      found
        .map((row) =>
          options.sparse !== false && valid(row)
            ? sparsify(fewest(row), original, groups, valid, scale)
            : row,
        )
        .filter((row) => valid(row))
    const unique: number[][] = []
    /** Scaled L1 distance below which two counterfactuals are one (a hundredth of a MAD in all). */
    const SAME = 1e-2
    const apart = (a: number[], b: number[]) => a.reduce((d, v, j) => d + Math.abs(v - b[j]!) / scale[j]!, 0)
    const add = (found: number[][]): void => {
      for (const row of found) if (!unique.some((u) => apart(u, row) < SAME)) unique.push(row)
    }
    add(polish(rows))
    // Diversity: seeded starts often settle on the same sparse edit. The set is filled the way DiCE's
    // random method fills it, with a Newton repair in place of blind sampling: seeded random small sets
    // of mutable features (1 to 3 numeric ones, every other round only those the set does not change yet;
    // often with one or two categorical groups moved, drawn by how much the first-order gain of their best
    // category is), each repaired onto the target moving only those numeric features, 32 in one batch;
    // the closest valid ones are cut to their fewest changes.
    const inGroup = new Set(groups.flat())
    const numeric = original.flatMap((_, j) => (movable[j] && !inGroup.has(j) ? [j] : []))
    const mutableGroups = groups.filter((g) => g.every((j) => movable[j]))
    // Which category of each group the target's log-odds grow most towards (first order), and by how much.
    const slope = tf.tidy(
      () =>
        tf
          .grad((r: tf.Tensor) => targetLogOdds(r as tf.Tensor2D).sum())(origin)
          .dataSync() as Float32Array,
    )
    const towards = mutableGroups.map((g) => {
      const now = g.find((j) => original[j] === 1) ?? g[0]!
      const best = g.reduce((a, j) => (slope[j]! > slope[a]! ? j : a))
      return { g, best, gain: Math.max(0, slope[best]! - slope[now]!) + 1e-3 }
    })
    const totalGain = towards.reduce((a, t) => a + t.gain, 0)
    /** A group drawn in proportion to its first-order gain, moved to its best category (else a random one). */
    const moveGroup = (start: number[]): void => {
      let u = random() * totalGain
      const { g, best } = towards.find((t) => (u -= t.gain) <= 0) ?? towards[towards.length - 1]!
      const pick = random() < 0.7 ? best : g[Math.floor(random() * g.length)]!
      for (const j of g) start[j] = j === pick ? 1 : 0
    }
    for (let round = 0; unique.length < count && numeric.length && round < 8; round++) {
      if (performance.now() - started > budget) {
        stopped = 'budget'
        break
      }
      throwIfInterrupted(where, { done: unique.length, total: count, unit: 'counterfactuals' })
      const used = new Set(
        unique.flatMap((row) => original.flatMap((v, j) => (Math.abs(row[j]! - v) > 1e-9 ? [j] : []))),
      )
      const fresh = numeric.filter((j) => !used.has(j))
      const pool = round % 2 === 0 && fresh.length ? fresh : numeric // fresh ones may not reach it
      const candidates: number[][] = []
      const masks: number[][] = []
      for (let c = 0; c < 32; c++) {
        const size = 1 + Math.floor(random() * Math.min(3, pool.length))
        const chosen = new Set<number>()
        while (chosen.size < size) chosen.add(pool[Math.floor(random() * pool.length)]!)
        const start = [...original]
        if (towards.length && random() < 0.6) moveGroup(start)
        if (towards.length && random() < 0.3) moveGroup(start)
        candidates.push(start)
        masks.push(original.map((_, j) => (chosen.has(j) ? 1 : 0)))
      }
      const at = tf.tensor2d(candidates)
      const free = tf.tensor2d(masks)
      const repaired = newton(at, free)
      const found = repaired.arraySync() as number[][]
      tf.dispose([at, free, repaired])
      const reached = probabilityOf(found)
      const valids = found
        .filter((_, k) => reached[k]! >= probability - 1e-4)
        .sort((a, b) => apart(a, original) - apart(b, original))
      for (const row of valids) {
        if (unique.length >= count) break
        if (unique.some((u) => apart(u, row) < SAME)) continue
        // Its fewest changes may be an edit the set has; then the edit as found, reverted only while valid.
        const [cut] = polish([row])
        add([
          cut && !unique.some((u) => apart(u, cut) < SAME)
            ? cut
            : sparsify(row, original, groups, valid, scale),
        ])
      }
    }
    let reason: string | null = null
    if (unique.length === 0) {
      const corner = [...original]
      const g = tf.tidy(
        () =>
          tf
            .grad((r: tf.Tensor) => targetLogOdds(r as tf.Tensor2D).sum())(origin)
            .dataSync() as Float32Array,
      )
      for (let j = 0; j < features; j++)
        if (movable[j])
          corner[j] =
            g[j]! > 0
              ? Number.isFinite(high[j]!)
                ? high[j]!
                : corner[j]! + 10 * scale[j]!
              : Number.isFinite(low[j]!)
                ? low[j]!
                : corner[j]! - 10 * scale[j]!
      const best = probabilityOf([corner])[0]!
      reason =
        stopped === 'budget'
          ? `the time budget of ${budget} ms was spent before any start reached p(target) >= ${probability}; raise timeBudgetMs`
          : best < probability
            ? `the target is unreachable within the permitted ranges: moving every mutable feature to its limit along the gradient gives p(target) = ${best.toFixed(3)} < ${probability}; widen the ranges or free an immutable feature`
            : `no start reached p(target) >= ${probability} in ${iterations} x ${steps} steps (the best corner of the ranges does: ${best.toFixed(3)}); raise iterations or learningRate`
    }
    return new CounterfactualSet({
      original,
      originalProbability: probabilityOf([original])[0]!,
      counterfactuals: unique,
      probabilities: unique.length ? probabilityOf(unique) : [],
      target,
      targetName: options.classNames?.[target] ?? null,
      probability,
      featureNames: options.featureNames ? [...options.featureNames] : original.map((_, j) => `x${j}`),
      scale,
      immutable: [...immutable],
      requested: count,
      exampleShape: [...exampleShape],
      reason,
      seconds: (performance.now() - started) / 1000,
      provenance: makeProvenance({
        method: 'counterfactuals',
        parameters: {
          target,
          probability,
          distance,
          count,
          immutable: [...immutable],
          iterations,
          steps,
          learningRate,
          timeBudgetMs: budget,
        },
        seed: options.seed ?? 0,
        model: model.tfModel as tf.LayersModel,
      }),
    })
  } finally {
    tf.dispose([weights, mask, lowT, highT, origin])
  }
}

/** Reverts changed features to the original, smallest scaled change first, while the row stays valid. */
function sparsify(
  row: number[],
  original: number[],
  groups: number[][],
  valid: (r: number[]) => boolean,
  scale: number[],
): number[] {
  const inGroup = new Set(groups.flat())
  const units: number[][] = [
    ...groups.filter((g) => g.some((j) => row[j] !== original[j])),
    ...original.map((_, j) => [j]).filter(([j]) => !inGroup.has(j!) && row[j!] !== original[j!]),
  ]
  units.sort((a, b) => change(a) - change(b))
  function change(g: number[]): number {
    return g.reduce((s, j) => s + Math.abs(row[j]! - original[j]!) / scale[j]!, 0)
  }
  let result = row
  for (const g of units) {
    const trial = [...result]
    for (const j of g) trial[j] = original[j]!
    if (valid(trial)) result = trial
  }
  return result
}

function runnerUp(out: Float32Array): number {
  const order = Array.from(out.keys()).sort((a, b) => out[b]! - out[a]!)
  return order[1]!
}

function clip(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v))
}
