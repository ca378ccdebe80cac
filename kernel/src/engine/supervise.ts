/**
 * Watching over the engine process from the kernel process: its memory ceiling (an RSS watchdog, and
 * V8's heap limit), the tail of what it writes to stderr outside cells (native logs, V8's fatal errors),
 * and a plain account of why it stopped.
 *
 * Why a watchdog: tensors live in native memory, outside V8's heap, so `--max-old-space-size` alone
 * does not bound an engine; without a ceiling a runaway cell grows until the system's out-of-memory
 * killer picks a process, possibly another one. Killing the engine at its ceiling keeps the kernel and
 * the rest of the machine alive and lets the notebook say what happened.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'

/** The memory limits of an engine, in MiB; `ceilingMb` null means no watchdog. */
export interface MemoryLimits {
  ceilingMb: number | null
  /** V8's old-space limit passed as `--max-old-space-size`, or null to keep V8's default. */
  heapMb: number | null
  /** Where the ceiling came from, for messages: the variable, or the default. */
  source: string
  /** A problem with the settings, to show the user once (the default is used instead). */
  warning?: string
}

/** The fraction of the machine's memory (or of the container's limit) an engine may use by default. */
export const DEFAULT_CEILING_FRACTION = 0.8

/**
 * The engine's memory limits from the environment: `GLASSWING_ENGINE_MEMORY_MB` (a number of MiB, or
 * `0`/`off` for no ceiling; by default 80% of the memory the machine or container has) and
 * `GLASSWING_ENGINE_HEAP_MB` (V8's heap limit; by default the ceiling).
 *
 * @example
 * memoryLimits({ GLASSWING_ENGINE_MEMORY_MB: '4096' })   // { ceilingMb: 4096, heapMb: 4096, ... }
 */
export function memoryLimits(env: NodeJS.ProcessEnv = process.env): MemoryLimits {
  const available = availableMemoryMb()
  const fallback = Math.floor(available * DEFAULT_CEILING_FRACTION)
  const defaultSource = `the default, ${Math.round(DEFAULT_CEILING_FRACTION * 100)}% of ${available} MB`
  let ceilingMb: number | null = fallback
  let source = defaultSource
  const warnings: string[] = []
  const raw = env.GLASSWING_ENGINE_MEMORY_MB?.trim()
  if (raw !== undefined && raw !== '') {
    const value = Number(raw)
    if (raw === 'off' || value === 0) {
      ceilingMb = null
      source = 'GLASSWING_ENGINE_MEMORY_MB=off'
    } else if (Number.isFinite(value) && value >= 64) {
      ceilingMb = Math.floor(value)
      source = 'GLASSWING_ENGINE_MEMORY_MB'
    } else {
      warnings.push(
        `GLASSWING_ENGINE_MEMORY_MB is ${JSON.stringify(raw)}, expected a number of MiB of at least 64 ` +
          `(or 0/off for no ceiling); using ${fallback} MB, ${defaultSource}.`,
      )
    }
  }
  let heapMb = ceilingMb
  const rawHeap = env.GLASSWING_ENGINE_HEAP_MB?.trim()
  if (rawHeap !== undefined && rawHeap !== '') {
    const value = Number(rawHeap)
    if (Number.isFinite(value) && value >= 64) heapMb = Math.floor(value)
    else
      warnings.push(
        `GLASSWING_ENGINE_HEAP_MB is ${JSON.stringify(rawHeap)}, expected a number of MiB of at least 64; ` +
          `using ${heapMb === null ? "V8's default" : `${heapMb} MB`}.`,
      )
  }
  return { ceilingMb, heapMb, source, ...(warnings.length ? { warning: warnings.join(' ') } : {}) }
}

/** The memory this process may use, in MiB: the machine's, or the container's limit when lower. */
function availableMemoryMb(): number {
  const total = os.totalmem()
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.()
  const limit = constrained && constrained > 0 && constrained < total ? constrained : total
  return Math.floor(limit / 2 ** 20)
}

/** The resident memory of a process in MiB, or null where it cannot be read (gone, or not Linux). */
export function residentMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    return match ? Number(match[1]) / 1024 : null
  } catch {
    return null
  }
}

/**
 * Polls a process's RSS every `intervalMs` and calls `onExceeded` once when it passes `ceilingMb`.
 * Returns a function that stops watching. On systems without `/proc` it watches nothing.
 *
 * @example
 * const stop = watchMemory(child.pid!, 4096, (rss) => child.kill('SIGKILL'))
 */
export function watchMemory(
  pid: number,
  ceilingMb: number,
  onExceeded: (rssMb: number) => void,
  intervalMs = 100,
): () => void {
  const timer = setInterval(() => {
    const rss = residentMb(pid)
    if (rss === null || rss <= ceilingMb) return
    clearInterval(timer)
    onExceeded(rss)
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

/** Lines that say nothing about why an engine stopped: TensorFlow's start-up notices, native stack frames. */
const NOISE = [
  /^\s*\d+: 0x[0-9a-f]+\b/i,
  /^----- Native stack trace -----$/,
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /oneDNN custom operations are on/,
]

/** Keeps the last `limit` characters written to a stream, forwarding everything to `forward`. */
export class StderrTail {
  private text = ''

  constructor(
    private readonly limit = 16_384,
    private readonly forward: (chunk: Buffer | string) => void = (chunk) => process.stderr.write(chunk),
  ) {}

  /** Records a chunk (and forwards it, so the server log keeps the engine's native output). */
  write(chunk: Buffer | string): void {
    this.forward(chunk)
    this.text = (this.text + chunk.toString()).slice(-this.limit)
  }

  /** The last lines worth showing: native stack frames (`12: 0x55d1... node::Abort()`) left out. */
  lines(count = 12): string[] {
    return this.text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '' && !NOISE.some((pattern) => pattern.test(line)))
      .slice(-count)
  }

  /** The whole kept text (for classifying an exit). */
  toString(): string {
    return this.text
  }

  clear(): void {
    this.text = ''
  }
}

/** Why an engine stopped, as the kernel tells the user. */
export type ExitKind = 'memory-ceiling' | 'heap-limit' | 'interrupt-timeout' | 'signal' | 'exit'

/** What the kernel process knows when an engine process has exited. */
export interface ExitFacts {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  /** Set when the watchdog killed the engine: its RSS then, and the ceiling. */
  memory?: { rssMb: number; ceilingMb: number; source: string }
  /** Set when the kernel killed it because it ignored an interrupt. */
  interruptGraceS?: number
  heapMb: number | null
  /** True when it stopped before it had loaded Glasswing. */
  duringStartup?: boolean
}

/**
 * A one-line account of an engine's exit, and its kind.
 *
 * @example
 * describeExit({ code: null, signal: 'SIGKILL', stderr: '', heapMb: null }).reason
 * // 'it was killed by SIGKILL from outside the kernel (the system's out-of-memory killer, or a user)'
 */
export function describeExit(facts: ExitFacts): { kind: ExitKind; reason: string } {
  if (facts.memory) {
    const { rssMb, ceilingMb, source } = facts.memory
    if (facts.duringStartup) {
      return {
        kind: 'memory-ceiling',
        reason:
          `it used ${Math.round(rssMb)} MB while starting, more than its memory ceiling of ${ceilingMb} MB ` +
          `(${source}); it needs about 400 MB to start and more to work: raise GLASSWING_ENGINE_MEMORY_MB`,
      }
    }
    return {
      kind: 'memory-ceiling',
      reason:
        `it used ${Math.round(rssMb)} MB, more than its memory ceiling of ${ceilingMb} MB (${source}), ` +
        'and was stopped before it could exhaust the machine; work on smaller batches, or raise ' +
        'GLASSWING_ENGINE_MEMORY_MB',
    }
  }
  if (
    /Reached heap limit|JavaScript heap out of memory|Allocation failed - process out of memory/.test(
      facts.stderr,
    )
  ) {
    const limit = facts.heapMb === null ? "V8's default" : `${facts.heapMb} MB`
    return {
      kind: 'heap-limit',
      reason:
        `it ran out of JavaScript heap (V8's heap limit, ${limit}: --max-old-space-size); ` +
        'keep fewer large JavaScript arrays alive, or raise GLASSWING_ENGINE_HEAP_MB',
    }
  }
  if (facts.interruptGraceS !== undefined) {
    return {
      kind: 'interrupt-timeout',
      // Glasswing's own computations stop between batches (src/session/interrupt.ts); what remains is one
      // native operation that cannot be stopped halfway, or user code that never yields or checks.
      reason:
        `its cell did not stop within ${facts.interruptGraceS} s of the interrupt: a single native operation ` +
        '(one TensorFlow kernel on a large batch) or a synchronous loop after an await was still running, ' +
        'and only ending the engine could stop it; a smaller batchSize makes each operation shorter',
    }
  }
  if (facts.signal === 'SIGKILL') {
    return {
      kind: 'signal',
      reason:
        "it was killed by SIGKILL from outside the kernel (the system's out-of-memory killer, or a user)",
    }
  }
  if (facts.signal) {
    const crash = ['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE'].includes(facts.signal)
    return {
      kind: 'signal',
      reason: crash ? `it crashed (${facts.signal})` : `it was stopped by ${facts.signal}`,
    }
  }
  return {
    kind: 'exit',
    reason: `it exited with code ${facts.code ?? '?'} (process.exit in a cell, or a fatal error)`,
  }
}
