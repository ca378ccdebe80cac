/** The surrogate view's payload, from a fitted Distillation's parts. */
import type { Provenance, SurrogatePayload, SurrogateShapes } from '../../display/schema'
import type { Tree } from './cart'
import type { FidelityPoint } from './fidelity'
import { shapeRanges, type BinnedGam } from './gam'
import type { ListRule, RuleFidelity } from './rule-list'

/** Shape functions sent per class: the strongest (the view draws each as a small step chart). */
export const SHAPES_SENT = 16

/** The payload of the 'surrogate' view. */
export function surrogatePayload(parts: {
  surrogate: 'tree' | 'rules' | 'linear' | 'gam'
  featureNames: string[]
  classNames: string[]
  tree: Tree | null
  ruleList: ListRule[] | null
  gam: BinnedGam[] | null
  curve: FidelityPoint[]
  chosenDepth: number | null
  fidelity: {
    agreement: number
    heldOutAgreement: number | null
    r2: number | null
    rules: RuleFidelity[]
  }
  text: string
  provenance: Provenance
}): SurrogatePayload {
  const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v)
  const nodes = (parts.tree?.nodes ?? []).map((node) => {
    const total = parts.tree!.kind === 'classifier' ? node.value.reduce((a, b) => a + b, 0) : 1
    const shares = node.value.map((v) => v / (total || 1))
    let best = 0
    shares.forEach((v, j) => {
      if (v > shares[best]!) best = j
    })
    return {
      feature: node.feature,
      threshold: node.feature >= 0 ? node.threshold : null,
      left: node.left,
      right: node.right,
      samples: node.samples,
      label: parts.classNames[best] ?? String(best),
      share: shares[best] ?? 0,
    }
  })
  return {
    version: 1,
    provenance: parts.provenance,
    kind: 'surrogate',
    surrogate: parts.surrogate,
    featureNames: parts.featureNames,
    classNames: parts.classNames,
    curve: parts.curve.map((p) => ({
      depth: p.depth,
      leaves: p.leaves,
      agreement: p.agreement,
      heldOutAgreement: finite(p.heldOutAgreement),
    })),
    chosenDepth: parts.chosenDepth,
    nodes,
    fidelity: {
      agreement: parts.fidelity.agreement,
      heldOutAgreement: finite(parts.fidelity.heldOutAgreement),
      r2: finite(parts.fidelity.r2),
    },
    text: parts.text.split('\n'),
    ...(parts.ruleList
      ? {
          rules: parts.ruleList.map((rule, r) => {
            const measured = parts.fidelity.rules[r]
            return {
              conditions: rule.conditions.map((c) => ({
                feature: c.featureIndex,
                operator: c.operator,
                threshold: c.threshold,
              })),
              label: rule.label,
              samples: rule.samples,
              coverage: measured?.coverage ?? 0,
              precision: finite(measured?.precision ?? null),
            }
          }),
        }
      : {}),
    ...(parts.gam
      ? { shapes: parts.gam.map((m, c) => gamShapes(m, parts.classNames[c] ?? `class ${c}`)) }
      : {}),
  }
}

/** A class's strongest shape functions (non-flat, by range), with the infinite last edge dropped. */
function gamShapes(gam: BinnedGam, className: string): SurrogateShapes {
  const ranked = shapeRanges(gam)
    .map((range, feature) => ({ range, feature }))
    .filter((s) => s.range > 0)
    .sort((a, b) => b.range - a.range)
  return {
    className,
    intercept: gam.intercept,
    shapes: ranked.slice(0, SHAPES_SENT).map(({ feature }) => ({
      feature,
      cuts: gam.shapes[feature]!.edges.slice(0, -1),
      values: gam.shapes[feature]!.values.slice(),
    })),
    omitted: Math.max(0, ranked.length - SHAPES_SENT),
  }
}
