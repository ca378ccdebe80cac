/**
 * The result of `gw.similarity.atlas`: the grid's cells (count, mean activation, top classes, icon) and
 * the 2-D layout, shown as the atlas view (zoom, pan, hover, class filter) with a PNG of the grid of
 * icons and a text summary.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { encodeArray } from '../display/codec'
import { encodePng } from '../display/png'
import { MIME_TYPES, type AtlasPayload, type Provenance } from '../display/schema'
import { drawText, fitText, LINE_HEIGHT, type RgbaImage } from '../display/text-raster'

/** One non-empty cell. */
export interface AtlasCellData {
  column: number
  row: number
  count: number
  /** The mean activation vector of the cell's samples (one value per channel). */
  mean: Float32Array
  icon: number | null
  visualization: number | null
  /** Most frequent classes of the cell's images, most frequent first (at most 3). */
  classes: { class: number; count: number }[]
  /** Image indices nearest the cell's mean (at most 4). */
  examples: number[]
}

/** What an atlas holds. */
export interface AtlasData {
  layer: string
  grid: number
  minCount: number
  samples: number
  images: number
  zeroPositions: number
  /** 2-D layout of the samples, [samples, 2]. */
  coordinates: Float32Array
  cells: AtlasCellData[]
  classNames: string[] | null
  /** Patch icons, uint8 [cells with icons, size, size, channels]. */
  patches: { pixels: Uint8Array; size: number; channels: number } | null
  visualizations: { pixels: Uint8Array; size: number; channels: number; count: number } | null
  /**
   * Patches of each cell's nearest distinct images, uint8 [cells, perCell, size, size, channels] (zero
   * where a cell has fewer), the same size as `patches`; null without patches.
   */
  examplePatches?: { pixels: Uint8Array; perCell: number } | null
  modelName: string
}

/** A model's short name: the last folder of its source ('mnist-cnn' of '.../mnist-cnn/model.json'). */
function modelName(source: string): string {
  const parts = source.split(/[\\/]/).filter((p) => p && p !== 'model.json')
  return parts[parts.length - 1] ?? 'model'
}

/** Largest side of the static picture's grid, in pixels. */
const PICTURE_SIDE = 720

/**
 * An activation atlas: displays itself as the zoomable atlas view.
 *
 * @example
 * const a = await gw.similarity.atlas(model, digits.images, { layer: 'conv2d_2', labels: digits.labels })
 * a.cells.filter((c) => c.classes[0]?.class === 7)   // the cells where 7s dominate
 */
export class ActivationAtlas implements Displayable {
  constructor(
    readonly data: AtlasData,
    readonly provenance: Provenance,
  ) {}

  get layer(): string {
    return this.data.layer
  }

  get cells(): readonly AtlasCellData[] {
    return this.data.cells
  }

  /** The cells where `label` is the most frequent class. */
  cellsOf(label: number): AtlasCellData[] {
    return this.data.cells.filter((c) => c.classes[0]?.class === label)
  }

  toString(): string {
    const d = this.data
    const biggest = [...d.cells].sort((a, b) => b.count - a.count).slice(0, 5)
    const name = (c: number) => d.classNames?.[c] ?? String(c)
    const lines = [
      `Activation atlas of ${d.layer}: ${d.samples.toLocaleString('en-US')} activation vectors from ` +
        `${d.images.toLocaleString('en-US')} images, UMAP (cosine) on a ${d.grid} x ${d.grid} grid; ` +
        `${d.cells.length} cells with at least ${d.minCount} samples`,
      ...biggest.map(
        (c) =>
          `  cell (${c.column}, ${c.row}): ${c.count} samples` +
          (c.classes.length
            ? `; ${c.classes.map((k) => `${name(k.class)} ${Math.round((100 * k.count) / c.count)} %`).join(', ')}`
            : ''),
      ),
    ]
    if (d.zeroPositions > 0)
      lines.push(
        `  ${d.zeroPositions.toLocaleString('en-US')} positions where every channel was 0 were not sampled`,
      )
    return lines.join('\n')
  }

  /** The atlas view's payload. */
  toPayload(): AtlasPayload {
    const d = this.data
    const patches = d.patches
    const iconCount = d.cells.filter((c) => c.icon !== null).length
    const icons = patches
      ? encodeArray(patches.pixels, [iconCount, patches.size, patches.size, patches.channels], 'uint8', {
          quantise: false,
        })
      : encodeArray(new Uint8Array(0), [0, 1, 1, 1], 'uint8', { quantise: false })
    const v = d.visualizations
    return {
      version: 1,
      provenance: this.provenance,
      kind: 'atlas',
      title: `Activation atlas of ${d.layer} (${modelName(d.modelName)})`,
      layer: d.layer,
      method: 'umap',
      columns: d.grid,
      rows: d.grid,
      samples: d.samples,
      images: d.images,
      minCount: d.minCount,
      classNames: d.classNames,
      icons,
      iconKind: 'patch',
      visualizations: v
        ? encodeArray(v.pixels, [v.count, v.size, v.size, v.channels], 'uint8', { quantise: false })
        : null,
      examplePatches:
        patches && d.examplePatches
          ? encodeArray(
              d.examplePatches.pixels,
              [d.cells.length, d.examplePatches.perCell, patches.size, patches.size, patches.channels],
              'uint8',
              { quantise: false },
            )
          : null,
      cells: d.cells.map((c) => ({
        column: c.column,
        row: c.row,
        count: c.count,
        icon: c.icon,
        visualization: c.visualization,
        classes: c.classes.map((k) => ({ ...k })),
        examples: [...c.examples],
      })),
      caption:
        `${d.samples.toLocaleString('en-US')} activation vectors of ${d.layer} from ${d.images.toLocaleString('en-US')} ` +
        `images, UMAP on cosine distance, cells with at least ${d.minCount}; icons: the input patch under the ` +
        `sample nearest each cell's mean${v ? `, feature visualizations of the ${v.count} largest cells` : ''}`,
    }
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      [MIME_TYPES.atlas]: this.toPayload(),
      'image/png': atlasPicture(this.data),
      'text/plain': this.toString(),
    }
  }
}

/** The grid of icons as a PNG (empty cells light grey), with the title above. */
export function atlasPicture(d: AtlasData): string {
  const icon = d.patches?.size ?? 8
  const scale = Math.max(1, Math.floor(PICTURE_SIDE / (d.grid * icon)))
  const cell = icon * scale
  const pad = 10
  const titleHeight = 2 * LINE_HEIGHT + 8
  const width = Math.max(2 * pad + d.grid * cell, 360)
  const height = pad + titleHeight + d.grid * cell + pad
  const image: RgbaImage = { rgba: new Uint8Array(width * height * 4).fill(255), width, height }
  drawText(image, pad, pad, fitText(`Activation atlas of ${d.layer}`, width - 2 * pad, 2), {
    scale: 2,
    colour: [20, 60, 140],
  })
  const top = pad + titleHeight
  // Each cell drawn one pixel short of its size: a white line between neighbouring icons.
  const gap = cell >= 8 ? 1 : 0
  for (let r = 0; r < d.grid; r++)
    for (let c = 0; c < d.grid; c++)
      fill(image, pad + c * cell, top + r * cell, cell - gap, cell - gap, [236, 236, 236])
  for (const c of d.cells) {
    const x0 = pad + c.column * cell
    const y0 = top + c.row * cell
    if (c.icon === null || !d.patches) {
      fill(image, x0, y0, cell - gap, cell - gap, [180, 180, 180])
      continue
    }
    const { pixels, size, channels } = d.patches
    const offset = c.icon * size * size * channels
    for (let y = 0; y < cell - gap; y++)
      for (let x = 0; x < cell - gap; x++) {
        const at = offset + (Math.floor(y / scale) * size + Math.floor(x / scale)) * channels
        const target = ((y0 + y) * width + x0 + x) * 4
        for (let k = 0; k < 3; k++) image.rgba[target + k] = pixels[at + (channels === 3 ? k : 0)]!
        image.rgba[target + 3] = 255
      }
  }
  return encodePng(image.rgba, width, height)
}

function fill(image: RgbaImage, x: number, y: number, w: number, h: number, rgb: number[]): void {
  for (let yy = y; yy < y + h; yy++)
    for (let xx = x; xx < x + w; xx++) {
      const at = (yy * image.width + xx) * 4
      image.rgba[at] = rgb[0]!
      image.rgba[at + 1] = rgb[1]!
      image.rgba[at + 2] = rgb[2]!
      image.rgba[at + 3] = 255
    }
}
