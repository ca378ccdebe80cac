/**
 * Similarity of two explanations, for the randomisation tests: Spearman rank correlation (ties take
 * their average rank, as scipy's `spearmanr`), SSIM (scikit-image's `structural_similarity` defaults:
 * 7x7 uniform window, sample covariance, K1 0.01, K2 0.03; data range the joint range of the two maps,
 * as Quantus passes it) and HOG similarity (Pearson correlation of scikit-image's `hog` features: 9
 * orientations, 8x8-pixel cells, 3x3-cell blocks, L2-Hys), as Adebayo et al. 2018 report them.
 */

/** Pearson correlation; NaN when either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length
  let ma = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    ma += a[i]!
    mb += b[i]!
  }
  ma /= n
  mb /= n
  let sab = 0
  let saa = 0
  let sbb = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma
    const db = b[i]! - mb
    sab += da * db
    saa += da * da
    sbb += db * db
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb)
}

/** Ranks from 1, ties sharing their average rank. */
export function ranks(values: ArrayLike<number>): Float64Array {
  const n = values.length
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => values[x]! - values[y]!)
  const out = new Float64Array(n)
  for (let start = 0; start < n; ) {
    let end = start
    while (end + 1 < n && values[order[end + 1]!] === values[order[start]!]) end++
    const rank = (start + end) / 2 + 1
    for (let k = start; k <= end; k++) out[order[k]!] = rank
    start = end + 1
  }
  return out
}

/** Spearman rank correlation (scipy's `spearmanr` on flattened rows). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b))
}

// scipy.ndimage.uniform_filter, mode 'reflect' (d c b a | a b c d), one axis of an [h, w] image.
function uniformAxis(image: Float64Array, h: number, w: number, size: number, axis: 0 | 1): Float64Array {
  const out = new Float64Array(h * w)
  const left = Math.floor(size / 2)
  const length = axis === 0 ? h : w
  const reflect = (i: number): number => {
    const period = 2 * length
    let j = ((i % period) + period) % period
    if (j >= length) j = period - 1 - j
    return j
  }
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let sum = 0
      for (let k = -left; k < size - left; k++) {
        sum += axis === 0 ? image[reflect(r + k) * w + c]! : image[r * w + reflect(c + k)]!
      }
      out[r * w + c] = sum / size
    }
  }
  return out
}

function uniformFilter(image: Float64Array, h: number, w: number, size: number): Float64Array {
  return uniformAxis(uniformAxis(image, h, w, size, 0), h, w, size, 1)
}

/**
 * SSIM of two [h, w] maps (row-major), scikit-image's defaults; `dataRange` defaults to the joint range
 * of both (Quantus's choice). Maps smaller than 7 pixels on a side use the largest odd window that fits.
 */
export function ssim(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  h: number,
  w: number,
  dataRange?: number,
): number {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < h * w; i++) {
    lo = Math.min(lo, a[i]!, b[i]!)
    hi = Math.max(hi, a[i]!, b[i]!)
  }
  const range = dataRange ?? hi - lo
  let size = Math.min(7, h, w)
  if (size % 2 === 0) size -= 1
  const x = Float64Array.from({ length: h * w }, (_, i) => a[i]!)
  const y = Float64Array.from({ length: h * w }, (_, i) => b[i]!)
  const np = size * size
  const covNorm = np / (np - 1)
  const ux = uniformFilter(x, h, w, size)
  const uy = uniformFilter(y, h, w, size)
  const uxx = uniformFilter(
    x.map((v) => v * v),
    h,
    w,
    size,
  )
  const uyy = uniformFilter(
    y.map((v) => v * v),
    h,
    w,
    size,
  )
  const uxy = uniformFilter(
    x.map((v, i) => v * y[i]!),
    h,
    w,
    size,
  )
  const c1 = (0.01 * range) ** 2
  const c2 = (0.03 * range) ** 2
  const pad = (size - 1) / 2
  let total = 0
  let count = 0
  for (let r = pad; r < h - pad; r++) {
    for (let c = pad; c < w - pad; c++) {
      const i = r * w + c
      const vx = covNorm * (uxx[i]! - ux[i]! * ux[i]!)
      const vy = covNorm * (uyy[i]! - uy[i]! * uy[i]!)
      const vxy = covNorm * (uxy[i]! - ux[i]! * uy[i]!)
      const s =
        ((2 * ux[i]! * uy[i]! + c1) * (2 * vxy + c2)) / ((ux[i]! ** 2 + uy[i]! ** 2 + c1) * (vx + vy + c2))
      total += s
      count++
    }
  }
  return total / count
}

/** scikit-image's `hog` of an [h, w] map (9 orientations, 8x8 cells, 3x3 blocks, L2-Hys). */
export function hog(image: ArrayLike<number>, h: number, w: number): Float64Array {
  const orientations = 9
  const cell = 8
  const block = 3
  const gRow = new Float64Array(h * w)
  const gCol = new Float64Array(h * w)
  for (let r = 1; r < h - 1; r++)
    for (let c = 0; c < w; c++) gRow[r * w + c] = image[(r + 1) * w + c]! - image[(r - 1) * w + c]!
  for (let r = 0; r < h; r++)
    for (let c = 1; c < w - 1; c++) gCol[r * w + c] = image[r * w + c + 1]! - image[r * w + c - 1]!
  const cellsRow = Math.floor(h / cell)
  const cellsCol = Math.floor(w / cell)
  const hist = new Float64Array(cellsRow * cellsCol * orientations)
  const binWidth = 180 / orientations
  for (let cr = 0; cr < cellsRow; cr++) {
    for (let cc = 0; cc < cellsCol; cc++) {
      for (let r = cr * cell; r < (cr + 1) * cell; r++) {
        for (let c = cc * cell; c < (cc + 1) * cell; c++) {
          const i = r * w + c
          const magnitude = Math.hypot(gCol[i]!, gRow[i]!)
          let angle = (Math.atan2(gRow[i]!, gCol[i]!) * 180) / Math.PI
          angle = ((angle % 180) + 180) % 180
          for (let o = 0; o < orientations; o++) {
            // scikit-image's cell_hog: end <= angle < start, start = width (o + 1), end = width o
            if (angle < binWidth * (o + 1) && angle >= binWidth * o) {
              hist[(cr * cellsCol + cc) * orientations + o] += magnitude
              break
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < hist.length; i++) hist[i] = hist[i]! / (cell * cell)
  const blocksRow = cellsRow - block + 1
  const blocksCol = cellsCol - block + 1
  if (blocksRow < 1 || blocksCol < 1) return new Float64Array(0)
  const out = new Float64Array(blocksRow * blocksCol * block * block * orientations)
  const eps = 1e-5
  let k = 0
  for (let br = 0; br < blocksRow; br++) {
    for (let bc = 0; bc < blocksCol; bc++) {
      const values: number[] = []
      for (let r = br; r < br + block; r++)
        for (let c = bc; c < bc + block; c++)
          for (let o = 0; o < orientations; o++) values.push(hist[(r * cellsCol + c) * orientations + o]!)
      let norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0) + eps * eps)
      let clipped = values.map((v) => Math.min(v / norm, 0.2))
      norm = Math.sqrt(clipped.reduce((s, v) => s + v * v, 0) + eps * eps)
      clipped = clipped.map((v) => v / norm)
      for (const v of clipped) out[k++] = v
    }
  }
  return out
}

/** Pearson correlation of the HOG features of two [h, w] maps. */
export function hogSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, h: number, w: number): number {
  return pearson(hog(a, h, w), hog(b, h, w))
}
