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

const METHOD_NAMES: Record<string, string> = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' }

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

  /**
   * The quality figures as a short table, one row per layer, in lines that fit a notebook's width (the
   * text shown where each layer's interactive view is already on screen).
   *
   * @example
   * comparison.summary()
   * // t-SNE of 1,000 points; trustworthiness and kNN preservation at k = 10:
   * //   conv2d_1  0.9644  0.5309
   * //   dense_1   0.9906  0.5939
   */
  summary(): string {
    const first = this.embeddings[0]
    if (!first) return 'No layers.'
    const method = METHOD_NAMES[first.method] ?? first.method
    const k = this.embeddings.find((e) => e.quality)?.quality?.k
    const head = `${method} of ${first.size.toLocaleString('en')} points${k ? `; trustworthiness and kNN preservation at k = ${k}` : ''}:`
    const width = Math.max(...this.embeddings.map((e) => (e.details.layer ?? '').length))
    const rows = this.embeddings.map((e) => {
      const q = e.quality
      const figures = q
        ? `${q.trustworthiness.toFixed(4)}  ${q.knnPreservation.toFixed(4)}`
        : '(quality not measured)'
      return `  ${(e.details.layer ?? '').padEnd(width)}  ${figures}`
    })
    const correct = first.correct
    const accuracy = correct
      ? [
          `The model's accuracy on these points: ${((100 * correct.filter(Boolean).length) / correct.length).toFixed(1)}%.`,
        ]
      : []
    return [head, ...rows, ...accuracy].join('\n')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    if (this.shown.viewsShown) {
      const last = this.embeddings.at(-1)?.details.layer ?? 'name'
      return {
        'text/plain': `${this.summary()}\nEach layer's interactive view is above; comparison.layer('${last}') gives its embedding back.`,
      }
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
