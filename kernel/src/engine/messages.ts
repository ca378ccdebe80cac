/**
 * Messages between the kernel process (Jupyter protocol) and its engine process (runs cells).
 *
 * They travel over Node's IPC channel as JSON, with comm buffers as base64 (see {@link toChannel}):
 * Node 20's `serialization: 'advanced'`, which would pass them as they are, leaks native memory with
 * every message (measured: about 1 KiB a message, RSS still rising after 30,000; JSON: flat).
 */

/** A MIME bundle with its metadata, as the engine reports a value to display. */
export interface ShownBundle {
  data: Record<string, unknown>
  metadata: Record<string, unknown>
}

/** An error as Jupyter shows it. */
export interface CellError {
  ename: string
  evalue: string
  traceback: string[]
}

export type EngineRequest =
  | { id: number; op: 'execute'; code: string; silent: boolean }
  | { id: number; op: 'complete'; code: string; cursor: number }
  | { id: number; op: 'inspect'; code: string; cursor: number; detailLevel: number }
  | { id: number; op: 'isComplete'; code: string }
  | { id: number; op: 'commOpen'; commId: string; targetName: string; data: unknown; buffers: Uint8Array[] }
  | { id: number; op: 'commMsg'; commId: string; data: unknown; buffers: Uint8Array[] }
  | { id: number; op: 'commClose'; commId: string; data: unknown }
  | { id: number; op: 'commInfo'; targetName?: string }

/** A cell's outcome; `names`: the top-level names it defined or assigned (for replay after a restart). */
export type ExecuteResult =
  | { status: 'ok'; result?: ShownBundle; names?: string[] }
  | ({ status: 'error' } & CellError)

export interface CompleteResult {
  matches: string[]
  cursorStart: number
  cursorEnd: number
}

export interface InspectResult {
  found: boolean
  text: string
}

export interface IsCompleteResult {
  status: 'complete' | 'incomplete' | 'invalid'
  indent?: string
}

/** Output that a running cell (or a comm handler) produces, sent as it happens. */
export type EngineEvent =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; bundle: ShownBundle; displayId?: string; update: boolean }
  | { kind: 'clearOutput'; wait: boolean }
  | { kind: 'commOpen'; commId: string; targetName: string; data: unknown; buffers: Uint8Array[] }
  | { kind: 'commMsg'; commId: string; data: unknown; buffers: Uint8Array[] }
  | { kind: 'commClose'; commId: string; data: unknown }

export type EngineMessage =
  | { type: 'ready'; startupMs: number }
  | { type: 'reply'; id: number; result: unknown }
  /** The request threw in the engine; the engine goes on serving the next one. */
  | { type: 'failed'; id: number; error: string }
  | { type: 'event'; origin: number; event: EngineEvent }

/** A binary buffer as it crosses the channel. */
interface PackedBuffer {
  base64: string
}

type WithBuffers = { buffers?: unknown[]; event?: { buffers?: unknown[] } }

/**
 * A request or message ready for the JSON channel: its `buffers` (top level, or its event's) as
 * base64. Everything else in these messages is plain JSON already.
 *
 * @example
 * child.send(toChannel({ id: 3, op: 'commMsg', commId, data, buffers: [new Uint8Array([1, 2])] }))
 */
export function toChannel<T extends object>(message: T): T {
  return mapBuffers(message, (buffer) => ({ base64: Buffer.from(bytesOf(buffer)).toString('base64') }))
}

/** The inverse of {@link toChannel}: buffers back as `Uint8Array`s. */
export function fromChannel<T extends object>(message: T): T {
  return mapBuffers(
    message,
    (packed) => new Uint8Array(Buffer.from((packed as PackedBuffer).base64, 'base64')),
  )
}

function mapBuffers<T extends object>(message: T, map: (buffer: unknown) => unknown): T {
  const holder = message as WithBuffers
  if (Array.isArray(holder.buffers)) return { ...message, buffers: holder.buffers.map(map) }
  const event = holder.event
  if (event && Array.isArray(event.buffers))
    return { ...message, event: { ...event, buffers: event.buffers.map(map) } }
  return message
}

/** The bytes of a buffer given as any typed array, DataView or ArrayBuffer, without copying. */
function bytesOf(buffer: unknown): Uint8Array {
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer)
  throw new TypeError(`a comm buffer must be an ArrayBuffer or a typed array; got ${typeof buffer}`)
}
