/**
 * Turning what a cell throws into a Jupyter error (ename, evalue, traceback), and cursor arithmetic.
 */
import { inspect } from 'node:util'
import type { CellError } from './messages'

const RED = '\u001b[31m'
const BOLD_RED = '\u001b[1;31m'
const RESET = '\u001b[0m'

/** Frames of the kernel's own machinery, hidden from tracebacks. */
const INTERNAL_FRAME =
  /node:internal|node:vm|sigintHandlersWrap|node_modules[\\/]tslab[\\/]|kernel[\\/]dist[\\/]|evalmachine\.<anonymous>|glasswing-cell-trampoline/

/**
 * A thrown value as a Jupyter error. A Glasswing error is one clean line with its hint (no stack);
 * an interrupt says so; any other error keeps the user's frames of its stack.
 *
 * @example
 * errorOf(new GlasswingError({ where: 'gw.explain', hint: 'Pass a model.' })).traceback  // one line
 */
export function errorOf(thrown: unknown): CellError {
  if (isInterrupt(thrown)) {
    return {
      ename: 'Interrupted',
      evalue: 'the cell was interrupted',
      traceback: [`${BOLD_RED}Interrupted${RESET}: the cell was interrupted`],
    }
  }
  if (!(thrown instanceof Error)) {
    const evalue = inspect(thrown)
    return { ename: 'Error', evalue, traceback: [`${BOLD_RED}Uncaught${RESET} ${evalue}`] }
  }
  const ename = thrown.name || 'Error'
  const evalue = thrown.message
  if (ename === 'GlasswingError') {
    return { ename, evalue, traceback: [`${BOLD_RED}${ename}${RESET}: ${evalue}`] }
  }
  const frames = (thrown.stack ?? '')
    .split('\n')
    .slice(1)
    .filter((line) => /^\s+at /.test(line) && !INTERNAL_FRAME.test(line))
  return {
    ename,
    evalue,
    traceback: [`${BOLD_RED}${ename}${RESET}: ${evalue}`, ...frames.map((f) => RED + f + RESET)],
  }
}

/** Whether a thrown value is an interrupt (SIGINT during a synchronous run, or while awaiting). */
export function isInterrupt(thrown: unknown): boolean {
  if (!(thrown instanceof Error)) return false
  const code = (thrown as { code?: string }).code
  return code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || thrown.message === 'Interrupted asynchronously'
}

/** A TypeScript diagnostic as the kernel shows it. */
export interface TypeDiagnostic {
  fileName?: string
  line: number
  column: number
  message: string
}

/** TypeScript errors as one Jupyter error: `line:col - message` for each. */
export function typeErrorOf(diagnostics: TypeDiagnostic[]): CellError {
  const lines = diagnostics.map(
    (d) => `${d.fileName ? d.fileName + ' ' : ''}${d.line}:${d.column} - ${d.message}`,
  )
  return {
    ename: 'TypeScriptError',
    evalue: lines.join('\n'),
    traceback: [`${BOLD_RED}TypeScriptError${RESET}`, ...lines.map((l) => RED + l + RESET)],
  }
}

/** Jupyter counts cursor positions in Unicode code points; JavaScript strings in UTF-16 units. */
export function codePointToUtf16(text: string, cursor: number): number {
  let units = 0
  let points = 0
  for (const char of text) {
    if (points >= cursor) break
    units += char.length
    points += 1
  }
  return units
}

/** The inverse of {@link codePointToUtf16}. */
export function utf16ToCodePoint(text: string, offset: number): number {
  return [...text.slice(0, offset)].length
}
