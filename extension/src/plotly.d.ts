// plotly.js-dist-min ships no types; the view uses this much of it.
declare module 'plotly.js-dist-min' {
  const Plotly: {
    react(root: HTMLElement, data: object[], layout: object, config: object): Promise<unknown>
    purge(root: HTMLElement): void
  }
  export default Plotly
}
