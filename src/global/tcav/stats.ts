/**
 * Two-sample t-tests (Student and Welch, two-sided, as scipy.stats.ttest_ind) and multiple-testing
 * corrections (Bonferroni, Benjamini-Hochberg), on plain numbers.
 */

/** A two-sample test's statistic, degrees of freedom and two-sided p-value. */
export interface TTest {
  t: number
  df: number
  p: number
  variant: 'welch' | 'student'
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / values.length
  let squares = 0
  for (const v of values) squares += (v - mean) * (v - mean)
  return { mean, variance: values.length > 1 ? squares / (values.length - 1) : NaN }
}

/**
 * Two-sided two-sample t-test of equal means, like `scipy.stats.ttest_ind(a, b, equal_var)`:
 * `variant: 'student'` pools the variances, `'welch'` does not (Welch-Satterthwaite df).
 * Both samples constant and equal gives t = NaN, p = NaN (scipy does the same).
 */
export function tTest(a: readonly number[], b: readonly number[], variant: 'welch' | 'student'): TTest {
  const x = meanAndVariance(a)
  const y = meanAndVariance(b)
  const n1 = a.length
  const n2 = b.length
  let t: number
  let df: number
  if (variant === 'student') {
    df = n1 + n2 - 2
    const pooled = ((n1 - 1) * x.variance + (n2 - 1) * y.variance) / df
    t = (x.mean - y.mean) / Math.sqrt(pooled * (1 / n1 + 1 / n2))
  } else {
    const v1 = x.variance / n1
    const v2 = y.variance / n2
    t = (x.mean - y.mean) / Math.sqrt(v1 + v2)
    df = ((v1 + v2) * (v1 + v2)) / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1))
  }
  const p = Number.isFinite(t) ? studentTwoSidedP(t, df) : t === Infinity || t === -Infinity ? 0 : NaN
  return { t, df, p, variant }
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2). */
export function studentTwoSidedP(t: number, df: number): number {
  const x = df / (df + t * t)
  return Math.min(1, regularizedIncompleteBeta(x, df / 2, 0.5))
}

function logGamma(z: number): number {
  // Lanczos (g = 7, n = 9), about 15 significant digits.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z)
  z -= 1
  let a = c[0]!
  const t = z + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** I_x(a, b) by Lentz's continued fraction (Numerical Recipes betacf), relative error ~1e-15. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x))
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a
  return 1 - (front * betaFraction(1 - x, b, a)) / b
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const step = d * c
    h *= step
    if (Math.abs(step - 1) < 1e-16) break
  }
  return h
}

/** Multiple-testing correction across a family of p-values. */
export type Correction = 'bonferroni' | 'benjamini-hochberg' | 'none'

/**
 * Adjusted p-values: Bonferroni (p * m, capped at 1) or Benjamini-Hochberg (step-up, as
 * statsmodels' `fdr_bh`). NaN p-values stay NaN and do not count in m.
 */
export function adjustPValues(p: readonly number[], correction: Correction): number[] {
  const finite = p.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v))
  const m = finite.length
  const out = p.map(() => NaN)
  if (correction === 'none') return p.slice()
  if (correction === 'bonferroni') {
    for (const [v, i] of finite) out[i] = Math.min(1, v * m)
    return out
  }
  const sorted = finite.slice().sort((x, y) => x[0] - y[0])
  let running = 1
  for (let k = m - 1; k >= 0; k--) {
    const [v, i] = sorted[k]!
    running = Math.min(running, (v * m) / (k + 1))
    out[i] = Math.min(1, running)
  }
  return out
}
