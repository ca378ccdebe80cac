/**
 * `LayerComparison`: the same inputs embedded at several layers. Where `gw.embedLayers` has already
 * shown each layer's embedding as its own interactive view (in a notebook), it displays as the layers'
 * quality figures only; elsewhere as their scatter plots side by side (a static summary).
 * `layer(name)` gives one layer's embedding back.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { decodePng, encodePng } from '../display/png'
import type { Embedding } from './embedding'
import { scatterPng } from './plot'

/** Embeddings of one data set at several layers, in the order asked for. */
export class LayerComparison implements Displayable {
  constructor(
    readonly embeddings: readonly Embedding[],
    /** `viewsShown`: each layer is already on screen as an interactive view (no static row then). */
    private readonly shown: { viewsShown?: boolean } = {},
  ) {}

  /** The embedding of one layer. */
  layer(name: string): Embedding | undefined {
    return this.embeddings.find((e) => e.details.layer === name)
  }

  /** One line per layer: quality figures. */
  toString(): string {
    return this.embeddings.map((e) => e.toString()).join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    if (this.shown.viewsShown)
      return {
        'text/plain': `${this.toString()}\n(each layer's interactive view is above; comparison.layer(name) shows one again)`,
      }
    const pictures = this.embeddings.map((e) =>
      decodePng(
        scatterPng(
          {
            coordinates: e.coordinates,
            categories: e.details.labels ?? null,
            categoryNames: null,
            title: e.details.layer ?? '',
          },
          320,
        ),
      ),
    )
    const gap = 8
    const width = pictures.reduce((sum, p) => sum + p.width + gap, -gap)
    const height = Math.max(...pictures.map((p) => p.height))
    const rgba = new Uint8Array(width * height * 4).fill(255)
    let left = 0
    for (const picture of pictures) {
      for (let y = 0; y < picture.height; y++) {
        rgba.set(
          picture.rgba.subarray(y * picture.width * 4, (y + 1) * picture.width * 4),
          (y * width + left) * 4,
        )
      }
      left += picture.width + gap
    }
    return { 'image/png': encodePng(rgba, width, height), 'text/plain': this.toString() }
  }
}
