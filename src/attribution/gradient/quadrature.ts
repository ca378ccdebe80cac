/** Integration rules along the path from baseline to input, as Captum defines them. */
import { throwIfInterrupted } from '../../session/interrupt'

/** How the path integral is approximated. */
export type IntegrationRule =
  | 'riemann-left'
  | 'riemann-right'
  | 'riemann-middle'
  | 'riemann-trapezoid'
  | 'gauss-legendre'

/** The rules, for validation and documentation. */
export const INTEGRATION_RULES: readonly IntegrationRule[] = [
  'riemann-left',
  'riemann-right',
  'riemann-middle',
  'riemann-trapezoid',
  'gauss-legendre',
]

/**
 * Points in [0, 1] and their weights (summing to 1) for `steps` evaluations.
 *
 * @example
 * quadrature('riemann-middle', 4)   // { alphas: [0.125, 0.375, 0.625, 0.875], weights: [0.25, ...] }
 */
export function quadrature(rule: IntegrationRule, steps: number): { alphas: number[]; weights: number[] } {
  const n = steps
  const uniform = () => Array.from({ length: n }, () => 1 / n)
  const linspace = (from: number, to: number) =>
    Array.from({ length: n }, (_, i) => (n === 1 ? from : from + ((to - from) * i) / (n - 1)))
  switch (rule) {
    case 'riemann-left':
      return { alphas: linspace(0, 1 - 1 / n), weights: uniform() }
    case 'riemann-right':
      return { alphas: linspace(1 / n, 1), weights: uniform() }
    case 'riemann-middle':
      return { alphas: linspace(1 / (2 * n), 1 - 1 / (2 * n)), weights: uniform() }
    case 'riemann-trapezoid': {
      if (n < 2) return { alphas: [0.5], weights: [1] }
      const weights = Array.from({ length: n }, (_, i) => (i === 0 || i === n - 1 ? 0.5 : 1) / (n - 1))
      return { alphas: linspace(0, 1), weights }
    }
    case 'gauss-legendre': {
      const { nodes, weights } = gaussLegendre(n)
      return { alphas: nodes.map((x) => 0.5 * (1 + x)), weights: weights.map((w) => 0.5 * w) }
    }
  }
}

/** Gauss-Legendre nodes and weights on [-1, 1], ascending (numpy's leggauss), by Newton's method. */
function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n)
  const weights = new Array<number>(n)
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5))
    let derivative = 0
    for (let iteration = 0; iteration < 100; iteration++) {
      // O(n) per Newton step: with a million steps one node takes a second, so the user may stop it here.
      throwIfInterrupted('Gauss-Legendre nodes', {
        done: i,
        total: Math.ceil(n / 2),
        unit: 'Gauss-Legendre nodes',
      })
      let [p0, p1] = [1, x]
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k]
      const pn = n === 1 ? x : p1
      const pPrev = n === 1 ? 1 : p0
      derivative = (n * (x * pn - pPrev)) / (x * x - 1)
      const step = pn / derivative
      x -= step
      if (Math.abs(step) < 1e-15) break
    }
    const weight = 2 / ((1 - x * x) * derivative * derivative)
    nodes[i] = -x
    nodes[n - 1 - i] = x
    weights[i] = weight
    weights[n - 1 - i] = weight
  }
  return { nodes, weights }
}
