/** SVG pieces shared by the feature charts: text nodes and row labels, payload strings as text only. */
import { svg } from './dom'
import { shortLabel } from './features-model'

/** Width of the label column left of the charts. */
export const LABEL = 170
/** How many characters of 11 px text fit in the label column (164 px) even where letters are wide. */
export const LABEL_CHARS = 24

/** A text node at (x, y), its content set as text. */
export function text(document: Document, x: number, y: number, content: string, anchor = 'end'): SVGElement {
  const node = svg(document, 'text', {
    x,
    y,
    'text-anchor': anchor,
    'dominant-baseline': 'middle',
    class: 'gw-svg-text',
  })
  node.textContent = content
  return node
}

/** A feature's label left of its row, cut to fit the label column; the full label is its tooltip. */
export function rowLabel(document: Document, y: number, label: string): SVGElement {
  const short = shortLabel(label, LABEL_CHARS)
  const node = text(document, LABEL - 6, y, short)
  if (short === label) return node
  // The tooltip sits beside the text in a group, so the text element's own content stays the label shown.
  const group = svg(document, 'g')
  const tooltip = svg(document, 'title')
  tooltip.textContent = label
  group.append(tooltip, node)
  return group
}
