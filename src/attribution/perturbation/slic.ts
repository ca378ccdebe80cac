/**
 * SLIC superpixels (Achanta et al. 2012) in plain TypeScript: k-means in (colour, position) space,
 * searched in a 2S x 2S window around each centre, then connectivity enforced so that every segment
 * is one connected region. Colour images are compared in CIELAB, grayscale ones as lightness 0..100,
 * so one compactness (default 10) suits both.
 */

/** How to cut an image into superpixels. */
export interface SlicOptions {
  /** About how many segments to make (default 50). */
  segments?: number
  /** Weight of position against colour: higher gives squarer segments (default 10). */
  compactness?: number
  /** k-means iterations (default 10). */
  iterations?: number
}

/**
 * Segments one image, `pixels` row-major `[height, width, channels]` with values in [0, 1], into
 * superpixels; returns one label per pixel, labels 0..count-1.
 *
 * @example
 * const { labels, count } = slic(imageData, 28, 28, 1, { segments: 16 })
 */
export function slic(
  pixels: Float32Array,
  height: number,
  width: number,
  channels: number,
  options: SlicOptions = {},
): { labels: Int32Array; count: number } {
  const { segments = 50, compactness = 10, iterations = 10 } = options
  const features = toLab(pixels, height * width, channels)
  const depth = features.length / (height * width)
  const step = Math.max(1, Math.sqrt((height * width) / Math.max(1, segments)))
  const centres: number[][] = []
  for (let y = step / 2; y < height; y += step)
    for (let x = step / 2; x < width; x += step) {
      const pixel = Math.floor(y) * width + Math.floor(x)
      centres.push([Math.floor(y), Math.floor(x), ...features.subarray(pixel * depth, pixel * depth + depth)])
    }
  const labels = new Int32Array(height * width).fill(-1)
  const distances = new Float64Array(height * width)
  const spatialWeight = (compactness / step) ** 2
  for (let iteration = 0; iteration < iterations; iteration++) {
    distances.fill(Infinity)
    centres.forEach((centre, index) => {
      const [cy, cx] = centre as [number, number]
      const top = Math.max(0, Math.floor(cy - step)),
        bottom = Math.min(height, Math.ceil(cy + step + 1))
      const left = Math.max(0, Math.floor(cx - step)),
        right = Math.min(width, Math.ceil(cx + step + 1))
      for (let y = top; y < bottom; y++)
        for (let x = left; x < right; x++) {
          const pixel = y * width + x
          let colour = 0
          for (let d = 0; d < depth; d++) colour += (features[pixel * depth + d]! - centre[2 + d]!) ** 2
          const distance = colour + spatialWeight * ((y - cy) ** 2 + (x - cx) ** 2)
          if (distance < distances[pixel]!) {
            distances[pixel] = distance
            labels[pixel] = index
          }
        }
    })
    const sums = centres.map(() => new Float64Array(2 + depth + 1))
    for (let pixel = 0; pixel < height * width; pixel++) {
      const sum = sums[labels[pixel]!]
      if (!sum) continue
      sum[0]! += Math.floor(pixel / width)
      sum[1]! += pixel % width
      for (let d = 0; d < depth; d++) sum[2 + d]! += features[pixel * depth + d]!
      sum[2 + depth]! += 1
    }
    sums.forEach((sum, index) => {
      const count = sum[2 + depth]!
      if (count > 0) centres[index] = Array.from(sum.subarray(0, 2 + depth), (value) => value / count)
    })
  }
  return enforceConnectivity(labels, height, width, Math.max(1, Math.floor((step * step) / 4)))
}

/** Relabels connected components; components smaller than `minimum` join their neighbour. */
export function enforceConnectivity(
  labels: Int32Array,
  height: number,
  width: number,
  minimum: number,
): { labels: Int32Array; count: number } {
  const result = new Int32Array(height * width).fill(-1)
  const queue = new Int32Array(height * width)
  const offsets = [
    [-1, 0],
    [1, 0],
    [0, -1],
    [0, 1],
  ] as const
  let count = 0
  for (let start = 0; start < height * width; start++) {
    if (result[start] !== -1) continue
    let adjacent = -1
    const sy = Math.floor(start / width),
      sx = start % width
    for (const [dy, dx] of offsets) {
      const y = sy + dy,
        x = sx + dx
      if (y >= 0 && y < height && x >= 0 && x < width && result[y * width + x]! >= 0)
        adjacent = result[y * width + x]!
    }
    let head = 0,
      tail = 0
    queue[tail++] = start
    result[start] = count
    while (head < tail) {
      const pixel = queue[head++]!
      const py = Math.floor(pixel / width),
        px = pixel % width
      for (const [dy, dx] of offsets) {
        const y = py + dy,
          x = px + dx
        if (y < 0 || y >= height || x < 0 || x >= width) continue
        const next = y * width + x
        if (result[next] === -1 && labels[next] === labels[start]) {
          result[next] = count
          queue[tail++] = next
        }
      }
    }
    if (tail < minimum && adjacent >= 0) {
      for (let index = 0; index < tail; index++) result[queue[index]!] = adjacent
    } else {
      count++
    }
  }
  return { labels: result, count }
}

function toLab(pixels: Float32Array, count: number, channels: number): Float64Array {
  if (channels !== 3) {
    const lightness = new Float64Array(count * channels)
    for (let index = 0; index < count * channels; index++) lightness[index] = pixels[index]! * 100
    return lightness
  }
  const lab = new Float64Array(count * 3)
  const linear = (value: number): number =>
    value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
  const curve = (value: number): number => (value > 0.008856 ? Math.cbrt(value) : 7.787 * value + 16 / 116)
  for (let pixel = 0; pixel < count; pixel++) {
    const r = linear(pixels[pixel * 3]!),
      g = linear(pixels[pixel * 3 + 1]!),
      b = linear(pixels[pixel * 3 + 2]!)
    const fx = curve((0.412453 * r + 0.35758 * g + 0.180423 * b) / 0.95047)
    const fy = curve(0.212671 * r + 0.71516 * g + 0.072169 * b)
    const fz = curve((0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.08883)
    lab[pixel * 3] = 116 * fy - 16
    lab[pixel * 3 + 1] = 500 * (fx - fy)
    lab[pixel * 3 + 2] = 200 * (fy - fz)
  }
  return lab
}
