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
  onClose: (message: unknown) => void
  readonly isDisposed: boolean
}

/** A view's connection to the kernel: send messages, receive replies, close on dispose. */
export interface KernelLink {
  send(message: ViewMessage): void
  /** Sends a request and resolves with the kernel's reply carrying the same `requestId`. */
  request(message: Extract<ViewMessage, { requestId: string }>, timeoutMs?: number): Promise<KernelMessage>
  dispose(): void
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
    comm.onClose = () => {
      comm = null
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
    dispose() {
      for (const [requestId, resolve] of pending)
        resolve({ type: 'error', requestId, message: 'The view was closed.' })
      pending.clear()
      if (comm && !comm.isDisposed) comm.close()
      comm = null
    },
  }
}
