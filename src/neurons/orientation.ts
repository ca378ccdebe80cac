/**
 * The dominant stripe orientation of an image, from its structure tensor: how a test (or a reader)
 * checks that a feature visualization shows the orientation its unit is tuned to.
 */
import type { ImageData } from './render'

/** What {@link dominantOrientation} measures. */
export interface ImageOrientation {
  /** Stripe orientation in degrees, 0..180 (0 horizontal stripes, 90 vertical, 45 rising to the right). */
  orientation: number
  /**
   * How strongly one orientation dominates: (l1 - l2) / (l1 + l2) of the structure tensor's eigenvalues,
   * 0 for isotropic images, 1 for perfect stripes.
   */
  coherence: number
}

/**
 * The structure tensor J = sum of [gx², gx·gy; gx·gy, gy²] over image `index` (luminance, central
 * differences); the stripes run perpendicular to its main eigenvector.
 *
 * @example
 * dominantOrientation(visualization.images).orientation   // 60.4
 */
export function dominantOrientation(images: ImageData, index = 0): ImageOrientation {
  const { data, height, width, channels } = images
  const offset = index * height * width * channels
  const luminance = (y: number, x: number) => {
    let sum = 0
    for (let k = 0; k < channels; k++) sum += data[offset + (y * width + x) * channels + k]!
    return sum / channels
  }
  let jxx = 0
  let jyy = 0
  let jxy = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const gx = (luminance(y, x + 1) - luminance(y, x - 1)) / 2
      // y up, so that angles read counter-clockwise as on screen.
      const gy = -(luminance(y + 1, x) - luminance(y - 1, x)) / 2
      jxx += gx * gx
      jyy += gy * gy
      jxy += gx * gy
    }
  }
  const gradientAngle = (0.5 * Math.atan2(2 * jxy, jxx - jyy) * 180) / Math.PI
  const spread = Math.hypot(jxx - jyy, 2 * jxy)
  return {
    orientation: (((gradientAngle - 90) % 180) + 180) % 180,
    coherence: jxx + jyy > 0 ? spread / (jxx + jyy) : 0,
  }
}

/** The smallest difference between two orientations (period 180), in degrees. */
export function orientationDifference(a: number, b: number): number {
  const d = Math.abs(a - b) % 180
  return Math.min(d, 180 - d)
}
