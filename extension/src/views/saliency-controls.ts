/** The saliency view's controls that need a document: a comparison's row labels and the target picker. */
import type { SaliencyPayload } from '../../../src/display/schema'
import { el } from './dom'
import type { TargetOption } from './saliency-model'

/** A comparison's row label: the method, and 'magnitude' under it where its maps are unsigned. */
export function rowLabel(document: Document, payload: SaliencyPayload, method: number): HTMLElement {
  const label = el(document, 'div', 'gw-row-label', payload.methods[method])
  if (payload.signed && payload.signedMethods?.[method] === false)
    label.append(el(document, 'div', 'gw-row-note', 'magnitude'))
  return label
}

const GROUPS: Record<TargetOption['group'], string> = {
  'per input': 'Per input',
  sent: 'Classes in this output',
  kernel: 'Other classes (the kernel computes them)',
}

/** The labelled target <select>, its options grouped (option text set as text, never markup). */
export function targetSelect(
  document: Document,
  options: TargetOption[],
  value: string,
  onChange: (value: string) => void,
): { root: HTMLLabelElement; input: HTMLSelectElement } {
  const root = el(document, 'label', 'gw-control', 'Target')
  const input = el(document, 'select', 'gw-target-select')
  for (const group of Object.keys(GROUPS) as TargetOption['group'][]) {
    const members = options.filter((option) => option.group === group)
    if (members.length === 0) continue
    const holder = el(document, 'optgroup')
    holder.label = GROUPS[group]
    for (const option of members) {
      const node = el(document, 'option', '', option.text)
      node.value = option.value
      holder.append(node)
    }
    input.append(holder)
  }
  input.value = value
  input.addEventListener('change', () => onChange(input.value))
  root.append(input)
  return { root, input }
}
