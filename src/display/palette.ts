/**
 * The categorical colours of every Glasswing picture and view: Tableau 10, then ten lighter ones. One
 * list, so that a class (or a method) has the same colour in the interactive view, in the Plotly
 * fallback and in the PNG. Dependency-free: the extension imports it too.
 */
export const CATEGORY_COLOURS: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#a0cbe8',
  '#ffbe7d',
  '#ff9d9a',
  '#86bcb6',
  '#8cd17d',
  '#f1ce63',
  '#d4a6c8',
  '#fabfd2',
  '#d7b5a6',
  '#79706e',
]

/**
 * The colour of category `index` (they repeat past the end of the list).
 *
 * @example
 * categoryColour(0)   // '#4e79a7'
 */
export function categoryColour(index: number): string {
  return CATEGORY_COLOURS[index % CATEGORY_COLOURS.length]!
}
