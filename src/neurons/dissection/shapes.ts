/**
 * Procedural patterns for the concept probe set: each is a predicate over pixel coordinates, so that the
 * same function draws the image and makes its mask.
 */

/** Which pixels (row y, column x) a pattern covers. */
export type Pattern = (y: number, x: number) => boolean

/** A filled circle of radius r at (cy, cx). */
export function circle(cy: number, cx: number, r: number): Pattern {
  return (y, x) => (y - cy) ** 2 + (x - cx) ** 2 <= r * r
}

/** A filled axis-aligned square of half-side r at (cy, cx). */
export function square(cy: number, cx: number, r: number): Pattern {
  return (y, x) => Math.abs(y - cy) <= r && Math.abs(x - cx) <= r
}

/** A filled upright triangle inscribed in the circle of radius r at (cy, cx). */
export function triangle(cy: number, cx: number, r: number): Pattern {
  const top = cy - r
  const bottom = cy + r / 2
  const halfBase = (r * Math.sqrt(3)) / 2
  return (y, x) => {
    if (y < top || y > bottom) return false
    const halfWidth = (halfBase * (y - top)) / (bottom - top)
    return Math.abs(x - cx) <= halfWidth
  }
}

/** Stripes at `orientation` degrees (0 horizontal, 90 vertical, 45 rising to the right), `period` pixels. */
export function stripes(orientation: number, period: number): Pattern {
  const theta = (orientation * Math.PI) / 180
  const [ny, nx] = [-Math.cos(theta), -Math.sin(theta)]
  return (y, x) => (((ny * y + nx * x) % period) + period) % period < period / 2
}

/** A checkerboard of `period`-pixel cells. */
export function checkerboard(period: number): Pattern {
  return (y, x) => (Math.floor(y / period) + Math.floor(x / period)) % 2 === 0
}

/** Round dots of radius period/4 on a `period`-pixel grid. */
export function dots(period: number): Pattern {
  const r = period / 4
  return (y, x) => {
    const dy = (y % period) - period / 2
    const dx = (x % period) - period / 2
    return dy * dy + dx * dx <= r * r
  }
}

/** A pattern confined to a rectangle [top, bottom) x [left, right). */
export function within(pattern: Pattern, top: number, left: number, bottom: number, right: number): Pattern {
  return (y, x) => y >= top && y < bottom && x >= left && x < right && pattern(y, x)
}

/** The rectangle itself. */
export function rectangle(top: number, left: number, bottom: number, right: number): Pattern {
  return (y, x) => y >= top && y < bottom && x >= left && x < right
}
