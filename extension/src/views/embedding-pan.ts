/**
 * Smooth pans of a Plotly WebGL scatter where redrawing is slow.
 *
 * Plotly redraws every point on every pointer move of a pan. With a GPU that fits in a frame; with
 * software WebGL (no GPU, SwiftShader) 100,000 points take about half a second a frame, so a pan
 * stutters. Here the frame after each draw is timed (a draw costs at least what a pan's redraw does);
 * where it took longer than the budget, pointer moves of a pan do not reach Plotly: the image it
 * already drew is moved with a CSS transform (only compositing, the same cost for any number of
 * points), and Plotly redraws once when the pointer rests or is released. Where drawing is fast, Plotly
 * pans as it always does, showing the points that come into view while they do. Touch pans and every
 * other drag mode are left alone.
 */

/** The Plotly figure internals read here (Plotly 3's, the gl2d bundle's). */
interface PlotlyFigure extends HTMLElement {
  _fullLayout?: {
    dragmode?: string
    width: number
    height: number
    _size: { l: number; t: number; w: number; h: number }
  }
}

/** How slow a frame may be before pans move the drawn image instead (a 20 Hz frame). */
export const PAN_FRAME_BUDGET_MS = 50
/** How long the pointer rests before Plotly redraws in the middle of a pan. */
export const PAN_SETTLE_MS = 200

/** What `smoothPan` gives back. */
export interface SmoothPan {
  /** Call when Plotly has just drawn: times the frame that shows it, to choose how to pan. */
  timeFrame(): void
  /** Removes the listeners. */
  dispose(): void
}

/**
 * Watches pans on `plot` (a Plotly figure with WebGL traces); see the module comment.
 *
 * @example
 * const pan = smoothPan(plotDiv, window)
 * // ...
 * pan.dispose()
 */
export function smoothPan(plot: PlotlyFigure, window: Window): SmoothPan {
  const document = window.document
  // Whether Plotly's own redraw is too slow for a pan frame (the last draw's frame was).
  let slow = false
  // The pan in progress: where it started, where the pointer is, where Plotly last drew it.
  let pan: { x: number; y: number; drawnX: number; drawnY: number; timer: number } | null = null
  const forwarded = new WeakSet<Event>()

  const container = (): HTMLElement | null => plot.querySelector<HTMLElement>('.gl-container')
  // Moves Plotly's canvases (each as large as the figure) by (dx, dy), clipped to the plot area so that
  // points moved past it do not cover the axes. The clip is in the canvas's own, moved, coordinates.
  const shift = (dx: number, dy: number): void => {
    const layout = plot._fullLayout
    if (!layout) return
    const { l, t, w, h } = layout._size
    const [right, bottom] = [layout.width - l - w, layout.height - t - h]
    const inset = [t - dy, right + dx, bottom + dy, l - dx].map((v) => `${Math.max(0, v)}px`).join(' ')
    for (const canvas of container()?.querySelectorAll('canvas') ?? []) {
      canvas.style.transform = dx || dy ? `translate(${dx}px, ${dy}px)` : ''
      canvas.style.clipPath = dx || dy ? `inset(${inset})` : ''
    }
  }
  // Hands the latest pointer position to Plotly, which redraws there; the image then needs no shift.
  const redraw = (): void => {
    if (!pan) return
    window.clearTimeout(pan.timer)
    if (pan.x === pan.drawnX && pan.y === pan.drawnY) return
    const event = new MouseEvent('mousemove', {
      clientX: pan.x,
      clientY: pan.y,
      bubbles: true,
      cancelable: true,
      view: window,
    })
    forwarded.add(event)
    document.dispatchEvent(event)
    pan.drawnX = pan.x
    pan.drawnY = pan.y
    shift(0, 0)
  }
  const onMove = (event: MouseEvent): void => {
    if (!pan || forwarded.has(event)) return
    if (!slow) return
    // Plotly's own listener (on document) must not see this move: it would redraw every point.
    event.stopImmediatePropagation()
    event.preventDefault()
    pan.x = event.clientX
    pan.y = event.clientY
    shift(pan.x - pan.drawnX, pan.y - pan.drawnY)
    window.clearTimeout(pan.timer)
    pan.timer = window.setTimeout(redraw, PAN_SETTLE_MS)
  }
  const onUp = (): void => {
    redraw() // before Plotly's own mouseup, which ends its pan where it last drew
    pan = null
    window.removeEventListener('mousemove', onMove, true)
    window.removeEventListener('mouseup', onUp, true)
  }
  const onDown = (event: MouseEvent): void => {
    const target = event.target as Element | null
    if (event.button !== 0 || plot._fullLayout?.dragmode !== 'pan' || !container()) return
    if (!target?.classList.contains('nsewdrag')) return
    const [x, y] = [event.clientX, event.clientY]
    pan = { x, y, drawnX: x, drawnY: y, timer: 0 }
    // Capture on window runs before Plotly's listeners on document.
    window.addEventListener('mousemove', onMove, true)
    window.addEventListener('mouseup', onUp, true)
  }
  plot.addEventListener('mousedown', onDown, true)

  return {
    timeFrame() {
      // A hidden page has no frames to time; the second frame callback runs once the frame with the
      // drawing has been produced.
      if (document.visibilityState !== 'visible') return
      const start = window.performance.now()
      window.requestAnimationFrame(() =>
        window.requestAnimationFrame((now) => (slow = now - start > PAN_FRAME_BUDGET_MS)),
      )
    },
    dispose() {
      if (pan) onUp()
      plot.removeEventListener('mousedown', onDown, true)
    },
  }
}
