// Plotly's partial bundles ship no types; the embedding view uses this much of them (views/embedding-plotly.ts).
declare module 'plotly.js-gl2d-dist-min' {
  const Plotly: import('./views/embedding-plotly').PlotlyApi
  export default Plotly
}
declare module 'plotly.js-gl3d-dist-min' {
  const Plotly: import('./views/embedding-plotly').PlotlyApi
  export default Plotly
}
