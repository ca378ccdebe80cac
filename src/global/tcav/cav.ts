/**
 * Concept activation vectors: a linear direction in a layer's activations separating a concept's
 * examples from a random set, by logistic regression or by the difference of the means, with the
 * classifier's accuracy on held-out examples.
 */
import type { Random } from '../../data/random'

/** How a CAV is found. */
export type CavClassifier = 'logistic' | 'mean-difference'

/** A unit direction pointing toward the concept, and its held-out accuracy. */
export interface Cav {
  direction: Float64Array
  accuracy: number
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

function mean(rows: readonly Float64Array[], d: number): Float64Array {
  const m = new Float64Array(d)
  for (const r of rows) for (let j = 0; j < d; j++) m[j]! += r[j]! / rows.length
  return m
}

/**
 * Trains a CAV on two thirds of each set (seeded split) and measures its accuracy on the rest.
 * Logistic regression: L2-penalised (1e-3), full-batch gradient descent on standardised activations,
 * the weights mapped back to the activation space.
 */
export function trainCav(
  concept: readonly Float64Array[],
  random: readonly Float64Array[],
  classifier: CavClassifier,
  rng: Random,
): Cav {
  const d = concept[0]!.length
  const split = <T>(rows: readonly T[]): [T[], T[]] => {
    const order = shuffle(rows.slice(), rng)
    const cut = Math.max(1, Math.round((rows.length * 2) / 3))
    return [order.slice(0, cut), order.slice(cut)]
  }
  const [conceptTrain, conceptTest] = split(concept)
  const [randomTrain, randomTest] = split(random)
  let w: Float64Array
  let b = 0
  if (classifier === 'mean-difference') {
    const a = mean(conceptTrain, d)
    const r = mean(randomTrain, d)
    w = a.map((v, j) => v - r[j]!)
    let middle = 0
    for (let j = 0; j < d; j++) middle += (w[j]! * (a[j]! + r[j]!)) / 2
    b = -middle
  } else {
    const rows = [...conceptTrain, ...randomTrain]
    const y = rows.map((_, i) => (i < conceptTrain.length ? 1 : 0))
    const mu = mean(rows, d)
    const sd = new Float64Array(d)
    for (const r of rows) for (let j = 0; j < d; j++) sd[j]! += (r[j]! - mu[j]!) ** 2 / rows.length
    for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1
    const z = rows.map((r) => Float64Array.from(r, (v, j) => (v - mu[j]!) / sd[j]!))
    const v = new Float64Array(d)
    let c = 0
    const rate = 0.5
    const lambda = 1e-3
    for (let step = 0; step < 300; step++) {
      const grad = new Float64Array(d)
      let gradC = 0
      z.forEach((row, i) => {
        let s = c
        for (let j = 0; j < d; j++) s += v[j]! * row[j]!
        const e = 1 / (1 + Math.exp(-s)) - y[i]!
        for (let j = 0; j < d; j++) grad[j]! += (e * row[j]!) / z.length
        gradC += e / z.length
      })
      for (let j = 0; j < d; j++) v[j]! -= rate * (grad[j]! + lambda * v[j]!)
      c -= rate * gradC
    }
    w = v.map((value, j) => value / sd[j]!)
    b = c
    for (let j = 0; j < d; j++) b -= w[j]! * mu[j]!
  }
  const score = (r: Float64Array): number => {
    let s = b
    for (let j = 0; j < d; j++) s += w[j]! * r[j]!
    return s
  }
  const test = [...conceptTest.map((r) => score(r) > 0), ...randomTest.map((r) => score(r) <= 0)]
  const accuracy = test.length ? test.filter(Boolean).length / test.length : NaN
  let norm = 0
  for (const v of w) norm += v * v
  norm = Math.sqrt(norm) || 1
  return { direction: w.map((v) => v / norm), accuracy }
}

/** TCAV scores of one CAV over the inputs' gradients: sign count and magnitude. */
export function tcavScores(
  gradients: readonly Float64Array[],
  direction: Float64Array,
): { score: number; magnitude: number } {
  let positive = 0
  let positiveSum = 0
  let absoluteSum = 0
  for (const g of gradients) {
    let s = 0
    for (let j = 0; j < g.length; j++) s += g[j]! * direction[j]!
    if (s > 0) {
      positive++
      positiveSum += s
    }
    absoluteSum += Math.abs(s)
  }
  return { score: positive / gradients.length, magnitude: absoluteSum > 0 ? positiveSum / absoluteSum : 0.5 }
}
