/**
 * `Embedding`: the result of gw.embed / gw.tsne / gw.umap / gw.pca's projection. It holds the
 * coordinates (exportable as arrays or CSV), the quality figures, and what the view needs to colour
 * and explain points (labels, predictions, thumbnails); it displays itself as the embedding view with
 * Plotly and PNG fallbacks.
 */
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { encodeArray } from '../display/codec'
import type { EmbeddingColumn, EmbeddingPayload, Provenance } from '../display/schema'
import { MIME_TYPES } from '../display/schema'
import { liveId } from '../display/live'
import { plotlyFigure, scatterPng } from './plot'
import type { EmbeddingQuality } from './quality'

/** Names of the embedding methods. */
export type EmbeddingMethod = 'pca' | 'tsne' | 'umap'

/** Small pictures of some inputs (uint8, [count, height, width, channels]) for hover. */
export interface Thumbnails {
  pixels: Uint8Array
  count: number
  height: number
  width: number
  channels: number
}

/** Everything an Embedding carries besides its coordinates. */
export interface EmbeddingDetails {
  method: EmbeddingMethod
  provenance: Provenance
  layer?: string | null
  quality?: EmbeddingQuality | null
  /** True class per point, with names. */
  labels?: Int32Array | null
  /** The model's predicted class per point. */
  predictions?: Int32Array | null
  classNames?: readonly string[] | null
  thumbnails?: Thumbnails | null
  /** PCA: share of variance of each component. */
  explainedVarianceRatio?: number[] | null
  /** A live snapshot's progress; null when final. */
  progress?: { step: number; total: number } | null
  /**
   * The id its views carry, so that a lasso in them reaches the kernel (`gw.selection(embedding)`); made
   * when absent. The frames of a live run and its final embedding share one.
   */
  displayId?: string
}

const METHOD_NAMES: Record<EmbeddingMethod, string> = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' }

/** A 2-D embedding of N points. */
export class Embedding implements Displayable {
  /** The id in its views' payload: selections made in them are `gw.selection(embedding)`. */
  readonly displayId: string

  constructor(
    /** Row-major coordinates, [x0, y0, x1, y1, ...]. */
    readonly coordinates: Float32Array,
    readonly details: EmbeddingDetails,
  ) {
    this.displayId = details.displayId ?? liveId('embedding')
  }

  /** Number of points. */
  get size(): number {
    return this.coordinates.length / 2
  }

  get method(): EmbeddingMethod {
    return this.details.method
  }

  get quality(): EmbeddingQuality | null {
    return this.details.quality ?? null
  }

  /** Whether each point's prediction equals its label (null without both). */
  get correct(): boolean[] | null {
    const { labels, predictions } = this.details
    if (!labels || !predictions) return null
    return Array.from(labels, (label, i) => label === predictions[i])
  }

  /**
   * The coordinates as rows.
   *
   * @example
   * const rows = embedding.toArray()   // [[x0, y0], [x1, y1], ...]
   */
  toArray(): number[][] {
    return Array.from({ length: this.size }, (_, i) => [
      this.coordinates[2 * i]!,
      this.coordinates[2 * i + 1]!,
    ])
  }

  /**
   * The coordinates as CSV with a header, plus label, prediction and correctness where known.
   *
   * @example
   * require('fs').writeFileSync('tsne.csv', embedding.toCSV())
   */
  toCSV(): string {
    const { labels, predictions, classNames } = this.details
    const name = (code: number): string => csvField(classNames?.[code] ?? String(code))
    const header = ['index', 'x', 'y']
    if (labels) header.push('label')
    if (predictions) header.push('prediction')
    if (labels && predictions) header.push('correct')
    const lines = [header.join(',')]
    for (let i = 0; i < this.size; i++) {
      const row = [String(i), String(this.coordinates[2 * i]), String(this.coordinates[2 * i + 1])]
      if (labels) row.push(name(labels[i]!))
      if (predictions) row.push(name(predictions[i]!))
      if (labels && predictions) row.push(String(labels[i] === predictions[i]))
      lines.push(row.join(','))
    }
    return lines.join('\n') + '\n'
  }

  /** The embedding view's payload (MIME_TYPES.embedding). */
  payload(): EmbeddingPayload {
    const { details } = this
    const categories = [...(details.classNames ?? classNamesFor(details.labels, details.predictions))]
    const columns: EmbeddingColumn[] = []
    const categorical = (
      name: string,
      values: Int32Array,
      role?: 'label' | 'prediction',
    ): EmbeddingColumn => ({
      name,
      type: 'category',
      ...(role ? { role } : {}),
      categories,
      values: encodeArray(values, [values.length], 'int32'),
    })
    if (details.labels) columns.push(categorical('label', details.labels, 'label'))
    if (details.predictions) columns.push(categorical('prediction', details.predictions, 'prediction'))
    const correct = this.correct
    if (correct) {
      columns.push({
        name: 'correct',
        type: 'category',
        categories: ['wrong', 'right'],
        values: encodeArray(
          correct.map((c) => (c ? 1 : 0)),
          [correct.length],
          'uint8',
          { quantise: false },
        ),
      })
    }
    const thumbnails = details.thumbnails
    return {
      version: 1,
      kind: 'embedding',
      provenance: details.provenance,
      method: details.method,
      layer: details.layer ?? null,
      dimensions: 2,
      coordinates: encodeArray(this.coordinates, [this.size, 2], 'float32'),
      columns,
      ...(details.labels ? { colorBy: 'label' } : {}),
      thumbnails: thumbnails
        ? {
            images: encodeArray(
              thumbnails.pixels,
              [thumbnails.count, thumbnails.height, thumbnails.width, thumbnails.channels],
              'uint8',
              { quantise: false },
            ),
          }
        : null,
      explainedVariance: details.explainedVarianceRatio ?? null,
      progress: details.progress ?? null,
      ...(details.quality ? { quality: details.quality } : {}),
      displayId: this.displayId,
    }
  }

  /** One line: method, size, layer, quality. */
  toString(): string {
    const { details } = this
    const parts = [
      `Embedding (${METHOD_NAMES[details.method]}, ${this.size.toLocaleString('en')} points, 2-D`,
    ]
    if (details.layer) parts[0] += `, layer '${details.layer}'`
    parts[0] += ')'
    if (details.progress) parts.push(`iteration ${details.progress.step}/${details.progress.total}`)
    if (details.quality) {
      const q = details.quality
      const estimate =
        q.queries < this.size ? ` (estimated from ${q.queries.toLocaleString('en')} points)` : ''
      parts.push(
        `trustworthiness@${q.k} ${q.trustworthiness.toFixed(4)}, kNN preservation@${q.k} ${q.knnPreservation.toFixed(4)}${estimate}`,
      )
    }
    if (details.explainedVarianceRatio) {
      const ratios = details.explainedVarianceRatio.slice(0, 2).map((r) => `${(100 * r).toFixed(1)}%`)
      parts.push(`explained variance ${ratios.join(' + ')}`)
    }
    const correct = this.correct
    if (correct)
      parts.push(`accuracy ${((100 * correct.filter(Boolean).length) / correct.length).toFixed(1)}%`)
    return parts.join('; ')
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const { details } = this
    const scatter = {
      coordinates: this.coordinates,
      categories: details.labels ?? null,
      categoryNames: details.labels ? [...(details.classNames ?? classNamesFor(details.labels, null))] : null,
      title: `${METHOD_NAMES[details.method]}${details.layer ? ` of ${details.layer}` : ''}`,
    }
    return {
      [MIME_TYPES.embedding]: this.payload(),
      'application/vnd.plotly.v1+json': plotlyFigure(scatter),
      'image/png': scatterPng(scatter),
      'text/plain': this.toString(),
    }
  }
}

function classNamesFor(labels?: Int32Array | null, predictions?: Int32Array | null): string[] {
  let largest = -1
  for (const values of [labels, predictions])
    if (values) for (const v of values) largest = Math.max(largest, v)
  return Array.from({ length: largest + 1 }, (_, i) => String(i))
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
