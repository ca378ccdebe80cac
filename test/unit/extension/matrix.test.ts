import { describe, expect, it } from 'vitest'
import {
  cellAt,
  cellItems,
  cellText,
  colourOf,
  firstSort,
  layoutOf,
  matrixModel,
  modelCSV,
  rowOrder,
} from '../../../extension/src/views/matrix/model'
import { matrixPayload, type MatrixSpec } from '../../../src/display/matrix'
import { colourAt, VIRIDIS } from '../../../src/display/colour-tables'
import { provenance } from './fixtures'

const spec: MatrixSpec = {
  title: 'Quality',
  rowTitle: 'method',
  columnTitle: 'metric',
  valueLabel: 'mean',
  rows: ['saliency', 'ig', 'random'],
  columns: ['deletion (lower is better)', 'insertion'],
  values: [
    [0.2, 0.5],
    [0.1, NaN],
    [0.4, 0.3],
  ],
  marks: [
    ['', ''],
    ['', ''],
    ['~', ''],
  ],
  colourBy: 'column',
  higherIsBetter: [false, true],
  perItem: {
    label: 'per example',
    items: ['e0', 'e1', 'e2'],
    values: [
      [
        [0.3, 0.1, NaN],
        [1, 0, 0.5],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [0.4, 0.4, 0.4],
        [0.3, 0.3, 0.3],
      ],
    ],
  },
}
const model = matrixModel(matrixPayload(spec, provenance('evaluate')))

describe('matrix view model', () => {
  it('sorts rows by a column either way, cells without a value last', () => {
    expect(rowOrder(model, null)).toEqual([0, 1, 2])
    expect(rowOrder(model, { column: 0, descending: true })).toEqual([2, 0, 1])
    expect(rowOrder(model, { column: 0, descending: false })).toEqual([1, 0, 2])
    expect(rowOrder(model, { column: 1, descending: true })).toEqual([0, 2, 1])
    expect(rowOrder(model, { column: 1, descending: false })).toEqual([2, 0, 1])
  })

  it('sorts best first on the first click: ascending where lower is better', () => {
    expect(firstSort(model, 0)).toEqual({ column: 0, descending: false })
    expect(firstSort(model, 1)).toEqual({ column: 1, descending: true })
  })

  it('colours each column on its own scale, the best end bright', () => {
    // deletion: lower is better, so its lowest value (ig, 0.1) takes the bright end of viridis
    expect(colourOf(model, 0.1, 0)).toEqual(colourAt(VIRIDIS, 1))
    expect(colourOf(model, 0.4, 0)).toEqual(colourAt(VIRIDIS, 0))
    expect(colourOf(model, 0.5, 1)).toEqual(colourAt(VIRIDIS, 1))
    expect(colourOf(model, NaN, 1)).toEqual([224, 224, 224])
  })

  it('maps a point to the cell drawn there, in the sorted order', () => {
    const layout = layoutOf(3, 2)
    expect(layout.values).toBe(true)
    const order = rowOrder(model, { column: 0, descending: true })
    expect(cellAt(model, layout, order, layout.cellWidth + 1, 1)).toEqual({ row: 2, column: 1 })
    expect(cellAt(model, layout, order, 1, 2 * layout.cellHeight + 1)).toEqual({ row: 1, column: 0 })
    expect(cellAt(model, layout, order, 2 * layout.cellWidth + 1, 1)).toBeNull()
    expect(cellAt(model, layout, order, -1, 1)).toBeNull()
  })

  it('makes thin cells without values for large matrices, square ones for layer x layer', () => {
    const big = layoutOf(512, 10)
    expect([big.cellHeight, big.values, big.rowNames]).toEqual([3, false, false])
    const units = layoutOf(64, 11) // dense_1's units x (overall + 10 classes): named rows, the grid scrolls
    expect([units.cellHeight, units.rowNames]).toEqual([12, true])
    const square = layoutOf(8, 8, true)
    expect(square.cellWidth).toBe(square.cellHeight)
  })

  it('says a cell in words and lists its per-item values, largest first, without NaN', () => {
    expect(cellText(model, 2, 0)).toBe('random × deletion (lower is better): 0.4 ~')
    expect(cellText(model, 1, 1)).toBe('ig × insertion: no value')
    expect(cellItems(model, 0, 0)).toEqual([
      { name: 'e0', value: expect.closeTo(0.3, 6) },
      { name: 'e1', value: expect.closeTo(0.1, 6) },
    ])
  })

  it('writes the CSV with an empty field where a cell has no value', () => {
    expect(modelCSV(model).split('\n')[2]).toBe('ig,0.10000000149011612,')
  })
})
