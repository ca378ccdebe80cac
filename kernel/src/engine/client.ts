/**
 * The kernel process's side of the engine: starts it, sends it requests, relays its output, interrupts
 * it, and restarts it when it dies or does not stop in time.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { INTERRUPT_STDIO, sendInterrupt } from './interrupt-flag'
import { fromChannel, toChannel, type EngineEvent, type EngineMessage, type EngineRequest } from './messages'

type Request = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

/** Options of {@link startEngine}. */
export interface EngineOptions {
  /** Receives output as it happens, with the id of the request that was running when it was made. */
  onEvent(origin: number, event: EngineEvent): void
  /** Tells the user that the engine restarted (its variables are gone). */
  onRestart(reason: string): void
  /** Seconds to wait after an interrupt before the engine is restarted instead (2 by default). */
  interruptGrace?: number
  cwd?: string
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
}

/** An error that stands for an execution the engine could not finish (it died or was restarted). */
export class EngineLost extends Error {
  override readonly name = 'EngineRestarted'
}

/**
 * Starts the engine process.
 *
 * @example
 * const engine = startEngine({ onEvent: relay, onRestart: warn })
 * await engine.request({ op: 'execute', code: '1 + 1', silent: false })
 */
export function startEngine(options: EngineOptions): Engine {
  let nextId = 1
  let stopping = false
  let child!: ChildProcess
  let readyPromise!: Promise<{ startupMs: number }>
  let restarts: number[] = []
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; op: string }>()

  const launch = (): void => {
    child = spawn(process.execPath, [path.join(__dirname, 'child.js')], {
      cwd: options.cwd ?? process.cwd(),
      // Output the engine writes from JavaScript travels as events; the native library's logs go to the
      // kernel's log. Its own process group: a SIGINT sent to the kernel's group reaches it only once,
      // through the kernel.
      // The fifth, a pipe, carries interrupts that synchronous code can see (interrupt-flag.ts).
      stdio: ['ignore', 'inherit', 'inherit', 'ipc', INTERRUPT_STDIO],
      serialization: 'json', // see messages.ts
      detached: true,
      env: { ...process.env, GLASSWING_ENGINE: '1' },
    })
    const current = child
    let wasReady = false
    readyPromise = new Promise((resolve, reject) => {
      const onMessage = (received: EngineMessage): void => {
        const message = fromChannel(received)
        if (message.type === 'ready') {
          wasReady = true
          resolve({ startupMs: message.startupMs })
        } else if (message.type === 'event') options.onEvent(message.origin, message.event)
        else if (message.type === 'reply') {
          const waiter = pending.get(message.id)
          pending.delete(message.id)
          waiter?.resolve(message.result)
        }
      }
      current.on('message', onMessage)
      current.on('exit', (code, signal) => {
        reject(new EngineLost(`the engine exited (${signal ?? code}) before it was ready`))
        if (current !== child) return
        const reason = `the engine process exited (${signal ?? `code ${code}`})`
        for (const waiter of pending.values()) waiter.reject(new EngineLost(reason))
        pending.clear()
        // An engine that never became ready, or that keeps dying, would fail again: no restart loop;
        // requests then get the error.
        const now = Date.now()
        restarts = restarts.filter((at) => now - at < 60_000)
        if (!stopping && wasReady && restarts.length < 5) {
          restarts.push(now)
          options.onRestart(reason)
          launch()
        }
      })
    })
    readyPromise.catch(() => undefined)
  }
  launch()

  let graceTimer: NodeJS.Timeout | undefined
  return {
    ready: () => readyPromise,
    get pid() {
      return child.pid
    },
    async request<T>(request: Request): Promise<T> {
      await readyPromise
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, op: request.op })
        child.send(toChannel({ ...request, id } as EngineRequest))
      })
    },
    interrupt() {
      if (child.exitCode !== null || child.pid === undefined) return
      child.kill('SIGINT')
      const running = [...pending.entries()].find(([, waiter]) => waiter.op === 'execute')?.[0]
      if (running !== undefined) sendInterrupt(child, running)
      if (running === undefined || graceTimer) return
      const stuck = child
      // A SIGINT can land where neither breakOnSigint nor the engine's handler sees it (between two
      // vm runs of one cell, say): repeat it until the execution ends or the grace runs out.
      const repeat = setInterval(() => {
        if (stuck === child && pending.has(running)) stuck.kill('SIGINT')
        else clearInterval(repeat)
      }, 250)
      repeat.unref()
      graceTimer = setTimeout(
        () => {
          graceTimer = undefined
          clearInterval(repeat)
          // The same execution is still running: it ignores interrupts (a synchronous loop after an
          // await, which breakOnSigint does not cover). Restarting is the only way to free the user.
          if (stuck === child && pending.has(running)) stuck.kill('SIGKILL')
        },
        (options.interruptGrace ?? 2) * 1000,
      )
      graceTimer.unref()
    },
    async stop() {
      stopping = true
      if (graceTimer) clearTimeout(graceTimer)
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.disconnect()
      const force = setTimeout(() => child.kill('SIGKILL'), 1000)
      await exited
      clearTimeout(force)
    },
  }
}
