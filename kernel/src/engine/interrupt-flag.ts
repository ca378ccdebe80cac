/**
 * An interrupt the engine sees while JavaScript is busy. SIGINT reaches the engine's handler only when
 * its event loop turns, and a Glasswing method body runs its batches synchronously inside `tf.tidy`:
 * the handler would run after the whole computation. So the kernel process also writes the id of the
 * interrupted execution to a pipe (the engine's file descriptor 4), a worker thread in the engine reads
 * it and stores it in shared memory, and the library's check between batches (src/session/interrupt.ts)
 * reads that with one atomic load. SIGINT stays for what it does well: vm's `breakOnSigint` for the
 * synchronous part of a cell and the abort of awaited code.
 */
import type { ChildProcess } from 'node:child_process'
import { fstatSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/** The engine's file descriptor of the interrupt pipe: after stdin, stdout, stderr and the IPC channel. */
export const INTERRUPT_FD = 4

/** The stdio entry of the interrupt pipe, for `spawn`'s `stdio` array at index {@link INTERRUPT_FD}. */
export const INTERRUPT_STDIO = 'pipe'

/**
 * The id sent when no execution runs: work a view asked for over a comm (a saliency view's score, say)
 * runs outside any cell, and an interrupt then means that work.
 */
export const OUTSIDE_CELLS = -1

/**
 * Tells the engine that execution `requestId` is interrupted (kernel side). Does nothing when the engine
 * has no interrupt pipe or it is closed.
 *
 * @example
 * child.kill('SIGINT'); sendInterrupt(child, running)
 */
export function sendInterrupt(child: ChildProcess, requestId: number): void {
  const pipe = child.stdio[INTERRUPT_FD] as NodeJS.WritableStream | null | undefined
  if (!pipe || !('writable' in pipe) || !pipe.writable) return
  // An engine that just died closes the pipe: the write fails, and its exit is handled elsewhere.
  if (pipe.listenerCount('error') === 0) pipe.on('error', () => undefined)
  pipe.write(`${requestId}\n`)
}

/** The engine's view of the flag. */
export interface InterruptFlag {
  /** Whether execution `requestId` has been interrupted; one atomic load, safe in synchronous code. */
  requested(requestId: number): boolean
  /** Forgets an interrupt of work outside cells ({@link OUTSIDE_CELLS}), once a new request starts. */
  clearOutsideCells(): void
  /** Whether the pipe is there (false: only SIGINT, seen when the event loop turns). */
  readonly connected: boolean
}

// The worker: reads request ids, one a line, and stores the last one where the main thread reads it.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const net = require('node:net')
const socket = new net.Socket({ fd: workerData.fd, readable: true, writable: false })
let pending = ''
socket.on('data', (chunk) => {
  const lines = (pending + chunk).split('\\n')
  pending = lines.pop()
  for (const line of lines) if (/^-?\\d+$/.test(line)) Atomics.store(workerData.flag, 0, Number(line))
})
socket.on('error', () => undefined)
`

/**
 * Starts watching the interrupt pipe (engine side): a worker thread that does not keep the engine alive.
 *
 * @example
 * const flag = watchInterrupts()
 * hooks.interruptRequested = () => flag.requested(runningRequestId)
 */
export function watchInterrupts(fd: number = INTERRUPT_FD): InterruptFlag {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  let connected = false
  try {
    connected = fstatSync(fd).isSocket() || fstatSync(fd).isFIFO()
  } catch {
    connected = false // started without the pipe (an older kernel, a test): SIGINT alone
  }
  if (connected) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, flag } })
    worker.on('error', () => undefined)
    worker.unref()
  }
  return {
    requested: (requestId) => Atomics.load(flag, 0) === requestId,
    clearOutsideCells: () => void Atomics.compareExchange(flag, 0, OUTSIDE_CELLS, 0),
    connected,
  }
}
