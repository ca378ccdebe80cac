/** What every view is: a function from a validated payload to DOM, and a handle to update or free it. */
import type { KernelLink } from '../link'

/** What a view may use besides its payload. */
export interface ViewContext {
  document: Document
  /** The link to the notebook's kernel, or null where there is none (exports, reopened notebooks). */
  link: KernelLink | null
}

/** A drawn view. */
export interface ViewHandle<P> {
  /** Takes a new payload in place (a live t-SNE step); returns false to be drawn afresh instead. */
  update?(payload: P): boolean | Promise<boolean>
  /** Frees what the view holds (Plotly figures, listeners, comms). */
  dispose(): void
}

/** Draws `payload` into `host`. */
export type RenderView<P> = (
  host: HTMLElement,
  payload: P,
  context: ViewContext,
) => ViewHandle<P> | Promise<ViewHandle<P>>
