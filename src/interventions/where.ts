/**
 * Where a patch applies inside one layer's activation: the selection as a 0/1 mask over a single
 * example's activation shape (the batch axis left out), so that every patch is `a * (1 - m) + r * m`.
 */
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'

/**
 * The part of a layer's activation a patch replaces. Fields combine (their masks multiply); an empty
 * object selects the whole activation.
 *
 * - `units` / `channels`: indices on the last axis (dense units, conv channels, sequence features).
 * - `spatial`: an H x W mask (1 = patched, fractions blend) for conv activations [batch, H, W, C].
 * - `positions`: indices on axis 1 of sequence activations [batch, positions, features]
 *   (tokens; for conv activations, rows).
 * - `mask`: any 0/1 tensor or nested array broadcastable to one example's activation, for selections
 *   the fields above do not name (attention heads laid out as [positions, heads, dHead], say).
 *
 * @example
 * { channels: [3, 7] }                          // two conv channels, everywhere
 * { spatial: cellMask(7, 7, 2, 4) }             // every channel at row 2, column 4
 * { positions: [5], units: [0, 1, 2, 3] }       // features 0..3 of token 5
 */
export interface PatchWhere {
  units?: readonly number[]
  channels?: readonly number[]
  spatial?: readonly (readonly number[])[]
  positions?: readonly number[]
  mask?: tf.Tensor | number[] | number[][] | number[][][]
}

/** An H x W mask with ones at `row`, `column` (a `size` x `size` block there when `size` > 1). */
export function cellMask(height: number, width: number, row: number, column: number, size = 1): number[][] {
  return Array.from({ length: height }, (_, r) =>
    Array.from({ length: width }, (_, c) =>
      r >= row && r < row + size && c >= column && c < column + size ? 1 : 0,
    ),
  )
}

/** A short label of a selection, for tables and errors: `units 3,7`, `cell (2, 4)`, `positions 5`. */
export function describeWhere(where: PatchWhere): string {
  const parts: string[] = []
  if (where.units) parts.push(`units ${where.units.join(',')}`)
  if (where.channels) parts.push(`channels ${where.channels.join(',')}`)
  if (where.positions) parts.push(`positions ${where.positions.join(',')}`)
  if (where.spatial) {
    const cells: string[] = []
    where.spatial.forEach((row, r) => row.forEach((v, c) => v && cells.push(`(${r}, ${c})`)))
    parts.push(cells.length <= 3 ? `cell ${cells.join(' ')}` : `${cells.length} cells`)
  }
  if (where.mask) parts.push('mask')
  return parts.length ? parts.join(', ') : 'all'
}

/**
 * The selection as a float mask of one example's activation shape `shape` (no batch axis). The caller
 * owns the tensor. Throws a GlasswingError naming `where` and `argument` for an index out of range,
 * an empty list, or a spatial mask on a layer that has no H x W axes.
 */
export function whereMask(
  selection: PatchWhere,
  shape: readonly number[],
  where: string,
  argument: string,
): tf.Tensor {
  if (typeof selection !== 'object' || selection === null || Array.isArray(selection))
    throw new GlasswingError({
      where,
      argument,
      expected: 'an object such as { units: [0, 3] }, { spatial: mask }, { positions: [5] } or {}',
      received: describeValue(selection),
      hint: 'Pass {} to patch the whole layer.',
    })
  if (selection.units && selection.channels)
    throw new GlasswingError({
      where,
      argument,
      expected: 'units or channels, not both (both name the last axis)',
      received: 'both',
      hint: 'Keep one of them.',
    })
  const rank = shape.length
  const last = shape[rank - 1]!
  return tf.tidy(() => {
    let mask = tf.ones(shape.map(() => 1))
    const indices = selection.units ?? selection.channels
    if (indices) {
      const name = selection.units ? 'units' : 'channels'
      checkIndices(indices, last, where, `${argument}.${name}`, `the layer's ${last} ${name}`)
      const axis = oneHotAxis(indices, last)
      mask = mask.mul(axis.reshape([...shape.slice(0, -1).map(() => 1), last]))
    }
    if (selection.positions) {
      if (rank < 2)
        throw new GlasswingError({
          where,
          argument: `${argument}.positions`,
          expected: 'a layer with a positions axis ([batch, positions, features])',
          received: `a layer of shape [batch, ${shape.join(', ')}]`,
          hint: 'Use units for a dense layer.',
        })
      checkIndices(selection.positions, shape[0]!, where, `${argument}.positions`, `${shape[0]} positions`)
      const axis = oneHotAxis(selection.positions, shape[0]!)
      mask = mask.mul(axis.reshape([shape[0]!, ...shape.slice(1).map(() => 1)]))
    }
    if (selection.spatial) {
      const rows = selection.spatial.length
      const columns = selection.spatial[0]?.length ?? 0
      if (rank !== 3 || rows !== shape[0] || columns !== shape[1])
        throw new GlasswingError({
          where,
          argument: `${argument}.spatial`,
          expected:
            rank === 3
              ? `an ${shape[0]} x ${shape[1]} mask (the layer's H x W)`
              : 'a conv layer [batch, H, W, channels]',
          received:
            rank === 3 ? `a ${rows} x ${columns} mask` : `a layer of shape [batch, ${shape.join(', ')}]`,
          hint: 'Build one with gw.cellMask(height, width, row, column).',
        })
      mask = mask.mul(
        tf.tensor2d(selection.spatial.map((r) => Array.from(r)) as number[][]).reshape([rows, columns, 1]),
      )
    }
    if (selection.mask !== undefined) {
      const given =
        selection.mask instanceof tf.Tensor ? selection.mask : tf.tensor(selection.mask as number[])
      try {
        mask = mask.mul(given.cast('float32')).add(tf.zeros([...shape]))
      } catch {
        throw new GlasswingError({
          where,
          argument: `${argument}.mask`,
          expected: `a mask broadcastable to one example's activation [${shape.join(', ')}]`,
          received: describeValue(given),
          hint: 'Leave the batch axis out of the mask.',
        })
      }
    }
    const full = mask.add(tf.zeros([...shape]))
    if (full.sum().dataSync()[0] === 0)
      throw new GlasswingError({
        where,
        argument,
        expected: 'a selection of at least one activation',
        received: `an empty selection (${describeWhere(selection)})`,
        hint: 'Select at least one unit, channel, cell or position.',
      })
    return full
  })
}

function oneHotAxis(indices: readonly number[], size: number): tf.Tensor1D {
  const values = new Float32Array(size)
  for (const i of indices) values[i] = 1
  return tf.tensor1d(values)
}

function checkIndices(
  indices: readonly number[],
  size: number,
  where: string,
  argument: string,
  what: string,
): void {
  if (!Array.isArray(indices) || indices.length === 0)
    throw new GlasswingError({
      where,
      argument,
      expected: `a non-empty list of indices into ${what}`,
      received: describeValue(indices),
      hint: 'Select at least one index, or leave the field out to patch the whole axis.',
    })
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= size)
  if (bad !== undefined)
    throw new GlasswingError({
      where,
      argument,
      expected: `indices in 0..${size - 1} (${what})`,
      received: describeValue(bad),
      hint: `Pick indices below ${size}.`,
    })
}
