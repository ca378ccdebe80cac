/** The feature-attribution view's pure logic: waterfall steps, bar order, beeswarm layout. */

/** One bar of a waterfall: the running output before and after a feature's contribution. */
export interface WaterfallStep {
  name: string
  value: number
  start: number
  end: number
}

/** Feature positions by decreasing |attribution|. */
export function byMagnitude(attributions: ArrayLike<number>): number[] {
  return Array.from({ length: attributions.length }, (_, i) => i).sort(
    (a, b) => Math.abs(attributions[b]!) - Math.abs(attributions[a]!) || a - b,
  )
}

/**
 * Waterfall steps from the base value to the output: the `max` largest features by magnitude, the
 * rest summed into one step; the last step ends at `base + sum(attributions)`.
 *
 * @example
 * waterfall([0.2, -0.1], ['a', 'b'], 0.5, 10) // [{ name: 'a', start: 0.5, end: 0.7 }, { name: 'b', start: 0.7, end: 0.6 }]
 */
export function waterfall(
  attributions: ArrayLike<number>,
  names: string[],
  base: number,
  max: number,
): WaterfallStep[] {
  const order = byMagnitude(attributions)
  const shown = order.slice(0, max)
  const rest = order.slice(max)
  const steps: WaterfallStep[] = []
  let running = base
  for (const i of shown) {
    const value = attributions[i]!
    steps.push({ name: names[i] ?? `feature ${i}`, value, start: running, end: running + value })
    running += value
  }
  if (rest.length > 0) {
    const value = rest.reduce((sum, i) => sum + attributions[i]!, 0)
    steps.push({ name: `${rest.length} other features`, value, start: running, end: running + value })
  }
  return steps
}

/**
 * The labels of one example's features: `name = value` where the payload sent the raw value as text,
 * the bare name otherwise (no `valueLabels`, or an empty entry). Shown as text only.
 *
 * @example
 * featureLabels(['purpose', 'age'], ['used car', '']) // ['purpose = used car', 'age']
 */
export function featureLabels(names: string[], valueLabels?: string[] | null): string[] {
  return names.map((name, i) => {
    const value = valueLabels?.[i]
    return value ? `${name} = ${value}` : name
  })
}

/**
 * A label cut to `max` characters with an ellipsis, so that it does not run off the chart's label
 * column (the full label goes in a tooltip). In `name = value` the name gives way first, down to 8
 * characters, so that the value stays readable.
 *
 * @example
 * shortLabel('checking_status = 0<=X<200', 24) // 'checking_sta… = 0<=X<200'
 * shortLabel('a very long attribute name', 12)  // 'a very long…'
 */
export function shortLabel(label: string, max: number): string {
  if (label.length <= max) return label
  const cut = (text: string, room: number): string =>
    text.length > room ? `${text.slice(0, Math.max(1, room - 1))}…` : text
  const at = label.indexOf(' = ')
  if (at <= 0 || max < 14) return cut(label, max)
  const [name, value] = [label.slice(0, at), label.slice(at + 3)]
  const nameRoom = Math.min(name.length, Math.max(8, max - 3 - value.length))
  return `${cut(name, nameRoom)} = ${cut(value, max - 3 - nameRoom)}`
}

/**
 * Which features are numeric: those whose raw values (`valueLabels`, [n][f]) all read as numbers.
 * Categorical codes have no order, so the beeswarm does not colour them from low to high. Without
 * raw values every feature counts as numeric.
 *
 * @example
 * numericFeatures([['35', 'A11'], ['41', 'A14']], 2) // [true, false]
 */
export function numericFeatures(valueLabels: string[][] | null | undefined, f: number): boolean[] {
  return Array.from(
    { length: f },
    (_, c) =>
      !valueLabels ||
      valueLabels.every((row) => row[c] === undefined || row[c] === '' || Number.isFinite(Number(row[c]))),
  )
}

/** 'example' or 'examples' after a count: '1 example', '50 examples'. */
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`
}

/**
 * Round tick values for an axis from `lo` to `hi`: about `count` steps of 1, 2 or 5 times a power of ten.
 *
 * @example
 * ticks(-0.12, 0.3, 4) // [-0.1, 0, 0.1, 0.2, 0.3]
 */
export function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo
  if (!(span > 0) || !Number.isFinite(span)) return [lo]
  const raw = span / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10]
    .map((m) => m * power)
    .reduce((best, s) => (Math.abs(span / s - count) < Math.abs(span / best - count) ? s : best))
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number((Math.round(v / step) * step).toPrecision(12)))
  return out
}

/**
 * Global importance per feature: the kernel's `importance` when it sent one (it saw every example),
 * otherwise the mean |attribution| over the rows at hand.
 *
 * @example
 * globalImportance([0.2, 0.1], new Float32Array([1, -2]), 1, 2) // Float32Array [0.2, 0.1]
 */
export function globalImportance(
  importance: number[] | null | undefined,
  matrix: Float32Array,
  n: number,
  f: number,
): Float32Array {
  return importance ? Float32Array.from(importance) : meanMagnitude(matrix, n, f)
}

/** Mean |attribution| per feature over examples (rows of an n x f matrix). */
export function meanMagnitude(matrix: Float32Array, n: number, f: number): Float32Array {
  const out = new Float32Array(f)
  for (let r = 0; r < n; r++) for (let c = 0; c < f; c++) out[c]! += Math.abs(matrix[r * f + c]!) / n
  return out
}

/**
 * Beeswarm offsets: points of one feature row binned along x; each point in a bin is stacked
 * alternately above and below the centre line. Returns offsets in units of one dot.
 */
export function beeswarmOffsets(xs: ArrayLike<number>, bins: number, lo: number, hi: number): Int32Array {
  const offsets = new Int32Array(xs.length)
  const counts = new Int32Array(bins)
  const span = hi - lo || 1
  for (let i = 0; i < xs.length; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((xs[i]! - lo) / span) * bins)))
    const k = counts[bin]!++
    offsets[i] = k % 2 === 0 ? k / 2 : -(k + 1) / 2
  }
  return offsets
}

/** The [min, max] of values, widened to include zero. */
export function extentWithZero(values: ArrayLike<number>): [number, number] {
  let lo = 0
  let hi = 0
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!)
    hi = Math.max(hi, values[i]!)
  }
  return [lo, hi === lo ? lo + 1 : hi]
}

/**
 * The beeswarm's colour for a feature value at `t` (0 lowest .. 1 highest): blue through purple to red,
 * every step dark enough to see on white (a diverging scale's white middle hid the middle values).
 *
 * @example
 * lowHighCss(0)   // 'rgb(33, 102, 172)'
 * lowHighCss(1)   // 'rgb(178, 24, 43)'
 */
export function lowHighCss(t: number): string {
  const stops = [
    [33, 102, 172],
    [136, 86, 167],
    [178, 24, 43],
  ] as const
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * 2
  const k = Math.min(1, Math.floor(x))
  const f = x - k
  const [a, b] = [stops[k]!, stops[k + 1]!]
  const mix = (i: number): number => Math.round(a[i]! + (b[i]! - a[i]!) * f)
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`
}
