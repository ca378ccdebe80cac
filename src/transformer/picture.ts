/**
 * The static head grid: one example's attention, layers as rows and heads as columns, each cell the
 * query x key pattern on one shared colour scale (0 white to the largest weight dark blue), labelled
 * L{layer}H{head}. The image/png fallback of gw.transformer.attention, for places without the extension.
 */
import { encodePng } from '../display/png'
import { drawText, LINE_HEIGHT, type RgbaImage } from '../display/text-raster'
import type { Matrix } from './rollout'

const CELL = 96
const GAP = 6
const LABEL = LINE_HEIGHT + 2

/** Pools a T x T pattern to `size` x `size` cells by their maximum (so a sharp stripe stays visible). */
export function poolPattern(pattern: Matrix, size: number): Float64Array {
  const t = pattern.length
  const out = new Float64Array(size * size)
  for (let i = 0; i < t; i++) {
    const y = Math.floor((i * size) / t)
    for (let j = 0; j < t; j++) {
      const x = Math.floor((j * size) / t)
      const v = pattern[i]![j]!
      if (v > out[y * size + x]!) out[y * size + x] = v
    }
  }
  return out
}

/** A base64 PNG of the stack [layer][head][query][key]. */
export function headGridPng(stack: readonly (readonly Matrix[])[]): string {
  const layers = stack.length
  const heads = stack[0]!.length
  const t = stack[0]![0]!.length
  const size = Math.min(CELL, t)
  const scale = Math.max(1, Math.floor(CELL / size))
  const cell = size * scale
  const width = heads * (cell + GAP) + GAP
  const height = layers * (cell + GAP + LABEL) + GAP
  const image: RgbaImage = { rgba: new Uint8Array(width * height * 4).fill(255), width, height }
  let top = 0
  for (const heads_ of stack)
    for (const head of heads_) for (const row of head) for (const v of row) top = Math.max(top, v)
  stack.forEach((layer, l) =>
    layer.forEach((pattern, h) => {
      const x0 = GAP + h * (cell + GAP)
      const y0 = GAP + l * (cell + GAP + LABEL)
      drawText(image, x0, y0, `L${l}H${h}`)
      const pooled = poolPattern(pattern as Matrix, size)
      for (let y = 0; y < cell; y++)
        for (let x = 0; x < cell; x++) {
          const v = top > 0 ? pooled[Math.floor(y / scale) * size + Math.floor(x / scale)]! / top : 0
          const at = ((y0 + LABEL + y) * width + x0 + x) * 4
          image.rgba[at] = Math.round(255 - v * 222)
          image.rgba[at + 1] = Math.round(255 - v * 178)
          image.rgba[at + 2] = Math.round(255 - v * 75)
        }
    }),
  )
  return encodePng(image.rgba, width, height)
}
