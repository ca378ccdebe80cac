/**
 * `gw.display`: show any value now, and update it in place later.
 */
import { inspect } from 'node:util'
import { isDisplayable, JUPYTER_DISPLAY, withStaticFallbacks, type MimeBundle } from '../display/bundle'
import { mimeBundle } from '../display/content'
import { MAX_PAYLOAD_DEPTH, shortPath, tooDeep } from '../display/limits'
import { GlasswingError } from '../errors'
import { sessionState } from './hooks'

/** Options of {@link display}. */
export interface DisplayOptions {
  /** An id to update this output later; one is made when `update` is used without it. */
  displayId?: string
  /** Extra metadata sent with the bundle (per MIME type, as Jupyter defines it). */
  metadata?: Record<string, unknown>
  /** The value is a MIME bundle itself (`{ 'text/html': '<b>x</b>' }`): show it as it is (see `gw.mimeBundle`). */
  mimeBundle?: boolean
}

/** What {@link display} returns: the output's id and a way to replace its content. */
export interface DisplayHandle {
  readonly displayId: string
  /** Replaces the content of this output with another value's bundle. */
  update(value: unknown): void
}

/**
 * The MIME bundle of any value: its own (`Symbol.for('Jupyter.display')` or `_repr_mimebundle_`),
 * else `text/plain` from Node's `util.inspect`.
 *
 * @example
 * await bundleOf(42)   // { 'text/plain': '42' }
 */
export async function bundleOf(value: unknown): Promise<MimeBundle> {
  return await bundleOrPromise(value)
}

/** The bundle at once when the value makes it synchronously (most do), else a promise of it. */
function bundleOrPromise(value: unknown): MimeBundle | Promise<MimeBundle> {
  const made = madeBundle(value)
  return isPromise(made) ? made.then(checkedBundle) : checkedBundle(made)
}

function madeBundle(value: unknown): MimeBundle | Promise<MimeBundle> {
  if (isDisplayable(value)) {
    const made = value[JUPYTER_DISPLAY]()
    return isPromise(made) ? made.then(withStaticFallbacks) : withStaticFallbacks(made)
  }
  const repr = (value as { _repr_mimebundle_?: unknown } | null)?._repr_mimebundle_
  if (typeof repr === 'function') {
    const text = plainText(value)
    const made = repr.call(value) as Record<string, unknown> | Promise<Record<string, unknown>>
    const complete = (bundle: Record<string, unknown>) => ({ 'text/plain': text, ...bundle }) as MimeBundle
    return isPromise(made) ? made.then(complete) : complete(made)
  }
  return { 'text/plain': plainText(value) }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** The text a value shows as when it offers no bundle. */
export function plainText(value: unknown): string {
  return typeof value === 'string' ? inspect(value) : inspect(value, { depth: 4, colors: false })
}

let counter = 0
function newDisplayId(): string {
  counter += 1
  return `glasswing-${process.pid}-${Date.now().toString(36)}-${counter}`
}

/**
 * Shows a value in the notebook (or prints its text in plain Node) and returns a handle to update it.
 * Results that display themselves (attributions, embeddings, ...) show their interactive view.
 *
 * @example
 * const out = gw.display('starting...')
 * out.update(await gw.explain(model, x))
 * gw.display({ 'text/html': '<b>done</b>' }, { mimeBundle: true })
 */
export function display(value: unknown, options: DisplayOptions = {}): DisplayHandle {
  const displayId = options.displayId ?? newDisplayId()
  const metadata = options.metadata ?? {}
  const deepMetadata = tooDeep(metadata, MAX_PAYLOAD_DEPTH)
  if (deepMetadata)
    throw new GlasswingError({
      where: 'gw.display',
      argument: 'options.metadata',
      expected: `metadata nested at most ${MAX_PAYLOAD_DEPTH} levels deep`,
      received: `metadata nested deeper than that at ${shortPath(deepMetadata.path, 120)}`,
      hint: "Flatten the metadata; Jupyter's server cannot save a notebook with output nested about 1,000 levels deep",
    })
  // Outputs of one handle keep their order even when a bundle is made asynchronously; a bundle made
  // at once is shown at once, so it stays in order with the cell's printed output too.
  let earlier: Promise<void> | undefined
  const show = (shown: unknown, update: boolean): void => {
    const state = sessionState()
    const emit = (bundle: MimeBundle): void => {
      state.hooks.display({ bundle, metadata, displayId, update })
    }
    const bundle = bundleOrPromise(shown)
    if (!earlier && !isPromise(bundle)) return emit(bundle)
    const pending = (earlier ?? Promise.resolve()).then(() => bundle).then(emit)
    const settled = pending.then(
      () => undefined,
      () => undefined,
    )
    earlier = settled
    void settled.then(() => {
      if (earlier === settled) earlier = undefined
    })
    state.pendingDisplays.add(pending)
    void settled.then(() => state.pendingDisplays.delete(pending))
  }
  const asShown = (shown: unknown): unknown =>
    options.mimeBundle ? mimeBundle(shown as Record<string, unknown>) : shown
  show(asShown(value), false)
  // Marked quiet: a cell that ends with `gw.display(x)` shows x once, not also the handle.
  return {
    displayId,
    update: (next) => show(asShown(next), true),
    [Symbol.for('glasswing.quiet')]: true,
  } as DisplayHandle
}

/**
 * Clears the current cell's output; with `wait`, only when the next output arrives (no flicker).
 * Does nothing in plain Node.
 *
 * @example
 * for (const step of steps) { gw.clearOutput(true); gw.display(step) }
 */
export function clearOutput(wait = false): void {
  sessionState().hooks.clearOutput?.(wait)
}

/**
 * Waits for displays whose bundles are still being made (a bundle may be a promise); the kernel calls
 * this before it answers a cell. Rejects with the first failure.
 *
 * @example
 * gw.display(result); await settleDisplays()
 */
export async function settleDisplays(): Promise<void> {
  const state = sessionState()
  while (state.pendingDisplays.size > 0) await Promise.all([...state.pendingDisplays])
}

/**
 * The bundle, once it is known to be one (an object with 'text/plain') and to nest no deeper than
 * MAX_PAYLOAD_DEPTH. The depth is checked first, by a loop: a deeper bundle would overflow the call
 * stack of whatever walks it recursively next (the engine's JSON channel), or reach the notebook and
 * leave it unsaveable (Jupyter's server parses notebooks recursively and fails near 1,000 levels).
 */
function checkedBundle(bundle: MimeBundle): MimeBundle {
  const deep = tooDeep(bundle, MAX_PAYLOAD_DEPTH)
  if (deep)
    throw new GlasswingError({
      where: 'gw.display',
      argument: 'value',
      expected: `a MIME bundle nested at most ${MAX_PAYLOAD_DEPTH} levels deep`,
      received: `one nested deeper than that at ${shortPath(deep.path, 120)}`,
      hint:
        'Flatten the data (a list of names rather than nested lists), or display a summary of it; ' +
        "deeper output could not be saved: Jupyter's server cannot read JSON nested about 1,000 levels deep",
    })
  validateBundle(bundle)
  return bundle
}

function validateBundle(bundle: unknown): asserts bundle is MimeBundle {
  if (
    typeof bundle !== 'object' ||
    bundle === null ||
    typeof (bundle as MimeBundle)['text/plain'] !== 'string'
  ) {
    throw new GlasswingError({
      where: 'gw.display',
      argument: 'value',
      expected: "a MIME bundle with a 'text/plain' string",
      received: inspect(bundle, { depth: 1 }),
      hint: 'Make [Symbol.for("Jupyter.display")]() return an object such as { "text/plain": "..." }.',
    })
  }
}
