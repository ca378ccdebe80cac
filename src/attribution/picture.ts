/** Pixels for the PNG fallback: input panels, heatmap overlays, and a grid of them. */

/** An RGB picture at the input's resolution. */
export interface Panel {
  rgb: Uint8Array
}

/** The input as RGB (grayscale repeated). `bytes` is height x width x channels, 0..255. */
export function inputPanel(bytes: Uint8Array, height: number, width: number, channels: number): Panel {
  const rgb = new Uint8Array(height * width * 3)
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = bytes[p * channels + (channels === 3 ? c : 0)]!
  }
  return { rgb }
}

/**
 * The input, dimmed to grey, under a heatmap: red for positive, blue for negative (signed), or
 * black-red-yellow for magnitudes; saturating at the 99th percentile of |value|.
 */
export function heatmapPanel(base: Panel, values: Float32Array, signed: boolean): Panel {
  const scale = percentile(Float32Array.from(values, Math.abs), 0.99) || 1
  const rgb = new Uint8Array(base.rgb.length)
  for (let p = 0; p < values.length; p++) {
    const grey = (base.rgb[p * 3]! + base.rgb[p * 3 + 1]! + base.rgb[p * 3 + 2]!) / 3
    const v = Math.max(-1, Math.min(1, values[p]! / scale))
    const alpha = Math.min(1, Math.abs(v) * 1.2)
    const color = signed
      ? v >= 0
        ? [220, 40, 30]
        : [30, 90, 220]
      : [255, Math.round(255 * Math.max(0, Math.abs(v) * 2 - 1)), 0]
    for (let c = 0; c < 3; c++) {
      rgb[p * 3 + c] = Math.round(grey * 0.5 * (1 - alpha) + color[c]! * alpha)
    }
  }
  return { rgb }
}

/** Panels laid out row by row, scaled up so that small inputs (MNIST) stay legible. */
export function imageGrid(
  rows: Panel[][],
  height: number,
  width: number,
): { rgba: Uint8Array; width: number; height: number } {
  const zoom = Math.max(1, Math.ceil(84 / Math.max(height, width)))
  const gap = 2
  const [cellH, cellW] = [height * zoom, width * zoom]
  const columns = Math.max(...rows.map((row) => row.length))
  const outW = columns * (cellW + gap) + gap
  const outH = rows.length * (cellH + gap) + gap
  const rgba = new Uint8Array(outW * outH * 4).fill(255)
  rows.forEach((row, r) =>
    row.forEach((panel, c) => {
      const [top, left] = [gap + r * (cellH + gap), gap + c * (cellW + gap)]
      for (let y = 0; y < cellH; y++) {
        for (let x = 0; x < cellW; x++) {
          const source = (Math.floor(y / zoom) * width + Math.floor(x / zoom)) * 3
          const target = ((top + y) * outW + left + x) * 4
          rgba[target] = panel.rgb[source]!
          rgba[target + 1] = panel.rgb[source + 1]!
          rgba[target + 2] = panel.rgb[source + 2]!
        }
      }
    }),
  )
  return { rgba, width: outW, height: outH }
}

function percentile(values: Float32Array, q: number): number {
  if (values.length === 0) return 0
  const sorted = Float32Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}
