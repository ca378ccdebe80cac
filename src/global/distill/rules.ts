/** A tree as rules: one rule per leaf, as JSON and as readable if-then text. */
import type { Tree } from './cart'

/** One condition of a rule: `feature <= threshold` or `feature > threshold`. */
export interface Condition {
  feature: string
  featureIndex: number
  operator: '<=' | '>'
  threshold: number
}

/** The path to one leaf and what the leaf says. */
export interface Rule {
  leaf: number
  conditions: Condition[]
  /** The leaf's label (classifier) or the output with the largest mean (regressor). */
  label: string
  /** Classifier: class shares at the leaf; regressor: mean outputs. */
  value: number[]
  samples: number
}

/** Rules of every leaf, in the tree's left-to-right order. */
export function treeRules(
  tree: Tree,
  featureNames: readonly string[],
  classNames: readonly string[],
): Rule[] {
  const rules: Rule[] = []
  const walk = (id: number, conditions: Condition[]): void => {
    const node = tree.nodes[id]!
    if (node.feature < 0) {
      const total = tree.kind === 'classifier' ? node.value.reduce((a, b) => a + b, 0) : 1
      const value = node.value.map((v) => v / total)
      let best = 0
      value.forEach((v, j) => {
        if (v > value[best]!) best = j
      })
      rules.push({
        leaf: id,
        conditions,
        label: classNames[best] ?? String(best),
        value,
        samples: node.samples,
      })
      return
    }
    const feature = featureNames[node.feature] ?? `x${node.feature}`
    const base = { feature, featureIndex: node.feature, threshold: node.threshold }
    walk(node.left, [...conditions, { ...base, operator: '<=' }])
    walk(node.right, [...conditions, { ...base, operator: '>' }])
  }
  walk(0, [])
  return rules
}

const number = (v: number): string =>
  Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : String(Number(v.toPrecision(4)))

/** `if a <= 0.5 and b > 2 then good (0.83 of 120)` per line. */
export function rulesText(rules: readonly Rule[], kind: Tree['kind']): string {
  return rules
    .map((rule) => {
      const when = rule.conditions.length
        ? rule.conditions.map((c) => `${c.feature} ${c.operator} ${number(c.threshold)}`).join(' and ')
        : 'always'
      const share = Math.max(...rule.value)
      const what =
        kind === 'classifier'
          ? `${rule.label} (${share.toFixed(2)} of ${rule.samples})`
          : `${rule.label} (mean ${rule.value.map((v) => v.toFixed(3)).join('/')}, ${rule.samples} rows)`
      return `if ${when} then ${what}`
    })
    .join('\n')
}
