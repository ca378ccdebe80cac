import { describe, expect, it } from 'vitest'
import {
  atlasModel,
  cellOf,
  clampView,
  dominantClasses,
  gridCellAt,
  hoverText,
  passesFilter,
  zoomAt,
} from '../../../extension/src/views/atlas/model'
import {
  cellSize,
  cellText,
  clustersModel,
  dendrogram,
  unitText,
} from '../../../extension/src/views/clusters/model'
import { validatePayload } from '../../../src/display/validate'
import { atlasPayloadSample, clustersPayloadSample } from './structure-fixtures'

describe('the atlas view model', () => {
  const model = atlasModel(atlasPayloadSample({ visualizations: true }))

  it('samples are valid payloads', () => {
    expect(validatePayload('atlas', atlasPayloadSample()).ok).toBe(true)
    expect(validatePayload('clusters', clustersPayloadSample()).ok).toBe(true)
  })

  it('decodes icons to RGBA and finds the cell under a point, zoomed and panned', () => {
    expect(model.patches.count).toBe(10)
    expect(model.patches.rgba).toHaveLength(10 * 16 * 4)
    expect(model.visualizations!.count).toBe(4)
    // 600 px, 6 columns: 100 px a cell; (250, 10) is column 2, row 0
    expect(gridCellAt(model, { scale: 1, x: 0, y: 0 }, 600, 250, 10)).toEqual({ column: 2, row: 0 })
    const zoomed = zoomAt({ scale: 1, x: 0, y: 0 }, 2, 0, 0, 600)
    expect(zoomed).toEqual({ scale: 2, x: 0, y: 0 })
    expect(gridCellAt(model, zoomed, 600, 250, 10)).toEqual({ column: 1, row: 0 })
    // zooming about a point keeps that point under the pointer
    const about = zoomAt({ scale: 1, x: 0, y: 0 }, 2, 300, 300, 600)
    expect(gridCellAt(model, about, 600, 300, 300)).toEqual(
      gridCellAt(model, { scale: 1, x: 0, y: 0 }, 600, 300, 300),
    )
    // never out past the grid, never below 1 or above 16
    expect(clampView({ scale: 2, x: 50, y: -900 }, 600)).toEqual({ scale: 2, x: 0, y: -600 })
    expect(zoomAt({ scale: 1, x: 0, y: 0 }, 0.1, 0, 0, 600).scale).toBe(1)
    expect(zoomAt({ scale: 8, x: 0, y: 0 }, 4, 0, 0, 600).scale).toBe(16)
    expect(cellOf(model, 5, 5)).toBeNull()
  })

  it('says a cell in words, filters by the dominant class', () => {
    const cell = cellOf(model, 0, 0)!
    expect(hoverText(model, cell)).toBe('cell (0, 0): 3 samples · zero 67 %, one 33 %')
    expect(passesFilter(cell, 0)).toBe(true)
    expect(passesFilter(cell, 1)).toBe(false)
    expect(passesFilter(cell, null)).toBe(true)
    expect(dominantClasses(model)).toEqual([
      { label: 0, cells: 4 },
      { label: 1, cells: 3 },
      { label: 2, cells: 3 },
    ])
  })
})

describe('the clusters view model', () => {
  const model = clustersModel(clustersPayloadSample())

  it('knows the leaves under each merge and the members of each cluster', () => {
    expect(model.leaves).toEqual([
      [0, 1],
      [3, 4],
      [2, 0, 1],
      [2, 0, 1, 3, 4],
    ])
    expect(model.members).toEqual([
      [0, 1, 2],
      [3, 4],
    ])
    expect(model.position).toEqual([1, 2, 0, 3, 4])
  })

  it('lays the dendrogram out with the root on the left and leaves beside their rows', () => {
    const links = dendrogram(model, 100, 20)
    expect(links).toHaveLength(4)
    const root = links[3]!
    expect(root.x).toBe(0)
    expect(root.cluster).toBeNull()
    expect(links[0]!.children).toEqual([
      { x: 100, y: 30 },
      { x: 100, y: 50 },
    ])
    expect(links[0]!.cluster).toBe(0)
    expect(links[1]!.cluster).toBe(1)
    expect(links[0]!.x).toBeCloseTo(100 * (1 - 0.2 / 1.2))
  })

  it('says a unit and a cell in words', () => {
    expect(unitText(model, 3)).toBe('u3 · cluster 1 (2 units)')
    expect(cellText(model, 0, 4)).toBe('u0 × u4: r = -0.200')
    expect(cellSize(16)).toBe(28)
    expect(cellSize(512)).toBe(3)
  })
})
