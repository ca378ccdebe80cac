/**
 * t-SNE repulsion by FFT-accelerated interpolation (FIt-SNE, Linderman et al. 2019; openTSNE's default
 * for large N): the embedding's bounding square is cut into boxes, each with 3 Lagrange interpolation
 * nodes per axis; four charges per point (1, y1, y2, |y|^2) are spread onto the node grid, convolved with
 * the kernel 1/(1 + d^2)^2 by FFT, and interpolated back. O(N + G log G) per iteration.
 *
 * On the native backend the convolution runs as TensorFlow FFT ops on any 2,3,5,7-smooth size (boxes
 * at most 1 unit wide, as openTSNE); elsewhere a JS radix-2 FFT runs on power-of-two grids.
 */
import * as tf from '@tensorflow/tfjs'
import { fft2dTransposed, fftPlan, ifft2dFromTransposed, type FftPlan } from './fft'

const NODES = 3
/** Fewest boxes per axis (openTSNE: 50). */
const MINIMUM_BOXES = 50
/** Widest box in embedding units on the native path (openTSNE: 1). */
const NATIVE_BOX_WIDTH = 1
/** Widest box on the JS path, before the power-of-two grid doubles. */
const JS_BOX_WIDTH = 1.5

/** The grid of one iteration. */
interface Grid {
  low: number
  boxes: number
  /** Nodes per axis: boxes * 3. */
  nodes: number
  /** FFT size per axis (>= 2 * nodes - 1). */
  size: number
  boxWidth: number
}

/** Buffers reused across iterations of one run (sizes grow as the embedding spreads). */
export class FftRepulsion {
  /** Whether the FFTs run as native TensorFlow ops (several times faster than the JS FFT). */
  private readonly native = tf.getBackend() === 'tensorflow'
  private plan: FftPlan | undefined
  private fftBuffers: Float64Array[] = []
  private boxOf = new Int32Array(0)
  private weights = new Float64Array(0)
  /** Charges, then potentials: A = (1, y1) as re/im, B = (y2, |y|^2), each nodes x nodes row-major. */
  private chargesRe = new Float64Array(0)
  private chargesIm = new Float64Array(0)
  /** The kernel's spectrum on the native path, kept while the grid (size and spacing) stays the same. */
  private spectrum: { key: string; tensor: tf.Tensor2D } | undefined

  /** Frees the cached kernel spectrum (call when the run ends). */
  dispose(): void {
    this.spectrum?.tensor.dispose()
    this.spectrum = undefined
  }

  /**
   * Subtracts the repulsive forces from `gradient` and returns Z = sum_{i != j} 1 / (1 + d_ij^2).
   *
   * @example
   * const z = new FftRepulsion().subtract(y, n, gradient)
   */
  subtract(y: Float64Array, rows: number, gradient: Float64Array): number {
    const grid = this.native ? nativeGrid(y, rows) : powerOfTwoGrid(y, rows)
    const { nodes, boxWidth, low, boxes } = grid
    const cells = nodes * nodes
    if (this.chargesRe.length < 2 * cells) {
      this.chargesRe = new Float64Array(2 * cells)
      this.chargesIm = new Float64Array(2 * cells)
    }
    const re = this.chargesRe
    const im = this.chargesIm
    re.fill(0, 0, 2 * cells)
    im.fill(0, 0, 2 * cells)
    if (this.boxOf.length < 2 * rows) {
      this.boxOf = new Int32Array(2 * rows)
      this.weights = new Float64Array(6 * rows)
    }
    const boxOf = this.boxOf
    const weights = this.weights
    for (let i = 0; i < rows; i++) {
      for (let axis = 0; axis < 2; axis++) {
        const position = (y[2 * i + axis]! - low) / boxWidth
        const box = Math.min(Math.floor(position), boxes - 1)
        boxOf[2 * i + axis] = box
        lagrange(position - box, weights, 6 * i + 3 * axis)
      }
    }
    for (let i = 0; i < rows; i++) {
      const y1 = y[2 * i]!
      const y2 = y[2 * i + 1]!
      const norm = y1 * y1 + y2 * y2
      const row0 = boxOf[2 * i]! * NODES
      const column0 = boxOf[2 * i + 1]! * NODES
      for (let a = 0; a < NODES; a++) {
        const wx = weights[6 * i + a]!
        const base = (row0 + a) * nodes + column0
        for (let b = 0; b < NODES; b++) {
          const w = wx * weights[6 * i + 3 + b]!
          const cell = base + b
          re[cell] = re[cell]! + w
          im[cell] = im[cell]! + w * y1
          re[cells + cell] = re[cells + cell]! + w * y2
          im[cells + cell] = im[cells + cell]! + w * norm
        }
      }
    }
    if (this.native) this.convolveNative(grid, re, im)
    else this.convolveJs(grid, kernelQuadrant(nodes, boxWidth / NODES), re, im)
    let z = 0
    for (let i = 0; i < rows; i++) {
      const row0 = boxOf[2 * i]! * NODES
      const column0 = boxOf[2 * i + 1]! * NODES
      let p0 = 0
      let p1 = 0
      let p2 = 0
      let p3 = 0
      for (let a = 0; a < NODES; a++) {
        const wx = weights[6 * i + a]!
        const base = (row0 + a) * nodes + column0
        for (let b = 0; b < NODES; b++) {
          const w = wx * weights[6 * i + 3 + b]!
          const cell = base + b
          p0 += w * re[cell]!
          p1 += w * im[cell]!
          p2 += w * re[cells + cell]!
          p3 += w * im[cells + cell]!
        }
      }
      const y1 = y[2 * i]!
      const y2 = y[2 * i + 1]!
      z += (1 + y1 * y1 + y2 * y2) * p0 - 2 * (y1 * p1 + y2 * p2) + p3
      // The forces need Z first; park them in the gradient's scratch via the weights' slots.
      weights[6 * i] = y1 * p0 - p1
      weights[6 * i + 1] = y2 * p0 - p2
    }
    z -= rows
    for (let i = 0; i < rows; i++) {
      gradient[2 * i] = gradient[2 * i]! - weights[6 * i]! / z
      gradient[2 * i + 1] = gradient[2 * i + 1]! - weights[6 * i + 1]! / z
    }
    return z
  }

  /**
   * The circular convolution with TensorFlow's FFT. Spectra stay transposed (the kernel depends on
   * dr^2 + dc^2, so its spectrum is symmetric), which saves two transposes; the zero half of the padded
   * charges is skipped in the first pass, and only the needed half is transformed in the last.
   */
  private convolveNative(grid: Grid, re: Float64Array, im: Float64Array): void {
    const { size, nodes, boxWidth } = grid
    const cells = nodes * nodes
    const spectrum = this.kernelSpectrum(size, nodes, boxWidth / NODES)
    let outRe = new Float32Array(0)
    let outIm = new Float32Array(0)
    // Assigned, not returned: tf.tidy would walk returned typed arrays element by element.
    tf.tidy(() => {
      const columnsPad = [
        [0, 0],
        [0, 0],
        [0, size - nodes],
      ] as [number, number][]
      const x = tf.complex(
        tf.tensor3d(Float32Array.from(re.subarray(0, 2 * cells)), [2, nodes, nodes]).pad(columnsPad),
        tf.tensor3d(Float32Array.from(im.subarray(0, 2 * cells)), [2, nodes, nodes]).pad(columnsPad),
      )
      // Rows 0..nodes-1 transformed along columns; the zero rows below transform to zero.
      const half = tf.spectral.fft(x).transpose([0, 2, 1])
      const padded = tf.complex(tf.real(half).pad(columnsPad), tf.imag(half).pad(columnsPad))
      const g = tf.spectral.fft(padded)
      const h = tf.complex(tf.real(g).mul(spectrum), tf.imag(g).mul(spectrum))
      const back = tf.spectral.ifft(h).transpose([0, 2, 1]).slice([0, 0, 0], [2, nodes, size])
      const out = tf.spectral.ifft(back)
      outRe = tf.real(out).slice([0, 0, 0], [2, nodes, nodes]).dataSync() as Float32Array
      outIm = tf.imag(out).slice([0, 0, 0], [2, nodes, nodes]).dataSync() as Float32Array
    })
    re.set(outRe)
    im.set(outIm)
  }

  private kernelSpectrum(size: number, nodes: number, spacing: number): tf.Tensor2D {
    const key = `${size}:${spacing}`
    if (this.spectrum?.key === key) return this.spectrum.tensor
    this.dispose()
    const tensor = tf.tidy(() => {
      const quadrant = tf.tensor2d(Float32Array.from(kernelQuadrant(nodes, spacing)), [nodes, nodes])
      const gap = size - 2 * nodes + 1
      const mirror = (t: tf.Tensor2D, axis: 0 | 1): tf.Tensor2D => {
        const rest = axis === 0 ? t.slice([1, 0], [-1, -1]) : t.slice([0, 1], [-1, -1])
        const zeros = tf.zeros(axis === 0 ? [gap, t.shape[1]] : [t.shape[0], gap])
        return tf.concat([t, zeros, tf.reverse(rest, axis)], axis) as tf.Tensor2D
      }
      const k = mirror(mirror(quadrant, 1), 0)
      return tf.real(
        tf.spectral.fft(tf.spectral.fft(tf.complex(k, tf.zerosLike(k))).transpose([1, 0])),
      ) as tf.Tensor2D
    })
    // Kept across iterations; disposed by dispose() when the grid changes or the run ends.
    this.spectrum = { key, tensor: tf.keep(tensor) }
    return tensor
  }

  /** The JS path: circulant embedding into power-of-two grids and the radix-2 FFT of fft.ts. */
  private convolveJs(grid: Grid, kernel: Float64Array, re: Float64Array, im: Float64Array): void {
    const { size, nodes } = grid
    if (this.plan?.size !== size) {
      this.plan = fftPlan(size)
      this.fftBuffers = Array.from({ length: 6 }, () => new Float64Array(size * size))
    }
    const plan = this.plan
    const [gRe, gIm, kRe, kIm, sRe, sIm] = this.fftBuffers as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ]
    kRe.fill(0)
    kIm.fill(0)
    for (let r = 0; r < nodes; r++) {
      for (let c = 0; c < nodes; c++) {
        const value = kernel[r * nodes + c]!
        kRe[r * size + c] = value
        if (r > 0) kRe[(size - r) * size + c] = value
        if (c > 0) kRe[r * size + size - c] = value
        if (r > 0 && c > 0) kRe[(size - r) * size + size - c] = value
      }
    }
    fft2dTransposed(plan, kRe, kIm, sRe, sIm, size)
    for (let half = 0; half < 2; half++) {
      gRe.fill(0)
      gIm.fill(0)
      const offset = half * nodes * nodes
      for (let r = 0; r < nodes; r++) {
        gRe.set(re.subarray(offset + r * nodes, offset + (r + 1) * nodes), r * size)
        gIm.set(im.subarray(offset + r * nodes, offset + (r + 1) * nodes), r * size)
      }
      fft2dTransposed(plan, gRe, gIm, sRe, sIm, nodes)
      // The kernel is real and even, so its spectrum is real: multiply both parts by it.
      for (let e = 0; e < size * size; e++) {
        gRe[e] = gRe[e]! * kRe[e]!
        gIm[e] = gIm[e]! * kRe[e]!
      }
      ifft2dFromTransposed(plan, gRe, gIm, sRe, sIm, nodes)
      for (let r = 0; r < nodes; r++) {
        re.set(gRe.subarray(r * size, r * size + nodes), offset + r * nodes)
        im.set(gIm.subarray(r * size, r * size + nodes), offset + r * nodes)
      }
    }
  }
}

function extent(y: Float64Array, rows: number): { low: number; range: number } {
  let low = Infinity
  let high = -Infinity
  for (let e = 0; e < 2 * rows; e++) {
    const v = y[e]!
    if (v < low) low = v
    if (v > high) high = v
  }
  return { low, range: Math.max(high - low, 1e-6) * (1 + 1e-9) }
}

function nativeGrid(y: Float64Array, rows: number): Grid {
  const { low, range } = extent(y, rows)
  let boxes = Math.max(MINIMUM_BOXES, Math.ceil(range / NATIVE_BOX_WIDTH))
  while (!isSmooth(2 * NODES * boxes)) boxes++
  const nodes = boxes * NODES
  // Once the embedding is wider than the fewest boxes, boxes are exactly NATIVE_BOX_WIDTH wide: the
  // kernel's spectrum then depends on the grid size alone and is reused across iterations.
  const boxWidth = range > MINIMUM_BOXES * NATIVE_BOX_WIDTH ? NATIVE_BOX_WIDTH : range / boxes
  return { low, boxes, nodes, size: 2 * nodes, boxWidth }
}

function powerOfTwoGrid(y: Float64Array, rows: number): Grid {
  const { low, range } = extent(y, rows)
  let size = 256
  while (size < 4096 && range / Math.floor(size / 2 / NODES) > JS_BOX_WIDTH) size *= 2
  const boxes = Math.floor(size / 2 / NODES)
  return { low, boxes, nodes: boxes * NODES, size, boxWidth: range / boxes }
}

/** Whether n has no prime factor above 7 (fast sizes for TensorFlow's FFT). */
function isSmooth(n: number): boolean {
  for (const p of [2, 3, 5, 7]) while (n % p === 0) n /= p
  return n === 1
}

/** K(dr, dc) = 1 / (1 + spacing^2 (dr^2 + dc^2))^2 for 0 <= dr, dc < nodes. */
function kernelQuadrant(nodes: number, spacing: number): Float64Array {
  const out = new Float64Array(nodes * nodes)
  const s2 = spacing * spacing
  for (let r = 0; r < nodes; r++) {
    for (let c = 0; c < nodes; c++) {
      const q = 1 / (1 + s2 * (r * r + c * c))
      out[r * nodes + c] = q * q
    }
  }
  return out
}

/** Lagrange basis at nodes 1/6, 1/2, 5/6 of a unit box, evaluated at u, written to out[at..at+2]. */
function lagrange(u: number, out: Float64Array, at: number): void {
  const t0 = 1 / 6
  const t1 = 1 / 2
  const t2 = 5 / 6
  out[at] = ((u - t1) * (u - t2)) / ((t0 - t1) * (t0 - t2))
  out[at + 1] = ((u - t0) * (u - t2)) / ((t1 - t0) * (t1 - t2))
  out[at + 2] = ((u - t0) * (u - t1)) / ((t2 - t0) * (t2 - t1))
}
