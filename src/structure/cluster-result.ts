/**
 * What `gw.similarity.clusterUnits` returns: the clustering as plain data, shown as the clusters view
 * (a dendrogram beside the correlation heatmap in leaf order; hover a unit for its cluster and top
 * examples, click a cluster to highlight its units), a heatmap PNG in leaf order and a text summary.
 */
import * as tf from '@tensorflow/tfjs'
import { JUPYTER_DISPLAY, type Displayable, type MimeBundle } from '../display/bundle'
import { encodeArray } from '../display/codec'
import { matrixPicture } from '../display/matrix-picture'
import { MIME_TYPES, type ClustersPayload, type Provenance } from '../display/schema'
import type { Linkage, UnitClusters } from './cluster'

/** Top examples of each unit: uint8 pixels [units, k, height, width, channels]. */
export interface UnitExamples {
  pixels: Uint8Array
  perUnit: number
  height: number
  width: number
  channels: number
  /** Data set index of each example, [units][k]. */
  indices: number[][]
}

/** The result of a functional clustering of units; displays itself as the clusters view. */
export class ClusteredUnits implements UnitClusters, Displayable {
  readonly units: string[]
  readonly correlation: Float64Array
  readonly merges: Array<[number, number, number, number]>
  readonly order: number[]
  readonly clusters: number[]
  readonly constantUnits: number[]
  readonly linkage: Linkage

  constructor(
    data: UnitClusters,
    readonly title: string,
    readonly provenance: Provenance,
    readonly examples: UnitExamples | null = null,
  ) {
    this.units = data.units
    this.correlation = data.correlation
    this.merges = data.merges
    this.order = data.order
    this.clusters = data.clusters
    this.constantUnits = data.constantUnits
    this.linkage = data.linkage
  }

  /** The units of each flat cluster, in leaf order. */
  members(): string[][] {
    const out: string[][] = []
    for (const u of this.order) (out[this.clusters[u]!] ??= []).push(this.units[u]!)
    return out
  }

  toString(): string {
    const lines = [
      `${this.title}: ${this.units.length} units, ${this.linkage} linkage on 1 - r, ${this.members().length} clusters`,
      ...this.members().map(
        (m, k) =>
          `  cluster ${k} (${m.length} unit${m.length === 1 ? '' : 's'}): ${m.slice(0, 24).join(', ')}${m.length > 24 ? ', ...' : ''}`,
      ),
    ]
    if (this.constantUnits.length)
      lines.push(`  constant (no correlation): ${this.constantUnits.map((u) => this.units[u]).join(', ')}`)
    return lines.join('\n')
  }

  toPayload(): ClustersPayload {
    const d = this.units.length
    const e = this.examples
    return {
      version: 1,
      provenance: this.provenance,
      kind: 'clusters',
      title: this.title,
      units: [...this.units],
      correlation: encodeArray(this.correlation, [d, d], 'float32'),
      merges: this.merges.map((m) => [...m] as [number, number, number, number]),
      order: [...this.order],
      clusters: [...this.clusters],
      constantUnits: [...this.constantUnits],
      linkage: this.linkage,
      examples: e
        ? encodeArray(e.pixels, [d, e.perUnit, e.height, e.width, e.channels], 'uint8', { quantise: false })
        : null,
    }
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const d = this.units.length
    const names = this.order.map((u) => `${this.units[u]} (c${this.clusters[u]})`)
    // Column heads are narrow: a prefix every name shares ('unit ', 'channel ') is left out there.
    const prefix = commonPrefix(this.units).replace(/[^ ]*$/, '')
    const columns = this.order.map((u) => this.units[u]!.slice(prefix.length))
    return {
      [MIME_TYPES.clusters]: this.toPayload(),
      'image/png': matrixPicture({
        title: this.title,
        caption: `Pearson r in the dendrogram's leaf order; (cN): cluster N`,
        rowTitle: 'unit',
        columnTitle: 'unit',
        valueLabel: 'Pearson r',
        rows: names,
        columns,
        values: this.order.map((a) => this.order.map((b) => this.correlation[a * d + b]!)),
        scale: 'diverging',
        range: [-1, 1],
      }),
      'text/plain': this.toString(),
    }
  }
}

/**
 * Each unit's top examples: for activation rows laid out as images x positions (`spatialActivations`),
 * the `k` images where the unit's largest activation is highest, as uint8 thumbnails (images up to 64 px).
 */
export function unitExamples(
  values: Float64Array,
  rows: number,
  units: number,
  images: tf.Tensor,
  k: number,
): UnitExamples | null {
  if (images.rank !== 4) return null
  const [n, height, width, channels] = images.shape as [number, number, number, number]
  if (n < 1 || rows % n !== 0 || height > 64 || width > 64 || (channels !== 1 && channels !== 3)) return null
  const per = rows / n
  const best = new Float64Array(n * units).fill(-Infinity)
  for (let r = 0; r < rows; r++) {
    const image = Math.floor(r / per)
    for (let u = 0; u < units; u++) {
      const v = values[r * units + u]!
      if (v > best[image * units + u]!) best[image * units + u] = v
    }
  }
  const take = Math.min(k, n)
  const indices: number[][] = []
  for (let u = 0; u < units; u++) {
    const ranked = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => best[b * units + u]! - best[a * units + u]! || a - b,
    )
    indices.push(ranked.slice(0, take))
  }
  const size = height * width * channels
  const pixels = new Uint8Array(units * take * size)
  tf.tidy(() => {
    const wanted = [...new Set(indices.flat())].sort((a, b) => a - b)
    const picked = tf.gather(images, wanted).toFloat()
    const low = picked.min()
    const high = picked.max()
    const scaled = picked.sub(low).div(high.sub(low).maximum(1e-12)).mul(255).round().dataSync()
    const at = new Map(wanted.map((w, i) => [w, i]))
    indices.forEach((list, u) =>
      list.forEach((image, j) => {
        const from = at.get(image)! * size
        for (let q = 0; q < size; q++) pixels[(u * take + j) * size + q] = scaled[from + q]!
      }),
    )
  })
  return { pixels, perUnit: take, height, width, channels, indices }
}

function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? ''
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1)
  return prefix
}
