/**
 * The meeting point between the Glasswing library and whatever runs it: the Jupyter kernel installs
 * hooks here; plain Node runs on the defaults (text to stdout, progress to stderr).
 *
 * The state lives on `globalThis` under a registered symbol, on purpose: the kernel and the library may
 * be loaded as two copies of the module (the kernel's own `require` and a cell's `import`), and both
 * must see the same hooks, comm targets and pending displays. Nothing else in the library is global.
 */
import type { MimeBundle } from '../display/bundle'

/** One display request: a MIME bundle, shown anew or replacing an earlier display with the same id. */
export interface DisplayRequest {
  bundle: MimeBundle
  metadata: Record<string, unknown>
  /** Set for displays that can be updated in place later. */
  displayId?: string
  /** True to replace the output of an earlier display with `displayId` instead of adding one. */
  update: boolean
}

/** What a comm needs from the front-end connection; the kernel provides it, plain Node has none. */
export interface CommTransport {
  open(commId: string, targetName: string, data: unknown, buffers: Uint8Array[]): void
  send(commId: string, data: unknown, buffers: Uint8Array[]): void
  close(commId: string, data: unknown, buffers: Uint8Array[]): void
}

/** The effects a session runs on. */
export interface SessionHooks {
  /** Shows a bundle. */
  display(request: DisplayRequest): void
  /** Clears the cell's output (at once, or when the next output arrives if `wait`); absent in plain Node. */
  clearOutput?(wait: boolean): void
  /** Writes progress text when no rich front end is attached (plain Node: stderr). */
  writeProgressText(text: string, final: boolean): void
  /** Whether a front end that renders HTML and updates displays in place is attached. */
  richDisplay: boolean
  /** Aborted when the user interrupts the running cell; long operations stop at their next step. */
  interruptSignal?: AbortSignal
  /**
   * True once the user has interrupted the running cell, readable while synchronous code runs (the
   * kernel sets it from another thread); see interrupt.ts.
   */
  interruptRequested?(): boolean
  /** The connection to the front end, for comms; absent outside a kernel. */
  comms?: CommTransport
  /** Seconds since some fixed point, for rates and ETAs (tests pass a fake clock). */
  now(): number
}

/** Receives a comm that the front end opened to a target the library registered. */
export type CommTargetHandler = (comm: CommHandle, openData: unknown, buffers: Uint8Array[]) => void

/** A live comm: a two-way channel between the kernel and the front end. */
export interface CommHandle {
  readonly id: string
  readonly targetName: string
  /** Sends a message (JSON data and optional binary buffers) to the front end. */
  send(data: unknown, buffers?: Uint8Array[]): void
  /** Closes the comm from this side. */
  close(data?: unknown): void
  /** Called for each message from the front end. */
  onMessage(handler: (data: unknown, buffers: Uint8Array[]) => void): void
  /** Called once when the front end closes the comm. */
  onClose(handler: (data: unknown) => void): void
}

/** The process-wide session state; see the file comment for why it is global. */
export interface SessionState {
  hooks: SessionHooks
  commTargets: Map<string, CommTargetHandler>
  comms: Map<string, CommEndpoint>
  pendingDisplays: Set<Promise<void>>
}

/** A comm as the session keeps it: the handle given to users and the handlers they attached. */
export interface CommEndpoint {
  handle: CommHandle
  messageHandlers: Array<(data: unknown, buffers: Uint8Array[]) => void>
  closeHandlers: Array<(data: unknown) => void>
}

const STATE_KEY = Symbol.for('glasswing.session')

/** Hooks for plain Node: text to stdout, progress to stderr, no comms. */
export function plainNodeHooks(): SessionHooks {
  return {
    display: ({ bundle }) => {
      process.stdout.write(bundle['text/plain'] + '\n')
    },
    writeProgressText: (text, final) => {
      if (process.stderr.isTTY) process.stderr.write('\r' + text + (final ? '\n' : ''))
      else process.stderr.write(text + '\n')
    },
    richDisplay: false,
    now: () => performance.now() / 1000,
  }
}

/** The session state of this process, created with plain-Node hooks on first use. */
export function sessionState(): SessionState {
  const holder = globalThis as unknown as Record<symbol, SessionState | undefined>
  holder[STATE_KEY] ??= {
    hooks: plainNodeHooks(),
    commTargets: new Map(),
    comms: new Map(),
    pendingDisplays: new Set(),
  }
  return holder[STATE_KEY]
}

/**
 * Installs the hooks a host provides (the Glasswing kernel does this at start-up) and returns a function
 * that restores the previous ones.
 *
 * @example
 * const restore = installSessionHooks({ ...plainNodeHooks(), display: (r) => sent.push(r) })
 * try { gw.display(result) } finally { restore() }
 */
export function installSessionHooks(hooks: SessionHooks): () => void {
  const state = sessionState()
  const previous = state.hooks
  state.hooks = hooks
  return () => {
    state.hooks = previous
  }
}
