/**
 * The shard contract. A job's `total` examples are cut into passes of `batchSize`; shard `index` of
 * `count` takes passes `floor(index * P / count) .. floor((index + 1) * P / count)` (P passes in all).
 * Every boundary is a multiple of `batchSize`, so a shard's passes are exactly passes the in-process
 * call makes, and the same job always gives the same shards on every machine.
 */

/** Examples `start .. end` (end excluded) of one shard. */
export interface ShardRange {
  index: number
  start: number
  end: number
}

/**
 * The examples shard `index` of `count` computes.
 *
 * @example
 * shardRange(10_000, 128, 3, 16)   // { index: 3, start: 1792, end: 2432 }
 */
export function shardRange(total: number, batchSize: number, index: number, count: number): ShardRange {
  const passes = Math.ceil(total / batchSize)
  const first = Math.floor((index * passes) / count)
  const last = Math.floor(((index + 1) * passes) / count)
  return { index, start: Math.min(total, first * batchSize), end: Math.min(total, last * batchSize) }
}

/** Every shard of a job, in order; together they cover `0 .. total` once. */
export function shardRanges(total: number, batchSize: number, count: number): ShardRange[] {
  return Array.from({ length: count }, (_, index) => shardRange(total, batchSize, index, count))
}

/** The part file stem of a shard: `part-00003`. */
export function partName(index: number): string {
  return `part-${String(index).padStart(5, '0')}`
}
