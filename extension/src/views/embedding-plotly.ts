/**
 * Plotly for the embedding view, from partial bundles loaded on demand: the gl2d bundle (scatter,
 * scattergl; 1.6 MB) for 2-D embeddings and the gl3d bundle (scatter3d; 1.75 MB) only when a 3-D one
 * is drawn. The full bundle (4.8 MB) took most of a cold first draw.
 *
 * Webpack caches a dynamic import's module, so loading twice costs nothing and no state is kept here.
 */

/** The part of Plotly's API the view uses (both bundles have it). */
export interface PlotlyApi {
  react(root: HTMLElement, data: object[], layout: object, config: object): Promise<unknown>
  purge(root: HTMLElement): void
}

/**
 * Loads the bundle that draws an embedding of this many dimensions.
 *
 * @example
 * const Plotly = await loadPlotly(2)
 * await Plotly.react(div, [{ type: 'scattergl', x, y }], {}, {})
 */
export async function loadPlotly(dimensions: number): Promise<PlotlyApi> {
  // The bundles are UMD modules: webpack hands their `module.exports` over as the default export.
  const module =
    dimensions === 3
      ? await import(/* webpackChunkName: "plotly-gl3d" */ 'plotly.js-gl3d-dist-min')
      : await import(/* webpackChunkName: "plotly-gl2d" */ 'plotly.js-gl2d-dist-min')
  return module.default
}

/**
 * Starts loading the 2-D bundle when the browser is next idle, so that the first embedding a user
 * draws does not wait for it to download and compile. Failures are left to the draw that needs it.
 *
 * @example
 * preloadPlotlyWhenIdle(window)
 */
export function preloadPlotlyWhenIdle(window: Window): void {
  const load = (): void => void loadPlotly(2).catch(() => undefined)
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(load, { timeout: 5000 })
  else window.setTimeout(load, 1000)
}
