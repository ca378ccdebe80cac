/** The shape of the shared matrix view's spec (src/display/matrix.ts's MatrixSpec), until it lands. */
export interface MatrixSpecLike {
  title: string
  rowTitle: string
  columnTitle: string
  valueLabel: string
  rows: string[]
  columns: string[]
  values: number[][]
  scale?: 'sequential' | 'diverging'
  range?: [number, number]
  marks?: string[][]
  perItem?: { label: string; items: string[]; values: number[][][] }
  caption?: string
}
