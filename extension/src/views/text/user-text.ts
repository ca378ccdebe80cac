/**
 * Payload strings as a view shows them: cut to a length that cannot stretch a layout (the full value
 * goes in a tooltip), their explicit direction controls made visible, and isolated from the text
 * around them for bidirectional display.
 *
 * Strings with a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... or a right-to-left
 * mark) are isolated; strings without one cannot reorder the English text around them and are left
 * as they are (so that views and their tests read them plainly). Isolation uses FIRST STRONG
 * ISOLATE (U+2068) ... POP DIRECTIONAL ISOLATE (U+2069), which the
 * Unicode bidirectional algorithm treats exactly as HTML's <bdi> (`unicode-bidi: isolate;
 * dir: auto`): an Arabic class name or a right-to-left override inside it cannot reorder the view's
 * own text beside it ('(0.275)' stays after the name). It works where elements cannot go: inside one
 * text node, SVG <text>, <option> and tooltips. The override characters themselves (U+202A-U+202E,
 * U+2066-U+2069) are shown as '⟨RLO⟩' and so on: 'gnp.exe' preceded by an RLO would otherwise read as
 * 'exe.png'.
 *
 * Pure: no DOM.
 */

/** How many characters of a payload string a view shows by default. */
export const USER_TEXT_MAX = 80

const FSI = '\u2068'
const PDI = '\u2069'

/** The explicit directional formatting characters and the names shown in their place. */
const CONTROLS: Record<string, string> = {
  '\u202a': 'LRE',
  '\u202b': 'RLE',
  '\u202c': 'PDF',
  '\u202d': 'LRO',
  '\u202e': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
}
const CONTROL_PATTERN = /[\u202a-\u202e\u2066-\u2069]/g
/** Characters of bidirectional class R or AL (right-to-left scripts and marks), BMP and beyond. */
const RIGHT_TO_LEFT =
  /[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefe]|\ud802[\udc00-\udfff]|\ud803[\udc00-\udfff]|\ud83a[\udc00-\udfff]|\ud83b[\udc00-\udfff]/

/**
 * Whether a string holds a right-to-left letter or mark, or a direction control.
 *
 * @example
 * needsIsolation('digit 3')   // false
 * needsIsolation('שלום')      // true
 */
export function needsIsolation(text: string): boolean {
  return RIGHT_TO_LEFT.test(text) || /[\u202a-\u202e\u2066-\u2069]/.test(text)
}

const isolate = (text: string, original: string): string =>
  needsIsolation(original) ? `${FSI}${text}${PDI}` : text

/**
 * The text with its explicit direction controls shown as names.
 *
 * @example
 * revealControls('\u202egnp.exe')   // '⟨RLO⟩gnp.exe'
 */
export function revealControls(text: string): string {
  return text.replace(CONTROL_PATTERN, (c) => `⟨${CONTROLS[c]}⟩`)
}

/**
 * The text cut to `max` characters with an ellipsis (never inside a surrogate pair).
 *
 * @example
 * shortText('a'.repeat(100), 10)   // 'aaaaaaaaa…'
 */
export function shortText(text: string, max: number = USER_TEXT_MAX): string {
  if (text.length <= max) return text
  let end = Math.max(0, max - 1)
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

/**
 * A payload string ready to show: cut to `max`, controls revealed, isolated where it holds
 * right-to-left text. Put it in template
 * strings as it is: `${userText(name)} (${value})`.
 *
 * @example
 * userText('\u202egnp.exe')   // '\u2068⟨RLO⟩gnp.exe\u2069'
 */
export function userText(text: string, max: number = USER_TEXT_MAX): string {
  return isolate(revealControls(shortText(text, max)), text)
}

/** Whether `userText(text, max)` leaves something out (then the full value belongs in a tooltip). */
export function isShortened(text: string, max: number = USER_TEXT_MAX): boolean {
  return text.length > max
}

/**
 * The full value for a tooltip: controls revealed and isolated, not cut.
 *
 * @example
 * fullText('\u202egnp.exe')   // '\u2068⟨RLO⟩gnp.exe\u2069'
 * fullText('digit 3')         // 'digit 3'
 */
export function fullText(text: string): string {
  return isolate(revealControls(text), text)
}
