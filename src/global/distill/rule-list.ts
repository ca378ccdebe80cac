/**
 * Ordered rule lists (`if ... then ... else if ... else ...`) learnt by a CORELS-like greedy search over
 * binned conditions. Each turn adds the rule that most lowers the list's objective on the rows no
 * earlier rule captured: the rows it would misclassify plus the rows the default label (the majority of
 * the rows left) would misclassify, plus a cost per condition (CORELS' regularisation). A rule is a
 * conjunction of up to `maxConditions` threshold conditions found by beam search over quantile cuts of
 * each feature; the list ends with the default label once no rule gains more than it costs.
 */
import type { Condition } from './rules'

/** One rule of an ordered list; the last rule of a list is the default, with no conditions. */
export interface ListRule {
  conditions: Condition[]
  label: string
  classIndex: number
  /** Class shares among the training rows the rule captures (those no earlier rule captured). */
  value: number[]
  /** Training rows the rule captures. */
  samples: number
}

/** Limits and costs of the search. */
export interface RuleListOptions {
  /** Rules before the default. */
  maxRules: number
  /** Conditions per rule. */
  maxConditions: number
  /** Quantile cuts per feature (features with fewer distinct values cut between each pair). */
  bins: number
  /** Cost of one condition, as a share of the rows (a rule must fix more rows than its conditions cost). */
  cost: number
  /** Least training rows a rule must capture. */
  minSamples?: number
  /** Candidate rules kept at each length of the beam search (default 8). */
  beamWidth?: number
  /** Called before each rule's search and between its steps, with the rule's number (the caller checks for interrupts there). */
  onRule?: (rule: number) => void
}

interface Candidate {
  feature: number
  operator: '<=' | '>'
  threshold: number
  bits: Uint32Array
}

interface Scored {
  conditions: number[]
  /** The rows the rule covers are `parent & bits`. */
  parent: Uint32Array
  bits: Uint32Array
  label: number
  counts: number[]
  gain: number
  score: number
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

function countAnd(a: Uint32Array, b: Uint32Array): number {
  let n = 0
  for (let w = 0; w < a.length; w++) n += popcount(a[w]! & b[w]!)
  return n
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

function and(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length)
  for (let w = 0; w < a.length; w++) out[w] = a[w]! & b[w]!
  return out
}

/** Cut points of one column: between distinct values where there are few, else at quantiles. */
export function cutPoints(column: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(column).sort()
  const distinct = [...new Set(sorted)]
  const between = (v: number): number => {
    const next = distinct[distinct.indexOf(v) + 1]
    return next === undefined ? v : v / 2 + next / 2
  }
  if (distinct.length <= bins + 1) return distinct.slice(0, -1).map(between)
  const cuts: number[] = []
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.floor((b * sorted.length) / bins)]!
    const cut = between(v)
    if (cut !== v && (cuts.length === 0 || cut > cuts[cuts.length - 1]!)) cuts.push(cut)
  }
  return cuts
}

/** Learns an ordered rule list of the teacher's labels. */
export function fitRuleList(
  x: readonly Float64Array[],
  classes: Int32Array,
  classCount: number,
  featureNames: readonly string[],
  classNames: readonly string[],
  options: RuleListOptions,
): ListRule[] {
  const n = x.length
  const d = x[0]?.length ?? 0
  const words = Math.ceil(n / 32)
  const minSamples = Math.max(1, options.minSamples ?? 1)
  const beamWidth = options.beamWidth ?? 8
  const bitsOf = (test: (i: number) => boolean): Uint32Array => {
    const bits = new Uint32Array(words)
    for (let i = 0; i < n; i++) if (test(i)) bits[i >>> 5]! |= 1 << (i & 31)
    return bits
  }
  const classBits = Array.from({ length: classCount }, (_, c) => bitsOf((i) => classes[i] === c))
  const candidates: Candidate[] = []
  for (let j = 0; j < d; j++) {
    const column = Float64Array.from(x, (r) => r[j]!)
    for (const threshold of cutPoints(column, options.bins)) {
      const below = bitsOf((i) => column[i]! <= threshold)
      const above = bitsOf((i) => !(column[i]! <= threshold))
      candidates.push({ feature: j, operator: '<=', threshold, bits: below })
      candidates.push({ feature: j, operator: '>', threshold, bits: above })
    }
  }

  const remaining = bitsOf(() => true)
  const picked: Picked[][] = []
  const shares = (counts: number[]): number[] => {
    const total = counts.reduce((a, b) => a + b, 0)
    return counts.map((c) => (total > 0 ? c / total : 0))
  }
  const argmax = (counts: readonly number[]): number => {
    let best = 0
    counts.forEach((c, k) => {
      if (c > counts[best]!) best = k
    })
    return best
  }
  const majority = (bits: Uint32Array): number[] => classBits.map((b) => countAnd(bits, b))
  const toRule = (conditions: Picked[], label: number, counts: number[]): ListRule => ({
    conditions: conditions.map((c) => {
      return {
        feature: featureNames[c.feature] ?? `x${c.feature}`,
        featureIndex: c.feature,
        operator: c.operator,
        threshold: c.threshold,
      }
    }),
    label: classNames[label] ?? String(label),
    classIndex: label,
    value: shares(counts),
    samples: counts.reduce((a, b) => a + b, 0),
  })

  for (let turn = 0; turn < options.maxRules; turn++) {
    options.onRule?.(turn)
    const left = majority(remaining)
    const leftTotal = left.reduce((a, b) => a + b, 0)
    if (leftTotal === 0) break
    const errorsBefore = leftTotal - Math.max(...left)
    if (errorsBefore === 0) break
    const gainOf = (counts: number[]): { label: number; gain: number } | null => {
      const covered = sum(counts)
      if (covered < minSamples) return null
      const label = argmax(counts)
      const rest = left.map((c, k) => c - counts[k]!)
      const errorsAfter = covered - counts[label]! + (leftTotal - covered - Math.max(...rest))
      return { label, gain: errorsBefore - errorsAfter }
    }
    // Scores `parent & bits` from fused counts; the cover itself is made only for the rules kept.
    const evaluate = (conditions: number[], parent: Uint32Array, bits: Uint32Array): Scored | null => {
      const counts = classBits.map((classRows) => {
        let count = 0
        for (let w = 0; w < words; w++) count += popcount(parent[w]! & bits[w]! & classRows[w]!)
        return count
      })
      const found = gainOf(counts)
      if (!found) return null
      const { label, gain } = found
      return {
        conditions,
        parent,
        bits,
        label,
        counts,
        gain,
        score: gain / n - options.cost * conditions.length,
      }
    }
    // Beam search: rules of one condition, then the most promising extended by one more, and so on.
    // A conjunction can gain where none of its parts does (x0 > 0.7 and x1 <= 0.3 -> A, where neither
    // half has a majority of A), so the beam also keeps, per class, the parts that concentrate it most
    // (weighted relative accuracy: rows of the class beyond its share of the rows left), not only the
    // best gains.
    const better = (a: Scored, b: Scored): number =>
      b.score - a.score || a.conditions.length - b.conditions.length
    const lift = (s: Scored, c: number): number => s.counts[c]! - (sum(s.counts) * left[c]!) / leftTotal
    const perClass = Math.max(1, Math.ceil(beamWidth / classCount))
    let best: Scored | null = null
    // One level of the search, kept as it streams by: the best rule, the best `beamWidth` by score and
    // the `perClass` that concentrate each class most (a few small sorted lists, no sort of the level).
    const level = () => {
      const byScore: Scored[] = []
      const byLift: Scored[][] = Array.from({ length: classCount }, () => [])
      const insert = (list: Scored[], s: Scored, before: (a: Scored, b: Scored) => boolean, k: number) => {
        if (list.length === k && !before(s, list[k - 1]!)) return
        let at = list.length
        while (at > 0 && before(s, list[at - 1]!)) at--
        list.splice(at, 0, s)
        if (list.length > k) list.pop()
      }
      return {
        add(s: Scored): void {
          if (!best || better(s, best) < 0) best = s
          insert(byScore, s, (a, b) => better(a, b) < 0, beamWidth)
          for (let c = 0; c < classCount; c++)
            if (lift(s, c) > 0) insert(byLift[c]!, s, (a, b) => lift(a, c) > lift(b, c), perClass)
        },
        beam: (): Scored[] => [...new Set([...byScore, ...byLift.flat()])],
      }
    }
    let current = level()
    candidates.forEach((c, k) => {
      const scored = evaluate([k], remaining, c.bits)
      if (scored) current.add(scored)
    })
    let beam = current.beam()
    for (let length = 2; length <= options.maxConditions && beam.length; length++) {
      const seen = new Set<string>()
      current = level()
      for (const parent of beam) {
        options.onRule?.(turn)
        const cover = and(parent.parent, parent.bits)
        candidates.forEach((c, k) => {
          if (
            parent.conditions.some(
              (p) => candidates[p]!.feature === c.feature && candidates[p]!.operator === c.operator,
            )
          )
            return
          const conditions = [...parent.conditions, k].sort((a, b) => a - b)
          const key = conditions.join(',')
          if (seen.has(key)) return
          seen.add(key)
          const scored = evaluate(conditions, cover, c.bits)
          if (scored) current.add(scored)
        })
      }
      beam = current.beam()
    }
    const chosen = best as Scored | null
    if (!chosen || chosen.score <= 0) break
    // The cuts are quantiles: move each threshold to the best point between its neighbouring cuts,
    // sweeping the rows the other conditions leave in order of the feature's value.
    const conditions: Picked[] = chosen.conditions.map((k) => ({ ...candidates[k]! }))
    conditions.forEach((condition, k) => {
      const base = conditions.filter((_, o) => o !== k).reduce((bits, o) => and(bits, o.bits), remaining)
      const cuts = candidates.filter((c) => c.feature === condition.feature && c.operator === '<=')
      const at = cuts.findIndex((c) => c.threshold === condition.threshold)
      const low = cuts[at - 1]?.threshold ?? -Infinity
      const high = cuts[at + 1]?.threshold ?? Infinity
      const rows: number[] = []
      for (let i = 0; i < n; i++) if (base[i >>> 5]! & (1 << (i & 31))) rows.push(i)
      const value = (i: number) => x[i]![condition.feature]!
      rows.sort((a, b) => value(a) - value(b))
      const total = new Array<number>(classCount).fill(0)
      for (const i of rows) total[classes[i]!]! += 1
      const below = new Array<number>(classCount).fill(0)
      // Start from the cut found, so that the refined threshold is never worse.
      let bestGain = gainOf(classBits.map((c) => countAnd(and(base, condition.bits), c)))?.gain ?? -Infinity
      let bestThreshold = condition.threshold
      for (let r = 0; r < rows.length; r++) {
        below[classes[rows[r]!]!]! += 1
        const v = value(rows[r]!)
        const next = r + 1 < rows.length ? value(rows[r + 1]!) : Infinity
        if (next === v || next === Infinity) continue
        const threshold = v / 2 + next / 2
        if (!(threshold > low && threshold < high)) continue
        const counts = condition.operator === '<=' ? below : total.map((t, c) => t - below[c]!)
        const found = gainOf(counts)
        if (found && found.gain > bestGain) {
          bestGain = found.gain
          bestThreshold = threshold
        }
      }
      if (bestThreshold !== condition.threshold) {
        const t = bestThreshold
        const bits = bitsOf((r) => (condition.operator === '<=' ? value(r) <= t : !(value(r) <= t)))
        conditions[k] = { ...condition, threshold: t, bits }
      }
    })
    const cover = conditions.reduce((bits, c) => and(bits, c.bits), remaining)
    picked.push(conditions)
    for (let w = 0; w < words; w++) remaining[w]! &= ~cover[w]!
  }
  const order = improveOrder(picked)
  // The final list: each rule labelled with the majority of the rows it captures in its place.
  const left = bitsOf(() => true)
  const rules: ListRule[] = []
  for (const conditions of order) {
    const cover = conditions.reduce((bits, c) => and(bits, c.bits), left)
    const counts = majority(cover)
    rules.push(toRule(conditions, argmax(counts), counts))
    for (let w = 0; w < words; w++) left[w]! &= ~cover[w]!
  }
  const rest = majority(left)
  const restTotal = sum(rest)
  const fallback = restTotal > 0 ? rest : majority(bitsOf(() => true))
  const label = argmax(fallback)
  rules.push({ ...toRule([], label, rest), value: restTotal > 0 ? shares(rest) : shares(fallback) })
  return rules

  /**
   * Local search over the greedy list (as CORELS searches orders): swap neighbouring rules and drop
   * rules while that lowers the errors on the training rows plus the cost of the conditions.
   */
  function improveOrder(list: Picked[][]): Picked[][] {
    const objective = (candidate: Picked[][]): number => {
      const open = bitsOf(() => true)
      let errors = 0
      for (const conditions of candidate) {
        const cover = conditions.reduce((bits, c) => and(bits, c.bits), open)
        const counts = majority(cover)
        errors += sum(counts) - Math.max(...counts)
        for (let w = 0; w < words; w++) open[w]! &= ~cover[w]!
      }
      const rest = majority(open)
      errors += sum(rest) - Math.max(...rest)
      return errors / n + options.cost * candidate.reduce((s, c) => s + c.length, 0)
    }
    let current = list
    let value = objective(current)
    for (let pass = 0; pass < 20; pass++) {
      let improved = false
      for (let i = 0; i < current.length; i++) {
        const tries: Picked[][][] = [current.filter((_, k) => k !== i)]
        if (i + 1 < current.length)
          tries.push([...current.slice(0, i), current[i + 1]!, current[i]!, ...current.slice(i + 2)])
        for (const attempt of tries) {
          const v = objective(attempt)
          if (v < value - 1e-12) {
            current = attempt
            value = v
            improved = true
            break
          }
        }
      }
      if (!improved) break
    }
    return current
  }
}

type Picked = Candidate

export {
  applyRuleList,
  predictRuleList,
  ruleFidelity,
  ruleListText,
  truncateRuleList,
  type RuleFidelity,
} from './rule-list-use'
