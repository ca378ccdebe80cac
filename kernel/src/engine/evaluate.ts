/**
 * Running a cell's JavaScript without leaking memory.
 *
 * tslab runs each cell with `vm.runInThisContext(code, { breakOnSigint: true })`. In Node 20 every script
 * compiled that way stays in memory for good (measured: about 1.1 KiB of heap a distinct script, still
 * linear after 20,000 scripts, with garbage collected), so a long session grows with every cell. An
 * indirect `eval` of the same code leaves nothing behind. So the cell's code is evaluated by one script,
 * compiled once and run with `breakOnSigint` each time: the SIGINT watchdog covers everything the
 * script calls, the cell included, so synchronous loops stay interruptible.
 */
import vm from 'node:vm'

const SOURCE = Symbol.for('glasswing.cellSource')

interface Holder {
  [SOURCE]?: string
}

// One compiled script serves every cell: it takes the code from a global slot and evaluates it with an
// indirect eval, which runs it in the global scope as `vm.runInThisContext` would.
const trampoline = new vm.Script(`(0, eval)(globalThis[Symbol.for('glasswing.cellSource')])`, {
  filename: 'glasswing-cell-trampoline',
})

/**
 * Evaluates `code` in the global scope like `vm.runInThisContext(code, options)` (only `breakOnSigint`
 * is honoured), without compiling a new vm script for it.
 *
 * @example
 * runInThisContext('1 + 1', { breakOnSigint: true })   // 2
 */
export function runInThisContext(code: string, options: { breakOnSigint?: boolean } = {}): unknown {
  const holder = globalThis as Holder
  holder[SOURCE] = code
  try {
    return trampoline.runInThisContext({ breakOnSigint: options.breakOnSigint ?? false })
  } finally {
    holder[SOURCE] = undefined
  }
}
