/**
 * Runs cells with tslab's converter and executor, and turns what they produce into kernel results:
 * the last value (awaited when it is a promise) as a MIME bundle, or a clean error.
 */
import type { Converter } from 'tslab/dist/converter'
import { loadFastConverter } from './light-builder'
import type { Executor } from 'tslab/dist/executor'
import vm from 'node:vm'
import { runInThisContext } from './evaluate'
import { requireWith } from './require-with'
import { printQuickInfo } from 'tslab/dist/inspect'
import { codePointToUtf16, errorOf, typeErrorOf, utf16ToCodePoint, type TypeDiagnostic } from './format'
import type { CompleteResult, ExecuteResult, InspectResult, IsCompleteResult, ShownBundle } from './messages'

/** The parts of the library the engine uses (the kernel stays independent of the library's types). */
export interface LibrarySession {
  bundleOf(value: unknown): Promise<Record<string, unknown>>
  closeAbandonedScopes(): number
  settleDisplays(): Promise<void>
}

/** What the cell runner needs from its host. */
export interface CellRunnerOptions {
  rootDir: string
  session: () => LibrarySession
  /** False to keep TypeScript's own (slower) incremental builder and types; see light-builder.ts. */
  lightBuilder?: boolean
  /** Rejects when the user interrupts; a fresh one for each cell. */
  interrupted: () => Promise<never>
}

/** Runs cells, completes and inspects code. */
export interface CellRunner {
  execute(code: string): Promise<ExecuteResult>
  complete(code: string, cursor: number): CompleteResult
  inspect(code: string, cursor: number): InspectResult
  isComplete(code: string): IsCompleteResult
  interrupt(): void
}

const NOTHING = Symbol('nothing')
// tslab's variable for a cell's last expression, left among the names when that value is undefined.
const LAST_EXPRESSION = /^tsLastExpr\d*$/

/**
 * Creates the cell runner. The browser converter (for `//%browser` cells) is made only when first used:
 * making one costs as much as the Node one.
 *
 * @example
 * const runner = createCellRunner({ rootDir: process.cwd(), session: () => gw.session, interrupted })
 * await runner.execute('1 + 1')   // { status: 'ok', result: { data: { 'text/plain': '2' }, ... } }
 */
export function createCellRunner(options: CellRunnerOptions): CellRunner {
  let lastValue: unknown = NOTHING
  let thrown: unknown = NOTHING
  const diagnostics: TypeDiagnostic[] = []
  const capture = {
    log(value: unknown) {
      lastValue = value
    },
    error(first: unknown, ...rest: unknown[]) {
      if (typeof first === 'string' && first.startsWith('%s%d:%d - %s')) {
        const [fileName, line, column, message] = rest as [string, number, number, string]
        diagnostics.push({ fileName: fileName.trim() || undefined, line, column, message })
      } else {
        thrown = first
      }
    },
  }
  const { createConverter, isCompleteCode } =
    options.lightBuilder === false
      ? loadFastConverter({ lightBuilder: false, onlyNodeTypes: false })
      : loadFastConverter()
  const node = createConverter()
  let browser: Converter | undefined
  // tslab's executor, running cells through evaluate.ts instead of a new vm script each (see there).
  const { createExecutor } = requireWith<typeof import('tslab/dist/executor')>(
    require.resolve('tslab/dist/executor'),
    { vm: { ...vm, runInThisContext } },
  )
  const executor: Executor = createExecutor(
    options.rootDir,
    {
      node,
      get browser() {
        browser ??= createConverter({ isBrowser: true })
        return browser
      },
      close: () => {
        node.close()
        browser?.close()
      },
    },
    capture,
  )

  async function execute(code: string): Promise<ExecuteResult> {
    const result = await run(code)
    if (result.status === 'error' && result.ename === 'Interrupted') options.session().closeAbandonedScopes()
    return result
  }

  async function run(code: string): Promise<ExecuteResult> {
    lastValue = NOTHING
    thrown = NOTHING
    diagnostics.length = 0
    const before = new Map(Object.entries(executor.locals))
    const names = (): string[] =>
      Object.keys(executor.locals).filter(
        (name) =>
          (!before.has(name) || before.get(name) !== executor.locals[name]) && !LAST_EXPRESSION.test(name),
      )
    try {
      const ok = await executor.execute(code)
      await options.session().settleDisplays()
      if (!ok) {
        if (diagnostics.length > 0) return { status: 'error', ...typeErrorOf(diagnostics) }
        return { status: 'error', ...errorOf(thrown === NOTHING ? new Error('the cell failed') : thrown) }
      }
      if (lastValue === NOTHING) return { status: 'ok', names: names() }
      let value = lastValue
      if (isThenable(value)) value = await Promise.race([value, options.interrupted()])
      if (value === undefined || isQuiet(value)) return { status: 'ok', names: names() }
      return { status: 'ok', result: await shown(value), names: names() }
    } catch (error) {
      return { status: 'error', ...errorOf(error) }
    }
  }

  async function shown(value: unknown): Promise<ShownBundle> {
    return { data: await options.session().bundleOf(value), metadata: {} }
  }

  function complete(code: string, cursor: number): CompleteResult {
    const info = executor.complete(code, codePointToUtf16(code, cursor))
    return {
      matches: info.candidates,
      cursorStart: utf16ToCodePoint(code, info.start),
      cursorEnd: utf16ToCodePoint(code, info.end),
    }
  }

  function inspect(code: string, cursor: number): InspectResult {
    const info = executor.inspect(code, codePointToUtf16(code, cursor))
    if (!info) return { found: false, text: '' }
    return { found: true, text: printQuickInfo(info) }
  }

  function isComplete(code: string): IsCompleteResult {
    // tslab's parse-based check: incomplete when the parser expected more at the very end.
    const result = isCompleteCode(code)
    if (!result.completed) return { status: 'incomplete', indent: result.indent ?? '' }
    return parses(code) ? { status: 'complete' } : { status: 'invalid' }
  }

  return { execute, complete, inspect, isComplete, interrupt: () => executor.interrupt() }
}

/** Whether code parses without syntax errors (type errors are not looked at). */
function parses(code: string): boolean {
  const ts = require('@tslab/typescript-for-tslab') as typeof import('@tslab/typescript-for-tslab')
  const file = ts.createSourceFile('cell.tsx', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX)
  return ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length === 0
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/** Values that ask not to be shown as a cell's result (the handle `gw.display` returns, for one). */
function isQuiet(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[QUIET] === true
}
const QUIET = Symbol.for('glasswing.quiet')
