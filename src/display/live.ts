/**
 * The kernel side of the views' live link (comm target `glasswing.v1`, messages in `schema.ts`):
 * selections made in embedding views, readable with `gw.selection()`, and saliency views asking for
 * another target through explainers that results register.
 *
 * State lives on the session (a global symbol, like `sessionState`), not in this module.
 */
import { randomUUID } from 'node:crypto'
import { GlasswingError, describeValue } from '../errors'
import { registerCommTarget, sessionState } from '../session'
import { maskToIndices } from './codec'
import { COMM_TARGET, type KernelMessage, type SaliencyMap, type ViewMessage } from './schema'

/** Computes maps of another target (and optionally method) for the inputs a saliency view shows. */
export type Explainer = (
  target: number,
  method?: string,
) => Promise<{ maps: SaliencyMap[]; methods?: string[] }>

/**
 * How many explainers a session keeps: each holds a model and its inputs (and copies of tensor options),
 * so only the views of the latest results can ask for more; older ones answer that the cell must run again.
 */
export const KEPT_EXPLAINERS = 16

interface KeptExplainer {
  explain: Explainer
  /** Frees what the explainer holds (kept tensors); called once, on eviction or replacement. */
  release: () => void
}

interface LiveState {
  selections: Map<string, number[]>
  lastSelection: string | null
  /** In registration order (a Map keeps it), oldest first, so eviction takes the first. */
  explainers: Map<string, KeptExplainer>
}

const LIVE_KEY = Symbol.for('glasswing.live')

function liveState(): LiveState {
  const holder = globalThis as unknown as Record<symbol, LiveState | undefined>
  holder[LIVE_KEY] ??= { selections: new Map(), lastSelection: null, explainers: new Map() }
  return holder[LIVE_KEY]
}

/**
 * A fresh id for a result's views (`glasswing-<kind>-<uuid>`), unique across kernels and restarts, so
 * that a message from a view names the result it came from and no other.
 *
 * @example
 * liveId('embedding')   // 'glasswing-embedding-6f1c…'
 */
export function liveId(kind: string): string {
  return `glasswing-${kind}-${randomUUID()}`
}

/** Registers the `glasswing.v1` comm target once per session (idempotent). */
export function ensureLiveLink(): void {
  if (sessionState().commTargets.has(COMM_TARGET)) return
  registerCommTarget(COMM_TARGET, (comm) => {
    comm.onMessage((data) => {
      const message = data as ViewMessage
      if (message?.type === 'selection' && Array.isArray(message.indices)) {
        const state = liveState()
        const indices = typeof message.mask === 'string' ? maskToIndices(message.mask) : message.indices
        state.selections.set(message.displayId, indices.filter(Number.isInteger))
        state.lastSelection = message.displayId
      } else if (message?.type === 'explain') {
        const explainer = liveState().explainers.get(message.displayId)
        const reply = (answer: KernelMessage): void => comm.send(answer)
        if (!explainer) {
          reply({
            type: 'error',
            requestId: message.requestId,
            message: `This result is no longer in the kernel (it keeps the last ${KEPT_EXPLAINERS} results, and a restart forgets them); run its cell again to explain other classes.`,
          })
          return
        }
        explainer.explain(message.target, message.method).then(
          ({ maps, methods }) =>
            reply({ type: 'explained', requestId: message.requestId, maps, ...(methods ? { methods } : {}) }),
          (error: unknown) =>
            reply({
              type: 'error',
              requestId: message.requestId,
              message: error instanceof Error ? error.message : String(error),
            }),
        )
      }
    })
  })
}

/**
 * Lets a saliency view with this `displayId` ask the kernel for other targets. The session keeps the
 * last {@link KEPT_EXPLAINERS}; `release` frees what an explainer holds when it is dropped (evicted by
 * newer ones, or replaced under the same id).
 *
 * @example
 * gw.registerExplainer('my-view', async (target) => ({ maps: await mapsFor(target) }), () => kept.dispose())
 */
export function registerExplainer(
  displayId: string,
  explainer: Explainer,
  release: () => void = () => {},
): void {
  ensureLiveLink()
  const explainers = liveState().explainers
  forget(explainers, displayId)
  explainers.set(displayId, { explain: explainer, release })
  for (const oldest of explainers.keys()) {
    if (explainers.size <= KEPT_EXPLAINERS) break
    forget(explainers, oldest)
  }
}

/** The ids of the explainers the session keeps, oldest first. */
export function keptExplainers(): string[] {
  return [...liveState().explainers.keys()]
}

function forget(explainers: Map<string, KeptExplainer>, displayId: string): void {
  const kept = explainers.get(displayId)
  if (!kept) return
  explainers.delete(displayId)
  kept.release()
}

/**
 * The point indices selected (lasso or box) in an embedding view: the latest selection in any view, or
 * that of one result's views (an embedding, or its `displayId`). Empty when nothing is selected.
 *
 * @example
 * const embedding = await gw.embed(model, images, { layer: 'dense_1', labels })
 * // ... lasso some points in its view, then in the next cell:
 * const picked = gw.selection()            // [12, 40, 41, ...], the latest lasso anywhere
 * gw.selection(embedding)                  // the latest lasso in this embedding's views
 * const chosen = tf.gather(images, picked)   // those inputs, for a closer look
 */
export function selection(of?: string | { readonly displayId: string }): number[] {
  ensureLiveLink()
  const state = liveState()
  const id = of === undefined ? state.lastSelection : typeof of === 'string' ? of : of?.displayId
  if (typeof id !== 'string' && id !== null)
    throw new GlasswingError({
      where: 'gw.selection',
      argument: 'of',
      expected: "nothing (the latest selection), an embedding, or a view's displayId string",
      received: describeValue(of),
      hint: 'Pass the result of gw.embed (or comparison.layer(name) of gw.embedLayers).',
    })
  return id === null ? [] : [...(state.selections.get(id) ?? [])]
}

// Registered when the library loads, so that a view's first message finds the target in any session.
ensureLiveLink()
