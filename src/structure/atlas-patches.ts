/**
 * The atlas's cheap icons: the input patch under an activation's position. A conv layer's position
 * (row, column) of an h x w map is centred at ((row + 0.5) H / h, (column + 0.5) W / w) of the H x W input;
 * the patch is square, three strides of the layer wide (at least a third of the input), so that it covers
 * about what the unit sees. A layer without spatial extent sees the whole image.
 */
import * as tf from '@tensorflow/tfjs'

/** Where patches come from: the layer's map size, the input's, and the patch side. */
export interface PatchGeometry {
  mapHeight: number
  mapWidth: number
  inputHeight: number
  inputWidth: number
  size: number
}

/** The patch geometry of a layer's output shape on inputs of [height, width]. */
export function patchGeometry(
  layerShape: readonly (number | null)[],
  [inputHeight, inputWidth]: [number, number],
  patchSize?: number,
): PatchGeometry {
  const spatial = layerShape.length === 4
  const mapHeight = spatial ? (layerShape[1] as number) : 1
  const mapWidth = spatial ? (layerShape[2] as number) : 1
  const stride = Math.ceil(Math.max(inputHeight / mapHeight, inputWidth / mapWidth))
  const automatic = spatial
    ? Math.max(3 * stride, Math.ceil(Math.max(inputHeight, inputWidth) / 3))
    : Math.max(inputHeight, inputWidth)
  const size = Math.max(1, Math.min(Math.max(inputHeight, inputWidth), Math.round(patchSize ?? automatic)))
  return { mapHeight, mapWidth, inputHeight, inputWidth, size }
}

/**
 * The uint8 patch [size, size, channels] of image `index` under map position `position`, pixels mapped
 * from `inputRange` to 0..255; where the patch runs past the image's edge it is 0.
 */
export function cropPatch(
  images: tf.Tensor,
  index: number,
  position: number,
  geometry: PatchGeometry,
  inputRange: readonly [number, number],
): Uint8Array {
  const { mapHeight, mapWidth, inputHeight, inputWidth, size } = geometry
  const channels = images.shape[3]!
  const pixels = tf.tidy(() => images.slice([index], [1]).dataSync()) as Float32Array
  const row = Math.floor(position / mapWidth)
  const column = position % mapWidth
  const centreY = ((row + 0.5) * inputHeight) / mapHeight
  const centreX = ((column + 0.5) * inputWidth) / mapWidth
  const top = Math.round(centreY - size / 2)
  const left = Math.round(centreX - size / 2)
  const [low, high] = inputRange
  const span = high - low || 1
  const out = new Uint8Array(size * size * channels)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const [sy, sx] = [top + y, left + x]
      if (sy < 0 || sx < 0 || sy >= inputHeight || sx >= inputWidth) continue
      for (let c = 0; c < channels; c++) {
        const v = (pixels[(sy * inputWidth + sx) * channels + c]! - low) / span
        out[(y * size + x) * channels + c] = Math.round(Math.min(1, Math.max(0, v)) * 255)
      }
    }
  return out
}
