/**
 * XRAI's region growing (Kapishnikov et al. 2019; PAIR's `XRAI._xrai`, the 'full' algorithm): starting
 * from nothing, repeatedly add the candidate region whose not-yet-covered pixels have the highest mean
 * attribution; every pixel gets the gain of the region that first covered it. Regions adding fewer
 * than `minPixelDiff` new pixels are dropped.
 */

/** Candidate regions over one `height x width` image, each a list of pixel indices. */
export type Regions = readonly Int32Array[]

/**
 * The XRAI map of one image: per-pixel gain (mean attribution of the region that added it), with
 * pixels no region covered given the mean attribution over all of them.
 *
 * @example
 * const map = growRegions(attribution, regions, { areaThreshold: 1, minPixelDiff: 50 })
 */
export function growRegions(
  attribution: Float64Array,
  regions: Regions,
  options: { areaThreshold: number; minPixelDiff: number },
): Float64Array {
  const pixels = attribution.length
  const output = new Float64Array(pixels).fill(-Infinity)
  const covered = new Uint8Array(pixels)
  let coveredCount = 0
  const remaining = new Set(regions.keys())
  while (coveredCount / pixels <= options.areaThreshold) {
    let bestGain = -Infinity
    let best = -1
    for (const key of [...remaining]) {
      let added = 0
      let sum = 0
      for (const pixel of regions[key]!) {
        if (covered[pixel]) continue
        added++
        sum += attribution[pixel]!
      }
      if (added < options.minPixelDiff) {
        remaining.delete(key)
        continue
      }
      const gain = sum / added
      if (gain > bestGain) {
        bestGain = gain
        best = key
      }
    }
    if (remaining.size === 0 || best < 0) break
    for (const pixel of regions[best]!) {
      if (covered[pixel]) continue
      covered[pixel] = 1
      coveredCount++
      output[pixel] = bestGain
    }
    remaining.delete(best)
  }
  let rest = 0
  let restSum = 0
  for (let pixel = 0; pixel < pixels; pixel++) {
    if (output[pixel] !== -Infinity) continue
    rest++
    restSum += attribution[pixel]!
  }
  if (rest > 0)
    for (let pixel = 0; pixel < pixels; pixel++)
      if (output[pixel] === -Infinity) output[pixel] = restSum / rest
  return output
}

/** The pixels of each label of a segmentation, as regions. */
export function regionsOfLabels(labels: Int32Array): Int32Array[] {
  const lists: number[][] = []
  labels.forEach((label, pixel) => (lists[label] ??= []).push(pixel))
  return lists.filter(Boolean).map((list) => Int32Array.from(list))
}

/** Grows a region by a disk of `radius` pixels (skimage's `dilation(mask, disk(radius))`). */
export function dilate(region: Int32Array, height: number, width: number, radius: number): Int32Array {
  if (radius <= 0) return region
  const inside = new Uint8Array(height * width)
  region.forEach((pixel) => (inside[pixel] = 1))
  const grown = new Uint8Array(height * width)
  const offsets: [number, number][] = []
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++)
      if (dy * dy + dx * dx <= radius * radius) offsets.push([dy, dx])
  for (const pixel of region) {
    const y = Math.floor(pixel / width)
    const x = pixel % width
    for (const [dy, dx] of offsets) {
      const ny = y + dy
      const nx = x + dx
      if (ny >= 0 && ny < height && nx >= 0 && nx < width) grown[ny * width + nx] = 1
    }
  }
  const result: number[] = []
  grown.forEach((value, pixel) => value && result.push(pixel))
  return Int32Array.from(result)
}
