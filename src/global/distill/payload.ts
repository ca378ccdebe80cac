/** The surrogate view's payload, from a fitted Distillation's parts. */
import type { Provenance, SurrogatePayload } from '../../display/schema'
import type { Tree } from './cart'
import type { FidelityPoint } from './fidelity'

/** The payload of the 'surrogate' view. */
export function surrogatePayload(parts: {
  surrogate: 'tree' | 'linear' | 'gam'
  featureNames: string[]
  classNames: string[]
  tree: Tree | null
  curve: FidelityPoint[]
  chosenDepth: number | null
  fidelity: { agreement: number; heldOutAgreement: number | null; r2: number | null }
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
  }
}
