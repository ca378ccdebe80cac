/**
 * The engine process: runs cells for the kernel process, which owns the Jupyter protocol.
 *
 * Why a separate process: a synchronous loop in a cell blocks its thread, so the thread that runs cells
 * cannot also read the control channel. The kernel process stays responsive, and interrupts the engine
 * with SIGINT: Node's `vm` `breakOnSigint` (which tslab's executor uses) stops synchronous code, and the
 * SIGINT handler here stops awaited code (the executor's interrupt, and an AbortSignal that Glasswing's
 * long operations check at every progress step). If the engine does not answer in time, the kernel
 * process restarts it; see client.ts.
 */
import path from 'node:path'
import { createCellRunner, type CellRunner, type LibrarySession } from './cells'
import { OUTSIDE_CELLS, watchInterrupts } from './interrupt-flag'
import { connectTslabDisplay } from './tslab-display'
import { fromChannel, toChannel, type EngineEvent, type EngineMessage, type EngineRequest } from './messages'
import {
  installRuntimeResolution,
  installTypeResolution,
  libraryRoot,
  type CompilerFileSystem,
} from './resolve'

/** The library's host-side session API, as the engine uses it. */
interface HostSession extends LibrarySession {
  installSessionHooks(hooks: object): () => void
  receiveCommOpen(id: string, target: string, data: unknown, buffers: Uint8Array[]): boolean
  receiveCommMessage(id: string, data: unknown, buffers: Uint8Array[]): boolean
  receiveCommClose(id: string, data: unknown): boolean
  listComms(target?: string): Record<string, { target_name: string }>
}

const PRELUDE = "import * as gw from 'glasswing'"

function send(message: EngineMessage): void {
  process.send?.(toChannel(message))
}

function main(): void {
  const started = performance.now()
  const root = libraryRoot()
  installRuntimeResolution(root)
  // The compiler's file system: tslab's converter reads through `ts.sys`, so mapping it maps every lookup.
  const ts = require('@tslab/typescript-for-tslab') as { sys: CompilerFileSystem }
  installTypeResolution(ts.sys, process.cwd(), root)

  let origin = 0
  // Requests are served one at a time, so while a cell executes no comm message is handled; work a view
  // asked for may still be running (detached) when it starts.
  let executing = false
  let controller = new AbortController()
  let rejectInterrupt: (error: Error) => void = () => undefined
  let interruptPromise: Promise<never> = new Promise<never>(() => undefined)
  const interruptFlag = watchInterrupts()
  const emit = (event: EngineEvent): void => send({ type: 'event', origin, event })
  redirectStream(process.stdout, 'stdout', emit)
  redirectStream(process.stderr, 'stderr', emit)
  connectTslabDisplay(emit, [process.cwd(), root])

  const { session, loaded } = loadSession(emit)
  session.installSessionHooks({
    display: (r: {
      bundle: Record<string, unknown>
      metadata: Record<string, unknown>
      displayId?: string
      update: boolean
    }) =>
      emit({
        kind: 'display',
        bundle: { data: r.bundle, metadata: r.metadata },
        displayId: r.displayId,
        update: r.update,
      }),
    clearOutput: (wait: boolean) => emit({ kind: 'clearOutput', wait }),
    writeProgressText: (text: string) => emit({ kind: 'stream', name: 'stderr', text: text + '\n' }),
    richDisplay: true,
    get interruptSignal() {
      return controller.signal
    },
    // Read between batches of synchronous work, where the SIGINT handler cannot run: see interrupt-flag.ts.
    interruptRequested: () =>
      interruptFlag.requested(origin) ||
      (!executing && interruptFlag.requested(OUTSIDE_CELLS)) ||
      controller.signal.aborted,
    comms: {
      open: (commId: string, targetName: string, data: unknown, buffers: Uint8Array[]) =>
        emit({ kind: 'commOpen', commId, targetName, data, buffers }),
      send: (commId: string, data: unknown, buffers: Uint8Array[]) =>
        emit({ kind: 'commMsg', commId, data, buffers }),
      close: (commId: string, data: unknown) => emit({ kind: 'commClose', commId, data }),
    },
    now: () => performance.now() / 1000,
  })

  const runner: CellRunner = createCellRunner({
    rootDir: process.cwd(),
    session: () => session,
    interrupted: () => interruptPromise,
  })
  const resetInterrupt = (): void => {
    controller = new AbortController()
    interruptPromise = new Promise<never>((_, reject) => {
      rejectInterrupt = reject
    })
    interruptPromise.catch(() => undefined)
  }
  resetInterrupt()
  process.on('SIGINT', () => {
    controller.abort()
    rejectInterrupt(new Error('Interrupted asynchronously'))
    runner.interrupt()
  })
  // Errors thrown outside any cell (a callback of a timer, a stray rejection) are reported, not fatal.
  const report = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
    emit({ kind: 'stream', name: 'stderr', text: `Uncaught (outside the running cell): ${text}\n` })
  }
  process.on('uncaughtException', report)
  process.on('unhandledRejection', report)
  // The kernel process went away: nothing is left to serve.
  process.on('disconnect', () => process.exit(0))

  let queue: Promise<void> = Promise.resolve()
  process.on('message', (received: EngineRequest) => {
    queue = queue.then(() => serve(received))
  })

  // Any request may throw (tslab's completion or inspection on odd input, a comm handler): that request
  // is answered with the error and the queue goes on; one rejection would otherwise stall every later one.
  async function serve(received: EngineRequest): Promise<void> {
    const id = received.id
    try {
      const request = fromChannel(received)
      origin = request.id
      send({ type: 'reply', id, result: await handle(request) })
    } catch (error) {
      send({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) })
    }
  }

  async function handle(request: EngineRequest): Promise<unknown> {
    switch (request.op) {
      case 'execute': {
        resetInterrupt()
        executing = true
        try {
          return await runner.execute(request.code)
        } finally {
          executing = false
        }
      }
      case 'complete':
        return runner.complete(request.code, request.cursor)
      case 'inspect':
        return runner.inspect(request.code, request.cursor)
      case 'isComplete':
        return runner.isComplete(request.code)
      case 'commOpen':
        return guard(() => {
          if (!session.receiveCommOpen(request.commId, request.targetName, request.data, request.buffers)) {
            emit({ kind: 'commClose', commId: request.commId, data: {} })
          }
        })
      case 'commMsg':
        // A view's request starts afresh: an earlier interrupt (of a cell, or of a view's work, with its
        // SIGINT aborting the signal) would otherwise stop it at once, until the next cell ran.
        resetInterrupt()
        interruptFlag.clearOutsideCells()
        return guard(() => session.receiveCommMessage(request.commId, request.data, request.buffers))
      case 'commClose':
        return guard(() => session.receiveCommClose(request.commId, request.data))
      case 'commInfo':
        return session.listComms(request.targetName)
    }
  }

  function guard(run: () => unknown): null {
    try {
      run()
    } catch (error) {
      emit({ kind: 'stream', name: 'stderr', text: `comm handler failed: ${String(error)}\n` })
    }
    return null
  }

  // The prelude: `gw` in scope and typed in every cell. Runs before the first request is served.
  queue = runner.execute(PRELUDE).then((result) => {
    if (result.status === 'error' && loaded) {
      emit({ kind: 'stream', name: 'stderr', text: `Glasswing could not be loaded: ${result.evalue}\n` })
    }
    send({ type: 'ready', startupMs: performance.now() - started })
    // Choose the compute backend now rather than in the user's first tensor cell (loading the native
    // binding takes a while; tfjs would otherwise start on its slow pure-JS backend).
    const gw = loaded ? (require('glasswing') as { ready?: () => Promise<unknown> }) : {}
    queue = queue.then(() =>
      gw.ready?.().then(
        () => undefined,
        () => undefined,
      ),
    )
  })
}

/** The library's session, or a minimal stand-in (plain values only) when the library cannot load. */
function loadSession(emit: (event: EngineEvent) => void): { session: HostSession; loaded: boolean } {
  try {
    return { session: (require('glasswing') as { session: HostSession }).session, loaded: true }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    emit({
      kind: 'stream',
      name: 'stderr',
      text: `Glasswing could not be loaded (${reason}); run \`make build\`. Cells run without gw.\n`,
    })
    const { inspect } = require('node:util') as typeof import('node:util')
    const session: HostSession = {
      bundleOf: async (value) => ({ 'text/plain': inspect(value) }),
      settleDisplays: async () => undefined,
      closeAbandonedScopes: () => 0,
      installSessionHooks: () => () => undefined,
      receiveCommOpen: () => false,
      receiveCommMessage: () => false,
      receiveCommClose: () => false,
      listComms: () => ({}),
    }
    return { session, loaded: false }
  }
}

function redirectStream(
  stream: NodeJS.WriteStream,
  name: 'stdout' | 'stderr',
  emit: (event: EngineEvent) => void,
): void {
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    emit({ kind: 'stream', name, text })
    const done = typeof encoding === 'function' ? encoding : callback
    if (typeof done === 'function') process.nextTick(done as () => void)
    return true
  }) as typeof stream.write
}

if (require.main === module || process.env.GLASSWING_ENGINE === '1') {
  process.title = `glasswing-engine ${path.basename(process.cwd())}`
  main()
}
