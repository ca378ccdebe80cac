/** What the attribution parity tests share: the fixtures, their decoding, and the measure of agreement. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const FIXTURES = join(__dirname, '..', 'fixtures')
/** A difference must stay under this fraction of the reference attribution's range. */
export const TOLERANCE = 1e-4

/** Float32 values written as base64 by the reference scripts. */
export function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64')
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

/** A JSON fixture under test/fixtures/attribution. */
export function json<T>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, 'attribution', file), 'utf8')) as T
}

/**
 * Max |ours - theirs| divided by the range of theirs. `ours` may hold each of theirs `stride` times
 * in a row (a one-channel map repeated over channels); the caller checks the stride it allows.
 */
export function relativeDifference(ours: Float32Array, theirs: Float32Array): number {
  const stride = ours.length / theirs.length
  let [low, high, worst] = [Infinity, -Infinity, 0]
  for (let i = 0; i < theirs.length; i++) {
    low = Math.min(low, theirs[i]!)
    high = Math.max(high, theirs[i]!)
    worst = Math.max(worst, Math.abs(ours[i * stride]! - theirs[i]!))
  }
  return worst / Math.max(high - low, 1e-12)
}
