/**
 * The kernel's input history, for `history_request` (messaging spec 5.3: `tail`, `range`, `search`).
 */

/** One executed cell as history keeps it; `output` is its result's text, filled in when it ends. */
export interface HistoryEntry {
  line: number
  input: string
  output: string | null
}

/**
 * The entries a `history_request` asks for, as `[session, line, input]` (or `[session, line, [input,
 * output]]` with `output: true`).
 *
 * @example
 * historyReply(entries, { hist_access_type: 'tail', n: 10 })   // the last 10 cells
 */
export function historyReply(history: HistoryEntry[], c: Record<string, unknown>): unknown[] {
  const n = typeof c.n === 'number' ? c.n : history.length
  let entries = history
  if (c.hist_access_type === 'range') {
    const start = typeof c.start === 'number' ? c.start : 1
    const stop = typeof c.stop === 'number' ? c.stop : Infinity
    entries = history.filter((entry) => entry.line >= start && entry.line < stop)
  } else if (c.hist_access_type === 'search') {
    const pattern = globPattern(String(c.pattern ?? '*'))
    entries = history.filter((entry) => pattern.test(entry.input))
    if (c.unique === true) {
      const seen = new Set<string>()
      entries = entries.filter((entry) => !seen.has(entry.input) && seen.add(entry.input) !== undefined)
    }
    entries = entries.slice(-n)
  } else {
    entries = history.slice(-n)
  }
  return entries.map((e) => (c.output === true ? [0, e.line, [e.input, e.output]] : [0, e.line, e.input]))
}

/** A history search pattern (`*` any run, `?` one character) as a regular expression. */
function globPattern(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${escaped}$`)
}
