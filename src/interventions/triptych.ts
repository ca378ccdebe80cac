/**
 * The picture of an image counterfactual: original | counterfactual | difference, side by side, scaled
 * up so that single-pixel edits are visible (difference: red where the edit brightens, blue where it
 * darkens, white where nothing changed).
 */
import { encodePng } from '../display/png'

/** A base64 PNG of the triptych of `original` and `edited`, images [H, W, C] given flat (C = 1 or 3). */
export function triptychPng(
  original: readonly number[],
  edited: readonly number[],
  shape: readonly number[],
  scale = 4,
): string {
  const [height, width, channels] = [shape[0]!, shape[1]!, shape[2] ?? 1]
  const gap = 2
  const panelWidth = width * scale
  const totalWidth = 3 * panelWidth + 2 * gap
  const totalHeight = height * scale
  const rgba = new Uint8Array(totalWidth * totalHeight * 4).fill(255)
  let low = Infinity
  let high = -Infinity
  for (const v of original) [low, high] = [Math.min(low, v), Math.max(high, v)]
  const span = high - low || 1
  let largest = 1e-12
  for (let i = 0; i < original.length; i++) largest = Math.max(largest, Math.abs(edited[i]! - original[i]!))
  const put = (panel: number, y: number, x: number, rgb: readonly number[]) => {
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) {
        const offset = ((y * scale + dy) * totalWidth + panel * (panelWidth + gap) + x * scale + dx) * 4
        rgba.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], offset)
      }
  }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const base = (y * width + x) * channels
      const pixel = (values: readonly number[]) =>
        channels === 3
          ? [0, 1, 2].map((c) => Math.round((255 * (values[base + c]! - low)) / span))
          : Array(3).fill(Math.round((255 * (values[base]! - low)) / span))
      put(0, y, x, pixel(original))
      put(1, y, x, pixel(edited))
      let change = 0
      for (let c = 0; c < channels; c++) change += edited[base + c]! - original[base + c]!
      const t = Math.min(1, Math.abs(change / channels) / largest)
      const fade = Math.round(255 * (1 - t))
      put(2, y, x, change > 0 ? [255, fade, fade] : [fade, fade, 255])
    }
  return encodePng(rgba, totalWidth, totalHeight)
}
