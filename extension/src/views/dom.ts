/** Small DOM helpers. Every string goes in as text (`textContent`), never as markup. */
import { userText } from './text/user-text'

/** Creates an element with classes and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  document: Document,
  tag: K,
  className = '',
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

/** Creates an SVG element with attributes (numbers and fixed strings only, never payload text). */
export function svg(
  document: Document,
  tag: string,
  attributes: Record<string, string | number> = {},
): SVGElement {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag) as SVGElement
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value))
  return node
}

/** A labelled <select> whose options are shown as text. */
export function select(
  document: Document,
  label: string,
  options: { value: string; text: string }[],
  value: string,
  onChange: (value: string) => void,
): { root: HTMLLabelElement; input: HTMLSelectElement } {
  const root = el(document, 'label', 'gw-control', label)
  const input = el(document, 'select')
  for (const option of options) {
    const node = el(document, 'option', '', option.text)
    node.value = option.value
    input.append(node)
  }
  input.value = value
  input.addEventListener('change', () => onChange(input.value))
  root.append(input)
  return { root, input }
}

/** A labelled range slider. */
export function slider(
  document: Document,
  label: string,
  range: { min: number; max: number; step: number; value: number },
  onInput: (value: number) => void,
): { root: HTMLLabelElement; input: HTMLInputElement } {
  const root = el(document, 'label', 'gw-control', label)
  const input = el(document, 'input')
  input.type = 'range'
  input.min = String(range.min)
  input.max = String(range.max)
  input.step = String(range.step)
  input.value = String(range.value)
  input.addEventListener('input', () => onInput(Number(input.value)))
  root.append(input)
  return { root, input }
}

/** How long a line of an error or notice box may be (a message quoting a payload string stays short). */
const MESSAGE_MAX = 400

/** The readable error box shown for a payload that fails validation. */
export function errorBox(document: Document, title: string, errors: string[]): HTMLElement {
  const box = el(document, 'div', 'gw-error')
  box.setAttribute('role', 'alert')
  box.append(el(document, 'strong', '', title))
  const list = el(document, 'ul')
  for (const error of errors.slice(0, 20)) list.append(el(document, 'li', '', userText(error, MESSAGE_MAX)))
  if (errors.length > 20) list.append(el(document, 'li', '', `... and ${errors.length - 20} more`))
  box.append(list)
  return box
}

/**
 * The notice shown above a view that draws a payload but leaves something out (values that are not
 * finite, ...): one line each, so that nothing is dropped silently.
 *
 * @example
 * host.prepend(noticeBox(document, ['3 points of 500 have coordinates that are not finite ...']))
 */
export function noticeBox(document: Document, notices: string[]): HTMLElement {
  const box = el(document, 'div', 'gw-notice')
  box.setAttribute('role', 'status')
  for (const notice of notices.slice(0, 20))
    box.append(el(document, 'div', '', userText(notice, MESSAGE_MAX)))
  return box
}

/**
 * Formats a number compactly for read-outs: three significant digits, without trailing zeros.
 *
 * @example
 * formatNumber(0.001)   // '0.001' (not '0.00100')
 * formatNumber(12345)   // '1.23e+4'
 */
export function formatNumber(value: number): string {
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  const text = magnitude >= 1000 || magnitude < 0.001 ? value.toExponential(2) : value.toPrecision(3)
  // Trailing zeros of the mantissa say nothing: '0.00100' -> '0.001', '1.50e+4' -> '1.5e+4'.
  return text.includes('.') ? text.replace(/\.?0+(?=e|$)/, '') : text
}
