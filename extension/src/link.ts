/**
 * The live link between a view and its notebook's kernel, over a Jupyter comm.
 *
 * A view finds its kernel through its Lumino parents (the notebook panel's session context), so it
 * works in JupyterLab and Notebook 7 without extra plugins; where there is no kernel (a reopened
 * notebook, an exported page) `findKernel` returns null and the view works on its payload alone.
 */
import type { Widget } from '@lumino/widgets'
import { COMM_TARGET, type KernelMessage, type ViewMessage } from '../../src/display/schema'

/** The part of JupyterLab's kernel connection the link uses. */
export interface KernelLike {
  createComm(targetName: string): CommLike
}

/** The part of JupyterLab's comm the link uses. */
export interface CommLike {
  open(data: object): unknown
  send(data: object): unknown
  close(): unknown
  onMsg: (message: { content: { data: unknown } }) => void
  onClose: (message: { content?: { data?: unknown } } | undefined) => void
  readonly isDisposed: boolean
}

/** A view's connection to the kernel: send messages, receive replies, close on dispose. */
export interface KernelLink {
  send(message: ViewMessage): void
  /** Sends a request and resolves with the kernel's reply carrying the same `requestId`. */
  request(message: Extract<ViewMessage, { requestId: string }>, timeoutMs?: number): Promise<KernelMessage>
  /**
   * Opens the link now rather than at the first message: a view that may ask the kernel later then
   * hears at once when the kernel's engine stops.
   */
  connect(): void
  /**
   * Calls `listener` with a sentence for the user when the kernel's engine stops (a crash, its memory
   * ceiling) while the link is open, so a view can say so at once. Returns a function that removes it.
   */
  onLost(listener: (message: string) => void): () => void
  dispose(): void
}

/**
 * What the user is told when the kernel closes a view's link; the Glasswing kernel sends
 * `{ reason: 'engine-restarted', message }` when its engine stops.
 *
 * @example
 * lostMessage({ reason: 'engine-restarted', message: "The kernel's engine stopped: it was killed by SIGKILL." })
 */
export function lostMessage(data: unknown): string {
  const sent = data as { reason?: unknown; message?: unknown } | null | undefined
  if (engineStopped(data) && sent) {
    const why =
      typeof sent.message === 'string' ? sent.message.replace(/[.\s]+$/, '') : "The kernel's engine stopped"
    return `${why}. Its variables are gone: run %replay, then this output's cell again, to ask the kernel for more.`
  }
  return "The kernel closed this view's link; run this output's cell again to ask the kernel for more."
}

function engineStopped(data: unknown): boolean {
  return (data as { reason?: unknown } | null | undefined)?.reason === 'engine-restarted'
}

/** The kernel of the notebook a widget sits in, found through its parents, or null. */
export function findKernel(widget: Widget): KernelLike | null {
  for (let node: Widget | null = widget; node; node = node.parent) {
    const context = (node as unknown as { sessionContext?: { session?: { kernel?: unknown } | null } })
      .sessionContext
    const kernel = context?.session?.kernel
    if (kernel && typeof (kernel as KernelLike).createComm === 'function') return kernel as KernelLike
  }
  return null
}

/**
 * Opens a link lazily: the comm opens on the first message, so views that never talk to the kernel
 * never open one.
 *
 * @example
 * const link = createLink(() => findKernel(widget))
 * link.send({ type: 'selection', displayId, indices: [1, 2] })
 */
export function createLink(kernel: () => KernelLike | null): KernelLink {
  let comm: CommLike | null = null
  const pending = new Map<string, (reply: KernelMessage) => void>()
  let owner: KernelLike | null = null
  const listeners = new Set<(message: string) => void>()
  let connectTimer: ReturnType<typeof setTimeout> | undefined
  let disposed = false
  const ensure = (): CommLike | null => {
    const target = kernel()
    // A shut-down kernel leaves the notebook with none; a changed kernel needs a comm of its own.
    if (!target) return null
    if (comm && !comm.isDisposed && owner === target) return comm
    owner = target
    comm = target.createComm(COMM_TARGET)
    comm.onMsg = (message) => {
      const data = message.content.data as KernelMessage
      if (data && typeof data === 'object' && 'requestId' in data) pending.get(data.requestId)?.(data)
    }
    const opened = comm
    comm.onClose = (closing) => {
      if (comm !== opened) return
      comm = null
      // Nothing will answer on a closed comm: waiting requests get the reason now, not at their timeout.
      const data = closing?.content?.data
      const text = lostMessage(data)
      for (const [requestId, resolve] of pending) resolve({ type: 'error', requestId, message: text })
      pending.clear()
      if (engineStopped(data)) for (const listener of listeners) listener(text)
    }
    comm.open({})
    return comm
  }
  return {
    send(message) {
      try {
        ensure()?.send(message)
      } catch {
        // A kernel going away while a selection is sent: the selection is lost, as with no kernel.
      }
    },
    request(message, timeoutMs = 120_000) {
      const fail = (text: string): Promise<KernelMessage> =>
        Promise.resolve({ type: 'error', requestId: message.requestId, message: text })
      let open: CommLike | null
      try {
        open = ensure()
      } catch (error) {
        return fail(`The kernel could not be reached (${String(error)}).`)
      }
      if (!open) return fail('No kernel is connected.')
      const channel = open
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(message.requestId)
          resolve({
            type: 'error',
            requestId: message.requestId,
            message: 'The kernel did not answer in time.',
          })
        }, timeoutMs)
        const settle = (reply: KernelMessage): void => {
          clearTimeout(timer)
          pending.delete(message.requestId)
          resolve(reply)
        }
        pending.set(message.requestId, settle)
        try {
          channel.send(message)
        } catch (error) {
          settle({
            type: 'error',
            requestId: message.requestId,
            message: `The kernel could not be reached (${String(error)}).`,
          })
        }
      })
    },
    connect() {
      let tries = 0
      const attempt = (): void => {
        connectTimer = undefined
        let open: CommLike | null = null
        try {
          open = ensure()
        } catch {
          return // no kernel to reach: the first request says so
        }
        // A view is drawn before it is placed in its notebook, where the kernel is found: try again shortly.
        if (!open && !disposed && ++tries < 40) connectTimer = setTimeout(attempt, 250)
      }
      attempt()
    },
    onLost(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    dispose() {
      disposed = true
      clearTimeout(connectTimer)
      listeners.clear()
      for (const [requestId, resolve] of pending)
        resolve({ type: 'error', requestId, message: 'The view was closed.' })
      pending.clear()
      if (comm && !comm.isDisposed) comm.close()
      comm = null
    },
  }
}
