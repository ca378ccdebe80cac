/**
 * The one cancellation check every long computation goes through. A user's interrupt must stop a
 * running `gw.*` call within a second and keep the session, so the shared helpers that loop over
 * batches (the model's forward pass, the path integral, perturbation batches, noise samples, optimizer
 * steps) call {@link throwIfInterrupted} between batches.
 *
 * Why a check works while synchronous code runs: most method bodies are synchronous (inside
 * `tf.tidy`), so an `AbortSignal` aborted by a SIGINT handler would only be seen once they return.
 * The Glasswing kernel therefore also sets a flag from another thread (see the engine's
 * interrupt-flag.ts), which `hooks.interruptRequested()` reads without waiting for the event loop. The
 * thrown error unwinds the `tf.tidy` scopes in the ordinary way, so the tensors of the stopped
 * computation are released and the variables of the session stay.
 */
import { GlasswingError } from '../errors'
import { sessionState, type SessionHooks } from './hooks'

/**
 * Whether the user has interrupted the running cell: the host's synchronous flag, or its abort signal.
 *
 * @example
 * for (const batch of batches) { if (interruptRequested()) break; run(batch) }
 */
export function interruptRequested(hooks: SessionHooks = sessionState().hooks): boolean {
  return (hooks.interruptRequested?.() ?? false) || (hooks.interruptSignal?.aborted ?? false)
}

/** Where in a computation the interrupt came, for the message: `{ done: 3, total: 40, unit: 'batches' }`. */
export interface InterruptPoint {
  done: number
  total?: number
  unit?: string
}

/**
 * Throws 'the cell was interrupted' (a {@link GlasswingError} naming `where`) when the user has
 * interrupted the running cell; otherwise returns at once (one atomic read). Call it between batches.
 *
 * @example
 * for (let first = 0; first < rows; first += batchSize) {
 *   throwIfInterrupted('gw.explain (occlusion)', { done: first, total: rows, unit: 'rows' })
 *   ...
 * }
 */
export function throwIfInterrupted(where: string, point?: InterruptPoint): void {
  if (interruptRequested()) throw interruptedError(where, point)
}

/**
 * The error of a stopped computation; see {@link throwIfInterrupted}.
 *
 * @example
 * throw interruptedError('gw.embed', { done: 120, total: 1000, unit: 'iterations' })
 */
export function interruptedError(where: string, point?: InterruptPoint): GlasswingError {
  const after = point
    ? ` after ${point.done}${point.total !== undefined ? ` of ${point.total}` : ''} ${point.unit ?? 'steps'}`
    : ''
  const error = new GlasswingError({
    where,
    expected: 'to run to the end',
    received: `an interrupt${after}: the cell was interrupted`,
    hint:
      'Its tensors were released and earlier variables are kept. Run the cell again to restart it ' +
      '(fewer steps or samples finish sooner).',
  })
  Object.defineProperty(error, INTERRUPT, { value: point ?? null })
  return error
}

const INTERRUPT = Symbol.for('glasswing.interrupt')

/** Whether `error` is the error of a computation stopped by an interrupt. */
export function isInterrupt(error: unknown): error is GlasswingError {
  return error instanceof GlasswingError && Object.prototype.hasOwnProperty.call(error, INTERRUPT)
}

/**
 * The same interrupt told from the public call the user made: a check deep inside (the model's
 * forward pass) does not know it was `gw.explain (occlusion)`. Other errors pass unchanged.
 *
 * @example
 * catch (error) { throw relabelInterrupt(error, 'gw.explain (occlusion)') }
 */
export function relabelInterrupt(error: unknown, where: string): unknown {
  if (!isInterrupt(error) || error.details.where === where) return error
  const point = (error as unknown as Record<symbol, InterruptPoint | null>)[INTERRUPT]
  return interruptedError(where, point ?? undefined)
}
