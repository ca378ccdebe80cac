/**
 * Comms: two-way channels between the kernel and the front end (the extension's live views use them).
 * The library registers targets; the kernel routes `comm_open`/`comm_msg`/`comm_close` to them.
 */
import { randomUUID } from 'node:crypto'
import { GlasswingError } from '../errors'
import { sessionState, type CommEndpoint, type CommHandle, type CommTargetHandler } from './hooks'

/**
 * Registers a comm target that the front end can open comms to; returns a function that unregisters it.
 *
 * @example
 * gw.registerCommTarget('glasswing.echo', (comm) => comm.onMessage((data, buffers) => comm.send(data, buffers)))
 */
export function registerCommTarget(targetName: string, handler: CommTargetHandler): () => void {
  const targets = sessionState().commTargets
  targets.set(targetName, handler)
  return () => {
    if (targets.get(targetName) === handler) targets.delete(targetName)
  }
}

/**
 * Opens a comm from the kernel to a target that the front end registered.
 *
 * @example
 * const comm = gw.openComm('glasswing.view', { kind: 'embedding' })
 * comm.onMessage((data) => console.log(data))
 */
export function openComm(targetName: string, data: unknown = {}, buffers: Uint8Array[] = []): CommHandle {
  const transport = sessionState().hooks.comms
  if (!transport) {
    throw new GlasswingError({
      where: 'gw.openComm',
      expected: 'a front end connected through the Glasswing kernel',
      received: 'plain Node, which has none',
      hint: 'Run this in a notebook on the Glasswing kernel.',
    })
  }
  const endpoint = createCommEndpoint(randomUUID(), targetName)
  transport.open(endpoint.handle.id, targetName, data, buffers)
  return endpoint.handle
}

/** Creates and records a comm; the kernel calls this when the front end opens one. */
export function createCommEndpoint(commId: string, targetName: string): CommEndpoint {
  const state = sessionState()
  const endpoint: CommEndpoint = {
    handle: undefined as unknown as CommHandle,
    messageHandlers: [],
    closeHandlers: [],
  }
  endpoint.handle = {
    id: commId,
    targetName,
    send(data, buffers = []) {
      state.hooks.comms?.send(commId, data, buffers)
    },
    close(data = {}) {
      if (!state.comms.delete(commId)) return
      state.hooks.comms?.close(commId, data, [])
    },
    onMessage(handler) {
      endpoint.messageHandlers.push(handler)
    },
    onClose(handler) {
      endpoint.closeHandlers.push(handler)
    },
  }
  state.comms.set(commId, endpoint)
  return endpoint
}

/**
 * Routes a message that the front end sent on a comm; the kernel calls these three. Returns false when
 * no such comm or target exists (the kernel then closes the comm, as the messaging spec says).
 */
export function receiveCommOpen(
  commId: string,
  targetName: string,
  data: unknown,
  buffers: Uint8Array[],
): boolean {
  const handler = sessionState().commTargets.get(targetName)
  if (!handler) return false
  const endpoint = createCommEndpoint(commId, targetName)
  handler(endpoint.handle, data, buffers)
  return true
}

/** See {@link receiveCommOpen}. */
export function receiveCommMessage(commId: string, data: unknown, buffers: Uint8Array[]): boolean {
  const endpoint = sessionState().comms.get(commId)
  if (!endpoint) return false
  for (const handler of endpoint.messageHandlers) handler(data, buffers)
  return true
}

/** See {@link receiveCommOpen}. */
export function receiveCommClose(commId: string, data: unknown): boolean {
  const state = sessionState()
  const endpoint = state.comms.get(commId)
  if (!endpoint) return false
  state.comms.delete(commId)
  for (const handler of endpoint.closeHandlers) handler(data)
  return true
}

/** The open comms, by id, with their target names (for `comm_info_request`). */
export function listComms(targetName?: string): Record<string, { target_name: string }> {
  const comms: Record<string, { target_name: string }> = {}
  for (const [id, endpoint] of sessionState().comms) {
    if (targetName === undefined || endpoint.handle.targetName === targetName) {
      comms[id] = { target_name: endpoint.handle.targetName }
    }
  }
  return comms
}
