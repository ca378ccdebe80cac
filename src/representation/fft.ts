/**
 * A radix-2 complex FFT on float64 arrays, and the 2-D circular convolution that FFT-accelerated
 * t-SNE (FIt-SNE, Linderman et al. 2019) needs. Plain JS so that it runs the same on every backend;
 * sizes are powers of two chosen by the caller.
 */

/** Precomputed twiddles and bit reversal for transforms of one size. */
export interface FftPlan {
  size: number
  cos: Float64Array
  sin: Float64Array
  reversed: Uint32Array
}

/**
 * A plan for transforms of `size` points (a power of two).
 *
 * @example
 * const plan = fftPlan(8)
 */
export function fftPlan(size: number): FftPlan {
  if (size < 2 || (size & (size - 1)) !== 0)
    throw new RangeError(`fftPlan: size ${size} is not a power of two`)
  const cos = new Float64Array(size / 2)
  const sin = new Float64Array(size / 2)
  for (let i = 0; i < size / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / size)
    sin[i] = -Math.sin((2 * Math.PI * i) / size)
  }
  const bits = Math.log2(size)
  const reversed = new Uint32Array(size)
  for (let i = 0; i < size; i++) {
    let r = 0
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b)
    reversed[i] = r
  }
  return { size, cos, sin, reversed }
}

/**
 * In-place FFT of `count` consecutive rows of `plan.size` complex values starting at row `first`
 * (forward: exp(-2 pi i jk/n); inverse: the conjugate transform without the 1/n factor).
 */
export function fftRows(
  plan: FftPlan,
  re: Float64Array,
  im: Float64Array,
  first: number,
  count: number,
  inverse: boolean,
): void {
  const { size, cos, sin, reversed } = plan
  const sign = inverse ? -1 : 1
  for (let row = first; row < first + count; row++) {
    const base = row * size
    for (let i = 0; i < size; i++) {
      const j = reversed[i]!
      if (j > i) {
        const a = base + i
        const b = base + j
        const tr = re[a]!
        re[a] = re[b]!
        re[b] = tr
        const ti = im[a]!
        im[a] = im[b]!
        im[b] = ti
      }
    }
    for (let half = 1; half < size; half <<= 1) {
      const step = (size / (2 * half)) | 0
      for (let start = 0; start < size; start += 2 * half) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step]!
          const wi = sign * sin[k * step]!
          const a = base + start + k
          const b = a + half
          const xr = re[b]! * wr - im[b]! * wi
          const xi = re[b]! * wi + im[b]! * wr
          re[b] = re[a]! - xr
          im[b] = im[a]! - xi
          re[a] = re[a]! + xr
          im[a] = im[a]! + xi
        }
      }
    }
  }
}

/** Transposes a size x size matrix into `out` (never the same array). */
export function transpose(source: Float64Array, out: Float64Array, size: number): void {
  const tile = 32
  for (let i0 = 0; i0 < size; i0 += tile) {
    for (let j0 = 0; j0 < size; j0 += tile) {
      for (let i = i0; i < i0 + tile && i < size; i++) {
        for (let j = j0; j < j0 + tile && j < size; j++) out[j * size + i] = source[i * size + j]!
      }
    }
  }
}

/**
 * 2-D forward FFT of a size x size complex grid whose rows from `usedRows` on are zero; the result is
 * left transposed (the convolution below multiplies and transforms back in that layout).
 */
export function fft2dTransposed(
  plan: FftPlan,
  re: Float64Array,
  im: Float64Array,
  scratchRe: Float64Array,
  scratchIm: Float64Array,
  usedRows: number,
): void {
  const size = plan.size
  fftRows(plan, re, im, 0, usedRows, false)
  transpose(re, scratchRe, size)
  transpose(im, scratchIm, size)
  fftRows(plan, scratchRe, scratchIm, 0, size, false)
  re.set(scratchRe)
  im.set(scratchIm)
}

/**
 * Inverse of {@link fft2dTransposed} (with the 1/size^2 factor); only the first `neededRows` rows of
 * the result are computed.
 */
export function ifft2dFromTransposed(
  plan: FftPlan,
  re: Float64Array,
  im: Float64Array,
  scratchRe: Float64Array,
  scratchIm: Float64Array,
  neededRows: number,
): void {
  const size = plan.size
  fftRows(plan, re, im, 0, size, true)
  transpose(re, scratchRe, size)
  transpose(im, scratchIm, size)
  fftRows(plan, scratchRe, scratchIm, 0, neededRows, true)
  const scale = 1 / (size * size)
  for (let i = 0; i < neededRows * size; i++) {
    re[i] = scratchRe[i]! * scale
    im[i] = scratchIm[i]! * scale
  }
}
