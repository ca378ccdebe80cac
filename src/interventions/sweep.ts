/**
 * The columns of a patching sweep: one selection per spatial block, position, channel or unit of a
 * layer, so that layers x columns is a grid of patches run by the engine in batched passes.
 */
import { GlasswingError, describeValue } from '../errors'
import type { PatchWhere } from './where'

/** What a sweep's columns are. */
export type SweepAxis = 'cells' | 'positions' | 'channels' | 'units'

/** One column of a sweep: its label and the selection it patches. */
export interface SweepColumn {
  label: string
  where: PatchWhere
}

/**
 * Columns for a layer of one-example shape `shape`. `cells`: a `grid` x `grid` tiling of a conv
 * layer's H x W (every channel of each block), so that layers of different sizes share columns;
 * `positions`: each index of axis 1 of a [positions, features] layer; `channels`/`units`: each index
 * of the last axis.
 */
export function sweepColumns(
  shape: readonly number[],
  axis: SweepAxis,
  grid: number,
  where: string,
  layer: string,
): SweepColumn[] {
  const last = shape[shape.length - 1]!
  if (axis === 'channels' || axis === 'units')
    return Array.from({ length: last }, (_, i) => ({
      label: `${axis === 'units' ? 'unit' : 'channel'} ${i}`,
      where: { [axis]: [i] },
    }))
  if (axis === 'positions') {
    if (shape.length !== 2)
      throw new GlasswingError({
        where,
        argument: 'options.over',
        expected: `'positions' on sequence layers [batch, positions, features]`,
        received: `layer '${layer}' of shape [batch, ${shape.join(', ')}]`,
        hint:
          shape.length === 3 ? "Use over: 'cells' for conv layers." : "Use over: 'units' for dense layers.",
      })
    return Array.from({ length: shape[0]! }, (_, p) => ({
      label: `position ${p}`,
      where: { positions: [p] },
    }))
  }
  if (shape.length !== 3)
    throw new GlasswingError({
      where,
      argument: 'options.over',
      expected: `'cells' on conv layers [batch, H, W, channels]`,
      received: `layer '${layer}' of shape [batch, ${shape.join(', ')}]`,
      hint:
        shape.length === 2
          ? "Use over: 'positions' for sequence layers."
          : "Use over: 'units' for dense layers.",
    })
  const [height, width] = [shape[0]!, shape[1]!]
  if (!Number.isInteger(grid) || grid < 1 || grid > Math.min(height, width))
    throw new GlasswingError({
      where,
      argument: 'options.grid',
      expected: `an integer in 1..${Math.min(height, width)} (layer '${layer}' is ${height} x ${width})`,
      received: describeValue(grid),
      hint: 'Lower the grid to the smallest layer size in the sweep.',
    })
  const columns: SweepColumn[] = []
  for (let r = 0; r < grid; r++)
    for (let c = 0; c < grid; c++) {
      const [top, bottom] = [Math.floor((r * height) / grid), Math.floor(((r + 1) * height) / grid)]
      const [left, right] = [Math.floor((c * width) / grid), Math.floor(((c + 1) * width) / grid)]
      const spatial = Array.from({ length: height }, (_, y) =>
        Array.from({ length: width }, (_, x) => (y >= top && y < bottom && x >= left && x < right ? 1 : 0)),
      )
      columns.push({ label: `(${r}, ${c})`, where: { spatial } })
    }
  return columns
}
