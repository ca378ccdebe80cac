import { describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { decodeArray } from '../../../src/display/codec'
import {
  checkMatrixSpec,
  matrix,
  matrixCSV,
  matrixPayload,
  matrixText,
  type MatrixSpec,
} from '../../../src/display/matrix'
import { decodePng } from '../../../src/display/png'
import { MIME_TYPES, type MatrixPayload } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'
import { GlasswingError } from '../../../src/errors'
import { provenance } from '../extension/fixtures'

const spec = (): MatrixSpec => ({
  title: 'Effect of ablation',
  rowTitle: 'unit',
  columnTitle: 'class',
  valueLabel: 'accuracy change',
  rows: ['u0', 'u1', 'u2'],
  columns: ['overall', 'cat', 'dog, small'],
  values: [
    [-0.1, 0.2, NaN],
    [0, -0.5, 0.25],
    [0.05, 0.1, 1],
  ],
  scale: 'diverging',
  marks: [
    ['*', '', ''],
    ['', '', ''],
    ['', '~', ''],
  ],
  perItem: {
    label: 'per example',
    items: ['a', 'b'],
    values: [
      [
        [1, 2],
        [3, 4],
        [5, NaN],
      ],
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      [
        [9, 8],
        [7, 6],
        [5, 4],
      ],
    ],
  },
  caption: 'three units',
})

describe('the matrix payload', () => {
  it('carries the values, marks and per-item values, and validates', () => {
    const payload = matrixPayload(spec(), provenance('ablate'))
    const checked = validatePayload('matrix', payload)
    expect(checked.ok).toBe(true)
    if (!checked.ok) return
    expect(checked.notices).toEqual([
      '1 cell of 9 has no finite value and is drawn empty (first: row "u0", column "dog, small").',
      '1 value of 18 in 1 per-cell list is not finite (NaN or ±Infinity) and is drawn as gaps (no bar) (first: perItem.values at 5).',
    ])
    expect(Array.from(decodeArray(payload.values))).toEqual(
      Array.from(new Float32Array([-0.1, 0.2, NaN, 0, -0.5, 0.25, 0.05, 0.1, 1])),
    )
    expect(payload.perItem!.values.shape).toEqual([3, 3, 2])
    expect(payload.colourBy).toBe('all')
  })

  it('refuses a spec whose sizes disagree, naming the argument', () => {
    const cases: [Partial<MatrixSpec>, RegExp][] = [
      [{ values: [[1, 2, 3]] }, /gw\.matrix: values expected 3 rows \(one per row name\), got an array of 1/],
      [
        {
          values: [
            [1, 2, 3],
            [1, 2],
            [1, 2, 3],
          ],
        },
        /values\[1\] expected 3 numbers \(one per column\), got an array of 2/,
      ],
      [{ marks: [['', '', '']] }, /marks expected 3 rows/],
      [{ range: [1, 0] }, /range expected \[low, high\] with low < high, got \[1,0\]/],
      [
        { perItem: { label: 'x', items: ['a'], values: spec().perItem!.values } },
        /perItem\.values\[0\]\[0\] expected 1 numbers \(one per item\), got an array of 2/,
      ],
      [{ rows: [] as string[], values: [] }, /rows and columns expected at least one each, got 0 x 3/],
      [{ title: 3 as unknown as string }, /title expected a string, got 3/],
    ]
    for (const [change, message] of cases) {
      const bad = { ...spec(), ...change }
      expect(() => checkMatrixSpec(bad)).toThrow(GlasswingError)
      expect(() => checkMatrixSpec(bad)).toThrow(message)
    }
  })

  it('refuses a payload with no finite value, and one of the wrong shape', () => {
    const all = { ...spec(), values: spec().values.map((r) => r.map(() => NaN)), perItem: undefined }
    const none = validatePayload('matrix', matrixPayload(all, provenance('x')))
    expect(none.ok ? [] : none.errors).toEqual([
      'matrix.values: expected at least one finite number, got 9 cells all not finite (NaN or ±Infinity). Check what the matrix was computed from',
    ])
    const payload = matrixPayload(spec(), provenance('x')) as MatrixPayload
    payload.values = { ...payload.values, shape: [9, 1] }
    const wrong = validatePayload('matrix', payload)
    expect(wrong.ok ? [] : wrong.errors).toEqual(['matrix.values.shape: expected [3, 3], got [9, 1]'])
  })

  it('writes the table as text and CSV (fields with commas quoted, empty where no value)', () => {
    const text = matrixText(spec()).split('\n')
    expect(text[0]).toBe('Effect of ablation')
    expect(text[3]).toMatch(/^u0 +-0\.1\* +0\.2 *$/)
    expect(matrixCSV(spec())).toBe(
      'unit,overall,cat,"dog, small"\nu0,-0.1,0.2,\nu1,0,-0.5,0.25\nu2,0.05,0.1,1\n',
    )
  })

  it("draws a heatmap picture: the largest value in the diverging scale's dark red, no value in grey", () => {
    const m = matrix({
      rows: ['a', 'b'],
      columns: ['x', 'y'],
      values: [
        [1, -1],
        [0, NaN],
      ],
      scale: 'diverging',
    })
    const bundle = m[JUPYTER_DISPLAY]()
    expect(validatePayload('matrix', bundle[MIME_TYPES.matrix]).ok).toBe(true)
    const { width, height, rgba } = decodePng(bundle['image/png'] as string)
    const colours = new Set<string>()
    for (let i = 0; i < width * height; i++)
      colours.add(`${rgba[4 * i]},${rgba[4 * i + 1]},${rgba[4 * i + 2]}`)
    expect(colours.has('103,0,31')).toBe(true) // 1 at the red end
    expect(colours.has('5,48,97')).toBe(true) // -1 at the blue end
    expect(colours.has('224,224,224')).toBe(true) // the empty cell
    expect(m.toCSV()).toBe('row,x,y\na,1,-1\nb,0,\n')
    expect(m.toString()).toMatch(/^Matrix\n/)
  })
})
