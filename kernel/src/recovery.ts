/**
 * Getting a user's work back after the engine restarts (a crash, the memory ceiling, an interrupt it
 * ignored). The kernel process, which outlives engines, keeps the cells that ran to the end in the
 * current engine; when that engine is lost they become replayable, and the `%replay` line magic runs
 * them again, in their order, in the fresh engine. What this restores, and what it cannot, is said in
 * the notice the user sees after the restart ({@link Recovery.notice}).
 */
import type { EngineExit } from './engine/client'
import type { ExecuteResult } from './engine/messages'

/** A cell that ran to the end: its execution count, code and the top-level names it set. */
export interface LoggedCell {
  count: number
  code: string
  names: string[]
}

/** What `%replay` needs from the kernel. */
export interface ReplayHost {
  /** Runs code in the engine without showing its output. */
  execute(code: string): Promise<ExecuteResult>
  /** Writes a line of the replay's report to the cell's output. */
  print(text: string): Promise<void>
}

/** The cells of lost engines, and those of the running one. */
export interface Recovery {
  /** Records a cell that ran to the end in the current engine. */
  succeeded(cell: LoggedCell): void
  /** The engine was lost: its cells become replayable; returns the notice to show the user. */
  engineLost(exit: EngineExit, running: number | null): string
  /** The cells `%replay` would run now. */
  replayable(): LoggedCell[]
  /** Runs a `%replay` line (`%replay`, `%replay list`, `%replay 2-5,8`) and returns the cell's outcome. */
  replay(line: string, host: ReplayHost): Promise<ExecuteResult>
}

/** The `%replay` magic, alone on its line; null for any other code. */
export function replayMagic(code: string): string | null {
  const match = /^\s*%replay\b(.*)$/.exec(code.trim())
  return match && !code.trim().includes('\n') ? match[1]!.trim() : null
}

const MAX_LISTED_NAMES = 24

/**
 * Creates the recovery log of one kernel.
 *
 * @example
 * const recovery = createRecovery()
 * recovery.succeeded({ count: 1, code: 'const x = 1', names: ['x'] })
 * recovery.engineLost(exit, null)          // 'Glasswing: the engine stopped: ... %replay ...'
 * await recovery.replay('', host)          // runs `const x = 1` again
 */
export function createRecovery(): Recovery {
  let current: LoggedCell[] = []
  let lost: LoggedCell[] = []

  function notice(exit: EngineExit, running: number | null): string {
    const lines = [
      `Glasswing: the engine stopped${exit.duringStartup ? ' while starting' : ''}: ${exit.reason}.`,
    ]
    if (exit.stderr.length > 0) {
      lines.push('Its last words on stderr:', ...exit.stderr.map((line) => `  ${line}`))
    }
    lines.push(
      exit.restart === 'now'
        ? 'A fresh engine has started; the variables of earlier cells are gone.'
        : exit.duringStartup
          ? 'The next cell you run starts it again.'
          : 'It stopped too often within a minute, so it was not restarted at once: the next cell you run ' +
            'starts a fresh one. The variables of earlier cells are gone.',
    )
    if (lost.length === 0) {
      lines.push('No earlier cell ran to the end in it, so there is nothing to replay.')
      return lines.join('\n') + '\n'
    }
    const names = namesOf(lost)
    const outputs = lost.length === 1 ? 'its output' : 'their outputs'
    const runningCell =
      running === null ? '' : `the cell that was running ([${running}]; run it again yourself), `
    lines.push(
      `To get them back, run %replay in a cell: it reruns the ${plural(lost.length, 'cell')} that ran to the ` +
        `end (${countsOf(lost)}), without showing ${outputs} again, and so restores ` +
        (names.length > 0 ? `${listed(names)}.` : 'what they did (they set no top-level names).') +
        ' Models and data sets loaded from files are loaded again from those files as they are now.',
      '%replay list shows those cells; %replay 2-5 reruns only some (by execution count).',
      `Not restored: ${runningCell}cells that failed, outputs, the live links of open views (run their cells ` +
        'again), and what depends on more than the code: unseeded random draws differ, and files, clocks ' +
        'and the network are read as they are now.',
    )
    return lines.join('\n') + '\n'
  }

  async function replay(line: string, host: ReplayHost): Promise<ExecuteResult> {
    if (line === 'list') {
      await host.print(
        lost.length === 0
          ? 'Nothing to replay: no engine has been lost since these cells ran.\n'
          : lost.map((cell) => `[${cell.count}] ${firstLine(cell.code)}${setsText(cell)}`).join('\n') + '\n',
      )
      return { status: 'ok' }
    }
    const chosen = line === '' || line === 'all' ? lost : selectCells(line)
    if (chosen === null) {
      const evalue =
        `%replay: expected nothing (every cell), 'list', or execution counts such as 2-5,8; got ` +
        `${JSON.stringify(line)}. Run %replay list to see the cells that can be replayed.`
      return { status: 'error', ename: 'ReplayError', evalue, traceback: [`ReplayError: ${evalue}`] }
    }
    if (chosen.length === 0) {
      await host.print('Nothing to replay: no cell of a lost engine matches.\n')
      return { status: 'ok' }
    }
    await host.print(
      `Replaying ${plural(chosen.length, 'cell')} from before the restart (outputs are not shown again):\n`,
    )
    const restored: LoggedCell[] = []
    for (const cell of chosen) {
      const started = Date.now()
      await host.print(`  [${cell.count}] ${firstLine(cell.code)}`)
      const result = await host.execute(cell.code)
      if (result.status === 'error') {
        await host.print(': failed\n')
        const rest = chosen.slice(chosen.indexOf(cell))
        const evalue =
          `%replay: cell [${cell.count}] failed again (${result.ename}: ${firstLine(result.evalue)}); stopped there. ` +
          (restored.length > 0 ? `Restored before it: ${listed(namesOf(restored))}. ` : '') +
          `Fix what it needs, then run %replay ${rangesOf(rest)} to go on.`
        return { status: 'error', ename: 'ReplayError', evalue, traceback: [`ReplayError: ${evalue}`] }
      }
      const cellNames = result.names ?? cell.names
      restored.push({ ...cell, names: cellNames })
      // Replayed cells belong to the new engine now: lost again, they are replayable again.
      lost = lost.filter((kept) => kept !== cell)
      current.push({ ...cell, names: cellNames })
      await host.print(
        `: ${((Date.now() - started) / 1000).toFixed(1)} s${setsText({ ...cell, names: cellNames })}\n`,
      )
    }
    const names = namesOf(restored)
    await host.print(
      `Restored ${names.length > 0 ? listed(names) : 'what those cells did'} (${plural(restored.length, 'cell')}).\n`,
    )
    return { status: 'ok' }
  }

  function selectCells(line: string): LoggedCell[] | null {
    const wanted = new Set<number>()
    for (const part of line.split(',').map((p) => p.trim())) {
      const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part)
      if (!match) return null
      const from = Number(match[1])
      const to = Number(match[2] ?? match[1])
      if (to < from || to - from > 100_000) return null
      for (let count = from; count <= to; count++) wanted.add(count)
    }
    return lost.filter((cell) => wanted.has(cell.count))
  }

  return {
    succeeded: (cell) => void current.push(cell),
    engineLost(exit, running) {
      lost = [...lost, ...current]
      current = []
      return notice(exit, running)
    },
    replayable: () => [...lost],
    replay,
  }
}

function namesOf(cells: LoggedCell[]): string[] {
  return [...new Set(cells.flatMap((cell) => cell.names))]
}

function listed(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED_NAMES).join(', ')
  return names.length > MAX_LISTED_NAMES ? `${shown} and ${names.length - MAX_LISTED_NAMES} more` : shown
}

function setsText(cell: LoggedCell): string {
  return cell.names.length > 0 ? ` -> ${listed(cell.names)}` : ''
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? ''
  const more = text.trim().includes('\n') ? ' …' : ''
  return (line.length > 72 ? line.slice(0, 71) + '…' : line) + more
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** Execution counts as `[1], [3]-[5]` for prose. */
function countsOf(cells: LoggedCell[]): string {
  return rangesOf(cells)
    .split(',')
    .map((range) => range.replace(/(\d+)/g, '[$1]'))
    .join(', ')
}

/** Execution counts as `1,3-5` (what %replay takes). */
function rangesOf(cells: LoggedCell[]): string {
  const counts = [...new Set(cells.map((cell) => cell.count))].sort((a, b) => a - b)
  const ranges: string[] = []
  for (let i = 0; i < counts.length; ) {
    let j = i
    while (j + 1 < counts.length && counts[j + 1] === counts[j]! + 1) j++
    ranges.push(i === j ? `${counts[i]}` : `${counts[i]}-${counts[j]}`)
    i = j + 1
  }
  return ranges.join(',')
}
