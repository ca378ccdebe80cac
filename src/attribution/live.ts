/**
 * "Explain another class" for attribution results, kernel side. When an attribution (or a comparison)
 * becomes a MIME bundle, it registers an explainer under a fresh id that goes into the saliency
 * payload (`displayId`); the view sends the id back with the class it wants, and gets that class's maps
 * computed by the same method with the same options on the same inputs.
 *
 * An explainer holds the model, the inputs (as plain arrays) and copies of tensor options; the session
 * keeps the last `KEPT_EXPLAINERS` and releases older ones (see `display/live.ts`).
 */
import { randomUUID } from 'node:crypto'
import type { MimeBundle } from '../display/bundle'
import { registerExplainer, type Explainer } from '../display/live'
import { MIME_TYPES, type SaliencyMap, type SaliencyPayload } from '../display/schema'
import { GlasswingError, describeValue } from '../errors'
// Types only: attribution.ts imports this module, so a value import would be a cycle.
import type { Attribution, AttributionData } from './attribution'
import { saliencyMaps } from './display'
import { viewScorer } from './live-score'
import type { GlasswingModel } from '../model/types'

/** How a result is computed again for another class; `runAttribution` makes one per result. */
export interface Recompute {
  /**
   * Binds a recomputation to the result's model, inputs and options, with its own copies of the tensors
   * among the options (the caller may dispose theirs). Null where it cannot be bound: a tensor option
   * already disposed.
   */
  bind(): BoundRecompute | null
}

/** A bound recomputation: run it for any class, release it once. */
export interface BoundRecompute {
  /** The model it runs (what a view's "Score" evaluates the maps with). */
  readonly model: GlasswingModel
  /** The same method, options and inputs, explaining class `target` for every input. */
  run(target: number): Promise<AttributionData>
  /** Disposes the copied tensors. */
  release(): void
}

/**
 * The bundle with a live id in its saliency payload, under which an explainer for `items` (the grid's
 * methods, in order) is registered. Bundles without a saliency payload, and results that cannot be
 * recomputed, come back as they are: their views show what the payload holds.
 *
 * @example
 * withLiveLink(attributionBundle([a.data]), [a])[MIME_TYPES.saliency].displayId   // 'glasswing-saliency-…'
 */
export function withLiveLink(bundle: MimeBundle, items: readonly Attribution[]): MimeBundle {
  const payload = bundle[MIME_TYPES.saliency] as SaliencyPayload | undefined
  if (!payload || items.length !== payload.methods.length) return bundle
  const bound: BoundRecompute[] = []
  for (const item of items) {
    const one = item.recompute?.bind() ?? null
    if (!one) {
      for (const done of bound) done.release()
      return bundle
    }
    bound.push(one)
  }
  const displayId = `glasswing-saliency-${randomUUID()}`
  const computed = new Computed(bound, items)
  const score = viewScorer({
    model: bound[0]!.model,
    items: items.map((item) => item.data),
    retargeted: (row, target) => computed.get(row, target),
  })
  const release = (): void => {
    computed.clear()
    for (const one of bound) one.release()
  }
  registerExplainer(displayId, explainerOf(payload.methods, computed), release, score)
  return { ...bundle, [MIME_TYPES.saliency]: { ...payload, displayId } }
}

/**
 * The attribution last computed for another class, per grid row: what a view asked for is what it then
 * shows and may ask to score, so scoring reuses it instead of computing again. One class per row, and no
 * copy of the inputs (the row's own are shared), so a result's explainer holds at most one more
 * result's worth of values.
 */
class Computed {
  private readonly kept = new Map<number, AttributionData>()
  constructor(
    private readonly bound: readonly BoundRecompute[],
    private readonly items: readonly Attribution[],
  ) {}

  /** Grid row `row`'s attribution of class `target`, kept or computed now. */
  async get(row: number, target: number): Promise<AttributionData> {
    const held = this.kept.get(row)
    if (held && held.targets.every((t) => t === target)) return held
    return this.fresh(row, target)
  }

  /** Computes it again (the view asked again: it wants fresh maps, not kept ones), and keeps it. */
  async fresh(row: number, target: number): Promise<AttributionData> {
    this.kept.delete(row)
    const data = { ...(await this.bound[row]!.run(target)), inputs: this.items[row]!.data.inputs }
    this.kept.set(row, data)
    return data
  }

  clear(): void {
    this.kept.clear()
  }
}

function explainerOf(methods: readonly string[], computed: Computed): Explainer {
  return async (target, method) => {
    const rows = method === undefined ? methods.map((_, row) => row) : [methods.indexOf(method)]
    if (rows[0] === -1)
      throw new GlasswingError({
        where: 'saliency view',
        argument: 'method',
        expected: `one of this result's methods (${methods.join(', ')})`,
        received: describeValue(method),
        hint: 'To see other methods side by side, run gw.compare(model, inputs, [...methods]).',
      })
    const maps: SaliencyMap[] = []
    // One method after another: each already uses every core, and the tensors of one stay bounded.
    for (const row of rows) maps.push(...(saliencyMaps(await computed.fresh(row, target), row) ?? []))
    return { maps }
  }
}
