/**
 * The embedding view at any size: point by point (Plotly) up to DENSITY_ABOVE points, a density
 * picture with an indexed hover and lasso above it. A live update that crosses the limit redraws
 * the view afresh in the other form.
 */
import type { EmbeddingPayload } from '../../../../src/display/schema'
import type { RenderView } from '../view'
import { DENSITY_ABOVE, renderDensity } from './density-view'

export { DENSITY_ABOVE } from './density-view'

const large = (payload: EmbeddingPayload): boolean => payload.coordinates.shape[0]! > DENSITY_ABOVE

/**
 * The point-by-point view `pointByPoint` for embeddings up to DENSITY_ABOVE points, the density view
 * above.
 *
 * @example
 * const view = embeddingAtAnySize(renderEmbedding)
 */
export function embeddingAtAnySize(pointByPoint: RenderView<EmbeddingPayload>): RenderView<EmbeddingPayload> {
  return async (host, payload, context) => {
    const wasLarge = large(payload)
    const handle = await (wasLarge ? renderDensity : pointByPoint)(host, payload, context)
    return {
      update: (next) => (large(next) === wasLarge && handle.update ? handle.update(next) : false),
      dispose: () => handle.dispose(),
    }
  }
}
