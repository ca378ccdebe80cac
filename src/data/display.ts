/**
 * How the data sets show themselves in a notebook: a summary line, a thumbnail grid for images, the
 * first rows as a table for tabular data. Read-only: displaying never changes or frees the tensors.
 */
import type * as tf from '@tensorflow/tfjs'
import { encodePng } from '../display/png'
import type { MimeBundle } from '../display/bundle'

const GRID_COLUMNS = 8
const GRID_IMAGES = 32
const SCALE = 2
const GAP = 2

/** The summary line of labelled images, for example `mnist (test): 500 images [28, 28, 1] ...`. */
export function describeImages(
  name: string,
  split: string,
  images: tf.Tensor4D,
  classNames: string[],
): string {
  const [n, height, width, channels] = images.shape
  const classes = classNames.length > 4 ? `${classNames.slice(0, 3).join(', ')}, ...` : classNames.join(', ')
  return (
    `${name} (${split}): ${n} images [${height}, ${width}, ${channels}], float32 in [0, 1]; ` +
    `labels int32, ${classNames.length} classes (${classes})`
  )
}

/** A grid of the first 32 images (scaled 2x) as a base64 PNG, with their labels in the text. */
export function imageGridBundle(
  text: string,
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  classNames: string[],
): MimeBundle {
  const [total, height, width, channels] = images.shape
  const count = Math.min(total, GRID_IMAGES)
  if (count === 0) return { 'text/plain': text }
  const first = images.slice(0, count)
  const firstLabels = labels.slice(0, count)
  const pixels = first.dataSync()
  const shown = Array.from(firstLabels.dataSync(), (label) => classNames[label] ?? String(label))
  first.dispose()
  firstLabels.dispose()
  const columns = Math.min(count, GRID_COLUMNS)
  const rows = Math.ceil(count / GRID_COLUMNS)
  const cellWidth = width * SCALE + GAP
  const cellHeight = height * SCALE + GAP
  const gridWidth = columns * cellWidth - GAP
  const gridHeight = rows * cellHeight - GAP
  const rgba = new Uint8Array(gridWidth * gridHeight * 4).fill(255)
  for (let i = 0; i < count; i++) {
    const left = (i % GRID_COLUMNS) * cellWidth
    const top = Math.floor(i / GRID_COLUMNS) * cellHeight
    for (let y = 0; y < height * SCALE; y++) {
      for (let x = 0; x < width * SCALE; x++) {
        const source = ((i * height + Math.floor(y / SCALE)) * width + Math.floor(x / SCALE)) * channels
        const target = ((top + y) * gridWidth + left + x) * 4
        for (let c = 0; c < 3; c++) {
          rgba[target + c] = Math.round(
            255 * Math.min(1, Math.max(0, pixels[source + (channels === 3 ? c : 0)]!)),
          )
        }
        rgba[target + 3] = 255
      }
    }
  }
  const suffix = count < total ? ` (the first ${count} shown)` : ''
  return {
    'text/plain': `${text}\nlabels${suffix}: ${shown.join(' ')}`,
    'image/png': encodePng(rgba, gridWidth, gridHeight),
  }
}

/** The first rows of a table as escaped HTML, with the summary line as text. */
export function tableBundle(
  text: string,
  columns: string[],
  rows: (string | number)[][],
  limit = 10,
): MimeBundle {
  const escape = (value: unknown) =>
    String(value).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    )
  const head = `<tr>${columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr>`
  const body = rows
    .slice(0, limit)
    .map((row) => `<tr>${row.map((v) => `<td>${escape(v)}</td>`).join('')}</tr>`)
    .join('')
  const more = rows.length > limit ? `<p>${rows.length - limit} more rows</p>` : ''
  return {
    'text/plain': text,
    'text/html': `<p>${escape(text)}</p><table>${head}${body}</table>${more}`,
  }
}
