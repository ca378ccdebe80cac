/**
 * tslab's own display API (`import * as tslab from 'tslab'; tslab.display.html(...)`) in the Glasswing
 * engine.
 *
 * tslab's `display` writes through a process-wide function, `lastWriteDisplayData` of its `jupyter`
 * module, that tslab's own kernel sets at every execution; the Glasswing engine runs cells with tslab's
 * executor but its own protocol, so nothing set it and every call answered "Not ready". Setting it here,
 * once, sends tslab's displays (and `newDisplay()`'s updates) the same way as `gw.display`'s.
 */

/** A display as tslab writes it (its `DisplayData`). */
export interface TslabDisplayData {
  data: Record<string, unknown>
  metadata: Record<string, unknown>
  transient?: { display_id?: string }
}

/** What the bridge sends: one display, or an update of an earlier one with the same id. */
export interface TslabDisplayEvent {
  kind: 'display'
  bundle: { data: Record<string, unknown>; metadata: Record<string, unknown> }
  displayId?: string
  update: boolean
}

/**
 * Points tslab's display API at `emit`, in each copy of tslab that cells can import (the one a cell's
 * folder resolves, and the library's, which cells fall back to). Returns how many copies were connected.
 *
 * @example
 * connectTslabDisplay((event) => send(event), [process.cwd(), libraryRoot()])
 */
export function connectTslabDisplay(emit: (event: TslabDisplayEvent) => void, folders: string[]): number {
  const copies = new Set<string>()
  for (const folder of folders) {
    try {
      copies.add(require.resolve('tslab/dist/jupyter', { paths: [folder] }))
    } catch {
      // No tslab visible from this folder.
    }
  }
  for (const modulePath of copies) connect(require(modulePath) as { lastWriteDisplayData: unknown }, emit)
  return copies.size
}

function connect(jupyter: { lastWriteDisplayData: unknown }, emit: (event: TslabDisplayEvent) => void): void {
  jupyter.lastWriteDisplayData = (display: TslabDisplayData, update: boolean): void => {
    emit({
      kind: 'display',
      bundle: { data: display.data, metadata: display.metadata ?? {} },
      displayId: display.transient?.display_id,
      // tslab passes `undefined` for a display's first write and `true` for later writes of a newDisplay().
      update: update === true && display.transient?.display_id !== undefined,
    })
  }
}
