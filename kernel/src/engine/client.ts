/**
 * The kernel process's side of the engine: starts it, sends it requests, relays its output, interrupts
 * it, watches its memory, and restarts it when it dies or does not stop in time (see supervise.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { INTERRUPT_STDIO, OUTSIDE_CELLS, sendInterrupt } from './interrupt-flag'
import { fromChannel, toChannel, type EngineEvent, type EngineMessage, type EngineRequest } from './messages'
import {
  describeExit,
  memoryLimits,
  StderrTail,
  watchMemory,
  type ExitKind,
  type MemoryLimits,
} from './supervise'

type Request = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

/** Why an engine stopped, and what happens next. */
export interface EngineExit {
  kind: ExitKind
  /** One line: what happened to it, and what the user can do about it. */
  reason: string
  /** The last lines it wrote to stderr outside cells (native logs, V8's fatal errors). */
  stderr: string[]
  /** True when it stopped before it had loaded Glasswing. */
  duringStartup: boolean
  /** 'now': a fresh engine is starting; 'next-request': too many restarts, the next request starts one. */
  restart: 'now' | 'next-request'
}

/** Options of {@link startEngine}. */
export interface EngineOptions {
  /** Receives output as it happens, with the id of the request that was running when it was made. */
  onEvent(origin: number, event: EngineEvent): void
  /** The engine stopped on its own or was killed (not by `stop()`); its variables are gone. */
  onExit(exit: EngineExit): void
  /** Seconds to wait after an interrupt before the engine is restarted instead (2 by default). */
  interruptGrace?: number
  /**
   * Automatic restarts allowed in a minute (`GLASSWING_ENGINE_RESTARTS_PER_MINUTE`, else 5); past that the
   * next request (a cell the user runs) starts a fresh engine.
   */
  restartsPerMinute?: number
  cwd?: string
  /** Where the memory settings are read (`process.env` by default); see {@link memoryLimits}. */
  env?: NodeJS.ProcessEnv
}

/** A running engine. */
export interface Engine {
  /** Resolves once the engine has loaded Glasswing and can run cells. */
  ready(): Promise<{ startupMs: number }>
  request<T>(request: Request): Promise<T>
  interrupt(): void
  stop(): Promise<void>
  /** The engine process's id (undefined before it has started). */
  readonly pid: number | undefined
  /** The memory ceiling and heap limit it runs under. */
  readonly limits: MemoryLimits
}

/** An error that stands for a request the engine could not finish (it died or was restarted). */
export class EngineLost extends Error {
  override readonly name = 'EngineRestarted'
  constructor(
    message: string,
    readonly exit?: EngineExit,
  ) {
    super(message)
  }
}

/**
 * Starts the engine process.
 *
 * @example
 * const engine = startEngine({ onEvent: relay, onExit: (exit) => warn(exit.reason) })
 * await engine.request({ op: 'execute', code: '1 + 1', silent: false })
 */
export function startEngine(options: EngineOptions): Engine {
  const limits = memoryLimits(options.env ?? process.env)
  const fromEnv = Number((options.env ?? process.env).GLASSWING_ENGINE_RESTARTS_PER_MINUTE?.trim() || NaN)
  const restartsPerMinute =
    options.restartsPerMinute ?? (Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : 5)
  let nextId = 1
  let stopping = false
  let running = false
  let child!: ChildProcess
  let readyPromise!: Promise<{ startupMs: number }>
  let restarts: number[] = []
  let interruptKill: number | undefined
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; op: string }>()

  const launch = (): void => {
    const heap = limits.heapMb === null ? [] : [`--max-old-space-size=${limits.heapMb}`]
    child = spawn(process.execPath, [...heap, path.join(__dirname, 'child.js')], {
      cwd: options.cwd ?? process.cwd(),
      // Output the engine writes from JavaScript travels as events; what the native library and V8 write
      // to stderr is piped here: forwarded to the kernel's log and its tail kept to explain a crash. Its
      // own process group: a SIGINT sent to the kernel's group reaches it only once, through the kernel.
      // The fifth, a pipe, carries interrupts that synchronous code can see (interrupt-flag.ts).
      stdio: ['ignore', 'inherit', 'pipe', 'ipc', INTERRUPT_STDIO],
      serialization: 'json', // see messages.ts
      detached: true,
      env: { ...process.env, ...options.env, GLASSWING_ENGINE: '1' },
    })
    running = true
    interruptKill = undefined
    const current = child
    const tail = new StderrTail()
    current.stderr?.on('data', (chunk: Buffer) => tail.write(chunk))
    current.stderr?.on('error', () => undefined)
    let memory: { rssMb: number; ceilingMb: number; source: string } | undefined
    const { ceilingMb } = limits
    const stopWatching =
      ceilingMb !== null && current.pid !== undefined
        ? watchMemory(current.pid, ceilingMb, (rssMb) => {
            memory = { rssMb, ceilingMb, source: limits.source }
            current.kill('SIGKILL')
          })
        : () => undefined
    let wasReady = false
    let rejectReady!: (error: Error) => void
    readyPromise = new Promise((resolve, reject) => {
      rejectReady = reject
      current.on('message', (received: EngineMessage) => {
        const message = fromChannel(received)
        if (message.type === 'ready') {
          wasReady = true
          resolve({ startupMs: message.startupMs })
        } else if (message.type === 'event') options.onEvent(message.origin, message.event)
        else {
          const waiter = pending.get(message.id)
          pending.delete(message.id)
          if (message.type === 'reply') waiter?.resolve(message.result)
          else waiter?.reject(new Error(`the engine could not answer ${waiter.op}: ${message.error}`))
        }
      })
    })
    readyPromise.catch(() => undefined)
    let ended = false
    const onEnd = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (ended) return
      ended = true
      stopWatching()
      if (current !== child) return
      running = false
      const { kind, reason } = describeExit({
        code,
        signal,
        stderr: tail.toString(),
        memory,
        interruptGraceS: interruptKill,
        heapMb: limits.heapMb,
        duringStartup: !wasReady,
      })
      // An engine that never became ready would fail again at once, and one that keeps dying may take the
      // machine with it: past the limit the next request (a cell the user runs) starts a fresh one.
      const now = Date.now()
      restarts = restarts.filter((at) => now - at < 60_000)
      const again = !stopping && wasReady && restarts.length < restartsPerMinute
      const exit: EngineExit = {
        kind,
        reason,
        stderr: tail.lines(),
        duringStartup: !wasReady,
        restart: again ? 'now' : 'next-request',
      }
      const lost = new EngineLost(`the engine stopped: ${reason}`, exit)
      rejectReady(lost)
      for (const waiter of pending.values()) waiter.reject(lost)
      pending.clear()
      if (stopping) return
      options.onExit(exit)
      if (again) {
        restarts.push(now)
        launch()
      }
    }
    // What the engine wrote last (V8's fatal error, say) may still be in the pipe when it exits: its
    // account waits for the end of stderr, briefly (a grandchild could hold the pipe open).
    current.on('exit', (code, signal) => {
      const stderr = current.stderr
      if (!stderr || stderr.readableEnded || stderr.destroyed) return onEnd(code, signal)
      const timer = setTimeout(() => onEnd(code, signal), 200)
      stderr.once('close', () => {
        clearTimeout(timer)
        onEnd(code, signal)
      })
    })
    // A failed spawn (or a failed send) emits 'error' and perhaps no 'exit'; unhandled it would end the kernel.
    current.on('error', (error) => {
      tail.write(`${error.message}\n`)
      if (current.pid === undefined || current.exitCode !== null) onEnd(current.exitCode, current.signalCode)
    })
  }
  launch()

  let graceTimer: NodeJS.Timeout | undefined
  // The execution the pending grace timer watches (request ids are never reused, across restarts too): a
  // later execution interrupted within the grace of an earlier one gets its own timer.
  let graceExecution: number | undefined
  return {
    ready: () => readyPromise,
    get pid() {
      return child.pid
    },
    limits,
    async request<T>(request: Request): Promise<T> {
      if (!running && !stopping) launch()
      await readyPromise
      const id = nextId++
      const target = child
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, op: request.op })
        const failed = (error: Error | null): void => {
          if (!error || !pending.has(id)) return
          pending.delete(id)
          reject(new EngineLost(`the engine could not be reached (${error.message})`))
        }
        try {
          target.send(toChannel({ ...request, id } as EngineRequest), failed)
        } catch (error) {
          failed(error instanceof Error ? error : new Error(String(error)))
        }
      })
    },
    interrupt() {
      if (child.exitCode !== null || child.pid === undefined) return
      child.kill('SIGINT')
      const executing = [...pending.entries()].find(([, waiter]) => waiter.op === 'execute')?.[0]
      // No cell runs: the interrupt is for work a view asked for (it checks the same flag between batches).
      sendInterrupt(child, executing ?? OUTSIDE_CELLS)
      if (executing === undefined) return
      if (graceTimer && graceExecution === executing) return
      if (graceTimer) clearTimeout(graceTimer)
      graceExecution = executing
      const stuck = child
      // A SIGINT can land where neither breakOnSigint nor the engine's handler sees it (between two
      // vm runs of one cell, say): repeat it until the execution ends or the grace runs out.
      const repeat = setInterval(() => {
        if (stuck === child && pending.has(executing)) stuck.kill('SIGINT')
        else clearInterval(repeat)
      }, 250)
      repeat.unref()
      const grace = options.interruptGrace ?? 2
      graceTimer = setTimeout(() => {
        graceTimer = undefined
        clearInterval(repeat)
        // The same execution is still running. Glasswing's computations see the interrupt between batches
        // (interrupt-flag.ts), so this is one native operation that cannot stop halfway, or a loop after
        // an await that never checks (breakOnSigint does not cover it): restarting is the only way out.
        if (stuck === child && pending.has(executing)) {
          interruptKill = grace
          stuck.kill('SIGKILL')
        }
      }, grace * 1000)
      graceTimer.unref()
    },
    async stop() {
      stopping = true
      if (graceTimer) clearTimeout(graceTimer)
      if (child.exitCode !== null || child.signalCode !== null || !running) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      if (child.connected) child.disconnect()
      const force = setTimeout(() => child.kill('SIGKILL'), 1000)
      await exited
      clearTimeout(force)
    },
  }
}
