import { describe, expect, it } from 'vitest'
import { densityImage, pointColours, ticks } from '../../../extension/src/views/density/density-image'
import {
  buildGridIndex,
  insidePolygon,
  nearestPoint,
  selectInPolygon,
} from '../../../extension/src/views/density/grid-index'
import { DENSITY_ABOVE, embeddingAtAnySize } from '../../../extension/src/views/density/index'
import { colorBy } from '../../../extension/src/views/embedding-model'
import { embeddingPayload, random } from './fixtures'

/** n clustered points, a few of them not finite. */
function points(n: number, seed = 1): { x: Float32Array; y: Float32Array } {
  const rand = random(seed)
  const x = new Float32Array(n)
  const y = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const cluster = i % 5
    x[i] = cluster * 3 + (rand() - 0.5) * 2 * rand()
    y[i] = (cluster % 2) * 4 + (rand() - 0.5) * 3
  }
  x[7] = NaN
  y[11] = Infinity
  return { x, y }
}

/** A star-shaped lasso around (cx, cy). */
function star(cx: number, cy: number, r: number, spikes: number): number[] {
  const polygon: number[] = []
  for (let k = 0; k < spikes * 2; k++) {
    const angle = (k / (spikes * 2)) * 2 * Math.PI
    const radius = k % 2 === 0 ? r : r * 0.45
    polygon.push(cx + Math.cos(angle) * radius, cy + Math.sin(angle) * radius)
  }
  return polygon
}

describe('grid index', () => {
  const { x, y } = points(20_000)
  const grid = buildGridIndex(x, y)

  it('leaves points that are not finite out', () => {
    expect(grid.count).toBe(20_000 - 2)
    expect([...grid.order]).not.toContain(7)
    expect([...grid.order]).not.toContain(11)
  })

  it('finds the same nearest point as a search of every point', () => {
    const rand = random(9)
    for (let q = 0; q < 300; q++) {
      const [px, py, radius] = [rand() * 14 - 1, rand() * 8 - 2, rand() * 0.5]
      let best = -1
      let distance = radius * radius
      for (let i = 0; i < x.length; i++) {
        const d = (x[i]! - px) ** 2 + (y[i]! - py) ** 2
        if (d <= distance) [best, distance] = [i, d]
      }
      const found = nearestPoint(grid, px, py, radius)
      if (best < 0) expect(found).toBe(-1)
      else expect((x[found]! - px) ** 2 + (y[found]! - py) ** 2).toBe(distance)
    }
  })

  it('selects exactly the points a lasso holds, as testing every point does', () => {
    for (const [cx, cy, r, spikes] of [
      [3, 2, 3, 5],
      [6, 4, 1.2, 7],
      [0, 0, 40, 3],
      [100, 100, 1, 4],
    ] as const) {
      const polygon = star(cx, cy, r, spikes)
      const expected = [] as number[]
      for (let i = 0; i < x.length; i++)
        if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!) && insidePolygon(polygon, x[i]!, y[i]!))
          expected.push(i)
      expect([...selectInPolygon(grid, polygon)]).toEqual(expected)
    }
    expect(selectInPolygon(grid, [0, 0, 1, 1])).toHaveLength(0)
  })

  it('indexes 4.7 million points and answers a hover and a lasso over half of them in linear time', () => {
    const big = points(4_700_000, 3)
    let t = performance.now()
    const index = buildGridIndex(big.x, big.y)
    const buildMs = performance.now() - t
    t = performance.now()
    for (let q = 0; q < 100; q++) nearestPoint(index, q * 0.12, 2, 0.05)
    const hoverMs = (performance.now() - t) / 100
    t = performance.now()
    const selected = selectInPolygon(index, [-2, -3, 7, -3, 7, 9, -2, 9])
    const lassoMs = performance.now() - t
    expect(selected.length).toBeGreaterThan(4_700_000 * 0.5)
    console.log(
      `4.7 M points: index ${buildMs.toFixed(0)} ms, hover ${hoverMs.toFixed(3)} ms, lasso ${lassoMs.toFixed(0)} ms`,
    )
    // Bounds for a loaded 2-core machine; a hover must stay far inside a frame.
    expect(hoverMs).toBeLessThan(5)
    expect(buildMs).toBeLessThan(8000)
  })
})

describe('density image', () => {
  it('colours each pixel by the mean colour of its points and skips those not finite', () => {
    const payload = embeddingPayload({ count: 10, thumbnails: 0 })
    const colours = pointColours(colorBy(payload, 'label'), 10)
    const x = Float32Array.from([0.5, 0.5, 1.5, NaN, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    const y = Float32Array.from([0.5, 0.5, 0.5, 0.5, 9, 9, 9, 9, 9, 9])
    const rgba = densityImage(x, y, { x0: 0, x1: 2, y0: 0, y1: 1 }, 2, 1, colours)
    // Pixel 0 holds points 0 and 1 (labels 0 and 1); pixel 1 holds point 2 (label 2) only.
    for (let k = 0; k < 3; k++) {
      const mean = (colours.palette[k]! + colours.palette[3 + k]!) / 2
      expect(Math.abs(rgba[k]! - mean)).toBeLessThanOrEqual(0.5)
      expect(rgba[4 + k]).toBe(colours.palette[6 + k])
    }
    expect(rgba[3]).toBe(255)
    expect(rgba[7]).toBeLessThan(255)
  })

  it('draws number columns on Viridis with non-finite values dark grey', () => {
    const payload = embeddingPayload({ count: 10, thumbnails: 0 })
    const coloring = colorBy(payload, 'confidence')
    if (coloring.type !== 'number') throw new Error('expected a number column')
    coloring.values[3] = NaN
    const { codes, palette } = pointColours(coloring, 10)
    expect(codes[3]).toBe(256)
    expect([...palette.subarray(256 * 3)]).toEqual([68, 68, 68])
  })

  it('puts round ticks inside the range', () => {
    expect(ticks(-3.2, 7.9, 5)).toEqual([-2, 0, 2, 4, 6])
    expect(ticks(0, 0, 5)).toEqual([])
    expect(ticks(0.001, 0.0042, 3)).toEqual([0.001, 0.002, 0.003, 0.004])
  })
})

describe('embedding view at any size', () => {
  it('uses the density view above 100,000 points, and redraws afresh when an update crosses the limit', async () => {
    const drawn: number[] = []
    const pointByPoint = (_host: HTMLElement, payload: { coordinates: { shape: number[] } }) => {
      drawn.push(payload.coordinates.shape[0]!)
      return { update: () => true, dispose: () => undefined }
    }
    const view = embeddingAtAnySize(pointByPoint as never)
    const small = embeddingPayload({ count: 20, thumbnails: 0 })
    const handle = await view({} as HTMLElement, small, { document: {} as Document, link: null })
    expect(drawn).toEqual([20])
    expect(await handle.update!(embeddingPayload({ count: 30, thumbnails: 0 }))).toBe(true)
    const large = { ...small, coordinates: { ...small.coordinates, shape: [DENSITY_ABOVE + 1, 2] } }
    expect(await handle.update!(large)).toBe(false)
  })
})
