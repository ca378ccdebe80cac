/**
 * Messages between the kernel process (Jupyter protocol) and its engine process (runs cells).
 * They travel over Node's IPC channel with `serialization: 'advanced'`, so binary buffers pass as is.
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

export type ExecuteResult = { status: 'ok'; result?: ShownBundle } | ({ status: 'error' } & CellError)

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
  | { type: 'event'; origin: number; event: EngineEvent }
