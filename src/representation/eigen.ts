/**
 * Eigen-decomposition of a small symmetric matrix in float64: Householder reduction to tridiagonal
 * form, then the implicit QL algorithm (after JAMA's tred2/tql2, public domain). tfjs has no eig op;
 * PCA only ever decomposes matrices of size components+oversamples, or a covariance of <= 1000 features.
 */

/** Eigenvalues in descending order and their unit eigenvectors as rows (`vectors[i * n + j]`). */
export interface SymmetricEigen {
  values: Float64Array
  vectors: Float64Array
}

/**
 * Decomposes the symmetric n x n matrix `a` (row-major; only its values are read, never written).
 *
 * @example
 * symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values   // Float64Array [3, 1]
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  // V holds the working matrix, column-major-agnostic since it is symmetric; after tred2 it holds Q.
  const V = new Float64Array(n * n)
  for (let i = 0; i < n * n; i++) V[i] = a[i]!
  const d = new Float64Array(n)
  const e = new Float64Array(n)
  // tred2 works on the transpose (symmetric input, so the same values) to walk rows, not columns;
  // it leaves Q transposed, which is what tql2 below expects.
  tred2(V, d, e, n)
  tql2(V, d, e, n)
  // tql2 leaves the eigenvectors in the rows of (transposed) V, in no particular order.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]!)
  const values = new Float64Array(n)
  const vectors = new Float64Array(n * n)
  order.forEach((column, row) => {
    values[row] = d[column]!
    for (let k = 0; k < n; k++) vectors[row * n + k] = V[column * n + k]!
  })
  return { values, vectors }
}

function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[j * n + (n - 1)]!
  for (let i = n - 1; i > 0; i--) {
    let scale = 0
    let h = 0
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!)
    if (scale === 0) {
      e[i] = d[i - 1]!
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + (i - 1)]!
        V[j * n + i] = 0
        V[i * n + j] = 0
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale
        h += d[k]! * d[k]!
      }
      let f = d[i - 1]!
      let g = Math.sqrt(h)
      if (f > 0) g = -g
      e[i] = scale * g
      h -= f * g
      d[i - 1] = f - g
      for (let j = 0; j < i; j++) e[j] = 0
      for (let j = 0; j < i; j++) {
        f = d[j]!
        V[i * n + j] = f
        g = e[j]! + V[j * n + j]! * f
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[j * n + k]! * d[k]!
          e[k] = e[k]! + V[j * n + k]! * f
        }
        e[j] = g
      }
      f = 0
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h
        f += e[j]! * d[j]!
      }
      const hh = f / (h + h)
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!
      for (let j = 0; j < i; j++) {
        f = d[j]!
        g = e[j]!
        for (let k = j; k <= i - 1; k++) V[j * n + k] = V[j * n + k]! - (f * e[k]! + g * d[k]!)
        d[j] = V[j * n + (i - 1)]!
        V[j * n + i] = 0
      }
    }
    d[i] = h
  }
  for (let i = 0; i < n - 1; i++) {
    V[i * n + (n - 1)] = V[i * n + i]!
    V[i * n + i] = 1
    const h = d[i + 1]!
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[(i + 1) * n + k]! / h
      for (let j = 0; j <= i; j++) {
        let g = 0
        for (let k = 0; k <= i; k++) g += V[(i + 1) * n + k]! * V[j * n + k]!
        for (let k = 0; k <= i; k++) V[j * n + k] = V[j * n + k]! - g * d[k]!
      }
    }
    for (let k = 0; k <= i; k++) V[(i + 1) * n + k] = 0
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + (n - 1)]!
    V[j * n + (n - 1)] = 0
  }
  V[(n - 1) * n + (n - 1)] = 1
  e[0] = 0
}

function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!
  e[n - 1] = 0
  let f = 0
  let tst1 = 0
  const eps = 2 ** -52
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!))
    let m = l
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break
      m++
    }
    if (m > l) {
      do {
        let g = d[l]!
        let p = (d[l + 1]! - g) / (2 * e[l]!)
        let r = Math.hypot(p, 1)
        if (p < 0) r = -r
        d[l] = e[l]! / (p + r)
        d[l + 1] = e[l]! * (p + r)
        const dl1 = d[l + 1]!
        let h = g - d[l]!
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h
        f += h
        p = d[m]!
        let c = 1
        let c2 = c
        let c3 = c
        const el1 = e[l + 1]!
        let s = 0
        let s2 = 0
        for (let i = m - 1; i >= l; i--) {
          c3 = c2
          c2 = c
          s2 = s
          g = c * e[i]!
          h = c * p
          r = Math.hypot(p, e[i]!)
          e[i + 1] = s * r
          s = e[i]! / r
          c = p / r
          p = c * d[i]! - s * g
          d[i + 1] = h + s * (c * g + s * d[i]!)
          // V is transposed here (see symmetricEigen), so this rotation walks two contiguous rows.
          const rowI = i * n
          const rowNext = rowI + n
          for (let k = 0; k < n; k++) {
            h = V[rowNext + k]!
            V[rowNext + k] = s * V[rowI + k]! + c * h
            V[rowI + k] = c * V[rowI + k]! - s * h
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1
        e[l] = s * p
        d[l] = c * p
      } while (Math.abs(e[l]!) > eps * tst1)
    }
    d[l] = d[l]! + f
    e[l] = 0
  }
}
