/** Using a fitted rule list: which rule captures each row, predictions, per-rule fidelity, cuts, text. */
import type { ListRule } from './rule-list'

/** The index of the rule that captures each row (the first whose conditions all hold). */
export function applyRuleList(rules: readonly ListRule[], x: readonly Float64Array[]): Int32Array {
  return Int32Array.from(x, (row) =>
    rules.findIndex((rule) =>
      rule.conditions.every((c) =>
        c.operator === '<=' ? row[c.featureIndex]! <= c.threshold : !(row[c.featureIndex]! <= c.threshold),
      ),
    ),
  )
}

/** Each row's label (the capturing rule's) and class shares. */
export function predictRuleList(
  rules: readonly ListRule[],
  x: readonly Float64Array[],
): { classes: Int32Array; values: Float64Array[] } {
  const captured = applyRuleList(rules, x)
  return {
    classes: Int32Array.from(captured, (r) => rules[r]!.classIndex),
    values: Array.from(captured, (r) => Float64Array.from(rules[r]!.value)),
  }
}

/** A rule's share of the rows it captures and how often the teacher agrees with its label there. */
export interface RuleFidelity {
  rule: number
  label: number
  coverage: number
  /** NaN where the rule captures no row. */
  precision: number
}

/** Coverage and precision of every rule of a list on the given rows. */
export function ruleFidelity(
  rules: readonly ListRule[],
  data: { x: readonly Float64Array[]; classes: Int32Array },
): RuleFidelity[] {
  const captured = applyRuleList(rules, data.x)
  return rules.map((rule, r) => {
    let count = 0
    let right = 0
    captured.forEach((c, i) => {
      if (c !== r) return
      count++
      if (data.classes[i] === rule.classIndex) right++
    })
    return {
      rule: r,
      label: rule.classIndex,
      coverage: count / data.x.length,
      precision: count === 0 ? NaN : right / count,
    }
  })
}

/**
 * The list cut after its first `length` rules, with the default relabelled to the majority of the
 * training rows those rules leave (the fidelity-versus-rules curve).
 */
export function truncateRuleList(
  rules: readonly ListRule[],
  length: number,
  train: { x: readonly Float64Array[]; classes: Int32Array },
  classCount: number,
  classNames: readonly string[],
): ListRule[] {
  const kept = rules.slice(0, Math.min(length, rules.length - 1))
  const captured = applyRuleList(kept, train.x)
  const counts = new Array<number>(classCount).fill(0)
  captured.forEach((c, i) => {
    if (c < 0) counts[train.classes[i]!]! += 1
  })
  let label = 0
  counts.forEach((c, k) => {
    if (c > counts[label]!) label = k
  })
  const total = counts.reduce((a, b) => a + b, 0)
  return [
    ...kept,
    {
      conditions: [],
      label: classNames[label] ?? String(label),
      classIndex: label,
      value: counts.map((c) => (total > 0 ? c / total : 0)),
      samples: total,
    },
  ]
}

const number = (v: number): string =>
  Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : String(Number(v.toPrecision(4)))

/** `if a > 0.5 then good (0.92 of 310)` / `else if ...` / `else bad (...)`, one line per rule. */
export function ruleListText(rules: readonly ListRule[]): string {
  return rules
    .map((rule, r) => {
      const what = `${rule.label} (${Math.max(...rule.value, 0).toFixed(2)} of ${rule.samples})`
      if (rule.conditions.length === 0) return r === 0 ? `always ${what}` : `else ${what}`
      const when = rule.conditions
        .map((c) => `${c.feature} ${c.operator} ${number(c.threshold)}`)
        .join(' and ')
      return `${r === 0 ? 'if' : 'else if'} ${when} then ${what}`
    })
    .join('\n')
}
