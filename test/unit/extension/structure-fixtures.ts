/** Sample payloads of the structure views (atlas, clusters) for unit, hostile and shown-string tests. */
import { encodeArray } from '../../../src/display/codec'
import type { AtlasPayload, ClustersPayload } from '../../../src/display/schema'
import { provenance } from './fixtures'

/** A 6 x 6 atlas with 10 non-empty cells, 4 x 4 grey icons, three classes. */
export function atlasPayloadSample(options: { visualizations?: boolean } = {}): AtlasPayload {
  const cells = Array.from({ length: 10 }, (_, i) => ({
    column: i % 6,
    row: Math.floor(i / 6) * 3,
    count: 3 + i,
    icon: i,
    visualization: options.visualizations && i < 4 ? i : null,
    classes: [
      { class: i % 3, count: 2 + i },
      { class: (i + 1) % 3, count: 1 },
    ],
    examples: [i, i + 10],
  }))
  const icons = Uint8Array.from({ length: 10 * 16 }, (_, k) => (k * 37) % 256)
  return {
    version: 1,
    provenance: provenance('activation-atlas'),
    kind: 'atlas',
    title: 'Activation atlas of conv2d_2',
    layer: 'conv2d_2',
    method: 'umap',
    columns: 6,
    rows: 6,
    samples: 120,
    images: 60,
    minCount: 3,
    classNames: ['zero', 'one', 'two'],
    icons: encodeArray(icons, [10, 4, 4, 1], 'uint8', { quantise: false }),
    iconKind: 'patch',
    visualizations: options.visualizations
      ? encodeArray(new Uint8Array(4 * 4 * 4 * 3).fill(200), [4, 4, 4, 3], 'uint8', { quantise: false })
      : null,
    cells,
    caption: '120 activation vectors of conv2d_2 from 60 images',
  }
}

/** Five units in two clusters ({0, 1, 2} and {3, 4}), leaf order 0 1 2 3 4, with 2 examples each. */
export function clustersPayloadSample(options: { examples?: boolean } = {}): ClustersPayload {
  const group = [0, 0, 0, 1, 1]
  const r = Array.from({ length: 25 }, (_, k) => {
    const [a, b] = [Math.floor(k / 5), k % 5]
    return a === b ? 1 : group[a] === group[b] ? 0.8 : -0.2
  })
  return {
    version: 1,
    provenance: provenance('cluster-units'),
    kind: 'clusters',
    title: '5 units clustered by correlation',
    units: ['u0', 'u1', 'u2', 'u3', 'u4'],
    correlation: encodeArray(r, [5, 5], 'float32'),
    merges: [
      [0, 1, 0.2, 2],
      [3, 4, 0.2, 2],
      [2, 5, 0.2, 3],
      [7, 6, 1.2, 5],
    ],
    order: [2, 0, 1, 3, 4],
    clusters: [0, 0, 0, 1, 1],
    constantUnits: [],
    linkage: 'average',
    examples:
      options.examples === false
        ? null
        : encodeArray(new Uint8Array(5 * 2 * 3 * 3).fill(128), [5, 2, 3, 3, 1], 'uint8', { quantise: false }),
  }
}
