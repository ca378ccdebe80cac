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

/** What a saliency view asks to have scored: one metric, one method row, the class shown per input. */
export interface ScoreRequest {
  metric: string
  method: number
  targets: (number | null)[]
}

/** The scores of a {@link ScoreRequest}: one per input (null where it had no target), and their mean. */
export interface ScoreAnswer {
  metric: string
  title: string
  higherIsBetter: boolean
  scores: (number | null)[]
  mean: number | null
}

/** Scores the maps a saliency view shows (results whose maps can be scored register one). */
export type ViewScorer = (request: ScoreRequest) => Promise<ScoreAnswer>

/**
 * How many explainers a session keeps: each holds a model and its inputs (and copies of tensor options),
 * so only the views of the latest results can ask for more; older ones answer that the cell must run again.
 */
export const KEPT_EXPLAINERS = 16

interface KeptExplainer {
  explain: Explainer
  /** Frees what the explainer holds (kept tensors); called once, on eviction or replacement. */
  release: () => void
  score?: ViewScorer
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
      const reply = (answer: KernelMessage): void => comm.send(answer)
      if (message?.type === 'selection' && Array.isArray(message.indices)) select(message)
      else if (message?.type === 'explain') void answerExplain(message, reply)
      else if (message?.type === 'score') void answerScore(message, reply)
    })
  })
}

function select(message: Extract<ViewMessage, { type: 'selection' }>): void {
  const state = liveState()
  const indices = typeof message.mask === 'string' ? maskToIndices(message.mask) : message.indices
  state.selections.set(message.displayId, indices.filter(Number.isInteger))
  state.lastSelection = message.displayId
}

/** The kept explainer of a view, or null after telling the view why there is none. */
function keptFor(
  message: { requestId: string; displayId: string },
  reply: (answer: KernelMessage) => void,
  what: string,
): KeptExplainer | null {
  const kept = liveState().explainers.get(message.displayId)
  if (!kept)
    reply({
      type: 'error',
      requestId: message.requestId,
      message: `This result is no longer in the kernel (it keeps the last ${KEPT_EXPLAINERS} results, and a restart forgets them); run its cell again to ${what}.`,
    })
  return kept ?? null
}

function failed(requestId: string, error: unknown): KernelMessage {
  return { type: 'error', requestId, message: error instanceof Error ? error.message : String(error) }
}

async function answerExplain(
  message: Extract<ViewMessage, { type: 'explain' }>,
  reply: (answer: KernelMessage) => void,
): Promise<void> {
  const explainer = keptFor(message, reply, 'explain other classes')
  if (!explainer) return
  try {
    const { maps, methods } = await explainer.explain(message.target, message.method)
    reply({ type: 'explained', requestId: message.requestId, maps, ...(methods ? { methods } : {}) })
  } catch (error) {
    reply(failed(message.requestId, error))
  }
}

async function answerScore(
  message: Extract<ViewMessage, { type: 'score' }>,
  reply: (answer: KernelMessage) => void,
): Promise<void> {
  const kept = keptFor(message, reply, 'score its maps')
  if (!kept) return
  if (!kept.score) {
    reply({
      type: 'error',
      requestId: message.requestId,
      message: "This result's maps cannot be scored in the kernel; use gw.evaluate on the result instead.",
    })
    return
  }
  try {
    const { metric, method, targets } = message
    reply({
      type: 'scored',
      requestId: message.requestId,
      ...(await kept.score({ metric, method, targets })),
    })
  } catch (error) {
    reply(failed(message.requestId, error))
  }
}

/**
 * Lets a saliency view with this `displayId` ask the kernel for other targets, and, with `score`, for a
 * quality metric of the maps it shows. The session keeps the last {@link KEPT_EXPLAINERS}; `release`
 * frees what an explainer holds when it is dropped (evicted by newer ones, or replaced under the same id).
 *
 * @example
 * gw.registerExplainer('my-view', async (target) => ({ maps: await mapsFor(target) }), () => kept.dispose())
 */
export function registerExplainer(
  displayId: string,
  explainer: Explainer,
  release: () => void = () => {},
  score?: ViewScorer,
): void {
  ensureLiveLink()
  const explainers = liveState().explainers
  forget(explainers, displayId)
  explainers.set(displayId, { explain: explainer, release, ...(score ? { score } : {}) })
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
