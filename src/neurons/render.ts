/**
 * Pictures of neuron results for the static `image/png` fallbacks: images to RGBA, tiles to a grid.
 * Plain data in, PNG out: nothing here touches the model.
 */
import { encodePng } from '../display/png'

/** Images as plain data, values in [0, 1], layout [batch, height, width, channels]. */
export interface ImageData {
  data: Float32Array
  batch: number
  height: number
  width: number
  channels: number
}

/** One RGBA tile. */
export interface Tile {
  rgba: Uint8Array
  width: number
  height: number
}

/** Image `index` of `images` as an RGBA tile, scaled up by `scale` (nearest neighbour). */
export function imageTile(images: ImageData, index: number, scale = 1): Tile {
  const { data, height, width, channels } = images
  const offset = index * height * width * channels
  const rgba = new Uint8Array(height * scale * width * scale * 4)
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const source = offset + (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels
      const target = (y * width * scale + x) * 4
      for (let k = 0; k < 3; k++) rgba[target + k] = toByte(data[source + (channels === 3 ? k : 0)]!)
      rgba[target + 3] = 255
    }
  }
  return { rgba, width: width * scale, height: height * scale }
}

/** A heat map (values in [0, 1]) over a grey image tile: red where the unit fires. */
export function overlayTile(base: Tile, map: Float32Array, mapHeight: number, mapWidth: number): Tile {
  const rgba = new Uint8Array(base.rgba)
  for (let y = 0; y < base.height; y++) {
    for (let x = 0; x < base.width; x++) {
      const value =
        map[Math.floor((y * mapHeight) / base.height) * mapWidth + Math.floor((x * mapWidth) / base.width)]!
      const k = (y * base.width + x) * 4
      const alpha = 0.6 * Math.min(1, Math.max(0, value))
      rgba[k] = Math.round(rgba[k]! * (1 - alpha) + 255 * alpha)
      rgba[k + 1] = Math.round(rgba[k + 1]! * (1 - alpha))
      rgba[k + 2] = Math.round(rgba[k + 2]! * (1 - alpha))
    }
  }
  return { rgba, width: base.width, height: base.height }
}

/** Tiles in rows of `columns`, `gap` pixels of white between them, as RGBA. */
export function gridRgba(tiles: readonly Tile[], columns: number, gap = 2): Tile {
  const tileWidth = Math.max(1, ...tiles.map((t) => t.width))
  const tileHeight = Math.max(1, ...tiles.map((t) => t.height))
  const rows = Math.max(1, Math.ceil(tiles.length / columns))
  const width = columns * tileWidth + (columns + 1) * gap
  const height = rows * tileHeight + (rows + 1) * gap
  const rgba = new Uint8Array(width * height * 4).fill(255)
  tiles.forEach((tile, i) => {
    const left = gap + (i % columns) * (tileWidth + gap)
    const top = gap + Math.floor(i / columns) * (tileHeight + gap)
    for (let y = 0; y < tile.height; y++) {
      const from = y * tile.width * 4
      rgba.set(tile.rgba.subarray(from, from + tile.width * 4), ((top + y) * width + left) * 4)
    }
  })
  return { rgba, width, height }
}

/** All images of a batch side by side, as a base64 PNG. */
export function imageGridPng(images: ImageData, options: { scale?: number; columns?: number } = {}): string {
  const scale = options.scale ?? 1
  const tiles = Array.from({ length: images.batch }, (_, i) => imageTile(images, i, scale))
  const grid = gridRgba(tiles, options.columns ?? Math.min(8, images.batch))
  return encodePng(grid.rgba, grid.width, grid.height)
}

/** Tile as a base64 PNG. */
export function tilePng(tile: Tile): string {
  return encodePng(tile.rgba, tile.width, tile.height)
}

function toByte(value: number): number {
  return Math.round(255 * Math.min(1, Math.max(0, value)))
}
