/**
 * Glasswing's JupyterLab MIME renderers: one versioned MIME type per view, ranked above the HTML
 * renderer, safe (they never run code from a payload), so they draw in untrusted notebooks too.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces'
import { MIME_TYPES, type PayloadOf, type ViewKind } from '../../src/display/schema'
import { renderAttention } from './views/attention/view'
import { renderAtlas } from './views/atlas/view'
import { renderClusters } from './views/clusters/view'
import { embeddingAtAnySize } from './views/density'
import { renderCounterfactual } from './views/counterfactual/view'
import { renderEmbedding } from './views/embedding'
import { preloadPlotlyWhenIdle } from './views/embedding-plotly'
import { renderFeatures } from './views/features'
import { renderMatrix } from './views/matrix/view'
import { renderNeurons } from './views/neurons'
import { renderSaliency } from './views/saliency'
import { renderSurrogate } from './views/surrogate/view'
import type { RenderView } from './views/view'
import { GlasswingRenderer } from './widget'

/** Rank of the renderers: lower is preferred; the built-in HTML renderer has 50, images 90. */
export const RANK = 10

const VIEWS: { [K in ViewKind]: RenderView<PayloadOf[K]> } = {
  saliency: renderSaliency,
  embedding: embeddingAtAnySize(renderEmbedding),
  neurons: renderNeurons,
  features: renderFeatures,
  surrogate: renderSurrogate,
  attention: renderAttention,
  matrix: renderMatrix,
  counterfactual: renderCounterfactual,
  atlas: renderAtlas,
  clusters: renderClusters,
}

function extension<K extends ViewKind>(kind: K): IRenderMime.IExtension {
  const mimeType = MIME_TYPES[kind]
  return {
    id: `glasswing-extension:${kind}`,
    description: `Renders Glasswing ${kind} results.`,
    rendererFactory: {
      safe: true,
      mimeTypes: [mimeType],
      createRenderer: () => new GlasswingRenderer(kind, mimeType, VIEWS[kind]),
    },
    rank: RANK,
    dataType: 'json',
  }
}

const extensions: IRenderMime.IExtension[] = (Object.keys(MIME_TYPES) as ViewKind[]).map(extension)
// JupyterLab loads this module at start-up; Plotly then loads when the browser is idle, so that the
// first embedding a user draws does not wait for it (a notebook opened with one drawn still does).
preloadPlotlyWhenIdle(window)
export default extensions
