/**
 * Random draws laid out by row, so that a result does not depend on how its rows are batched.
 *
 * A method that draws `perRow` numbers for each of `rows` rows reads one block of the seed's stream,
 * row-major (row r's numbers are r*perRow .. r*perRow+perRow-1), block after block in the order it asks.
 * A batch of rows `first .. first+count-1` reads only its own part of each block: the numbers are those
 * the whole batch would have drawn, whatever the batch size.
 */
import { createRandom, type RandomSource } from './random'

/** Per-row draws for the rows of one batch; see the file's comment. */
export interface RowDraws {
  /** `perRow` uniform numbers in [low, high) for each row of the batch, row-major. */
  uniforms(perRow: number, low?: number, high?: number): Float32Array
  /** `perRow` standard normal numbers for each row of the batch, row-major. */
  normals(perRow: number): Float32Array
  /**
   * The same block of normals, read in parts when they are needed (noise for one pass at a time):
   * `read(offset, count)` gives the batch's numbers `offset .. offset+count-1`.
   */
  normalBlock(perRow: number): (offset: number, count: number) => Float32Array
  /** `perRow` uniform integers in [0, bound) for each row of the batch, row-major. */
  integers(perRow: number, bound: number): Int32Array
}

/** Where a batch sits among all the rows of one computation. */
export interface RowSpan {
  /** Its first row's index among all rows. */
  first: number
  /** Its rows. */
  count: number
  /** All rows of the computation. */
  total: number
}

/**
 * Draws for the rows `span` of a computation seeded with `seed`.
 *
 * @example
 * const draws = rowDraws(1, { first: 7, count: 7, total: 100 })
 * draws.normals(784)   // rows 7..13's numbers, the same as rows 7..13 of rowDraws(1, { first: 0, count: 100, total: 100 })
 */
export function rowDraws(seed: number, span: RowSpan): RowDraws {
  // The stream position where the next block starts.
  let cursor = 0
  const uniformBlock = (perRow: number): RandomSource => {
    const source = createRandom(seed, cursor + span.first * perRow)
    cursor += span.total * perRow
    return source
  }
  const normalBlock = (perRow: number) => {
    const base = cursor
    cursor += 2 * Math.ceil((span.total * perRow) / 2)
    return (offset: number, count: number): Float32Array => {
      // Box-Muller takes two uniforms for each pair of normals; a part may start halfway into a pair.
      const start = span.first * perRow + offset
      const skip = start % 2
      const drawn = createRandom(seed, base + start - skip).normals(count + skip)
      return skip ? drawn.subarray(skip) : drawn
    }
  }
  return {
    uniforms(perRow, low = 0, high = 1) {
      return uniformBlock(perRow).uniforms(span.count * perRow, low, high)
    },
    integers(perRow, bound) {
      const source = uniformBlock(perRow)
      return Int32Array.from({ length: span.count * perRow }, () => source.integer(bound))
    },
    normals: (perRow) => normalBlock(perRow)(0, span.count * perRow),
    normalBlock,
  }
}

/**
 * Per-row draws read in order from one stream: for batches made inside a method (noisy copies), whose
 * numbers follow the method's own draws.
 *
 * @example
 * const draws = sequentialDraws(context.random, rows)
 */
export function sequentialDraws(random: RandomSource, rows: number): RowDraws {
  return {
    uniforms: (perRow, low, high) => random.uniforms(rows * perRow, low, high),
    normals: (perRow) => random.normals(rows * perRow),
    normalBlock(perRow) {
      const drawn = random.normals(rows * perRow)
      return (offset, count) => drawn.subarray(offset, offset + count)
    },
    integers: (perRow, bound) => Int32Array.from({ length: rows * perRow }, () => random.integer(bound)),
  }
}
