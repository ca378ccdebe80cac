/**
 * Plain content for a notebook: a piece of HTML, Markdown or an image, and any MIME bundle as it is.
 * Each returns a value that shows itself (as a cell's last expression, through `gw.display`, or in a
 * report), so it can be shown now, updated later or collected.
 */
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { GlasswingError, describeValue } from '../errors'
import { JUPYTER_DISPLAY, escapeHtml, type Displayable, type MimeBundle } from './bundle'
import { bytesToBase64 } from './codec'
import { encodePng } from './png'

/** A value that shows one MIME bundle: what `gw.html`, `gw.markdown`, `gw.image` and `gw.mimeBundle` return. */
export class Content implements Displayable {
  /** The bundle this value shows. */
  readonly bundle: MimeBundle

  constructor(bundle: MimeBundle) {
    this.bundle = bundle
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.bundle
  }

  toString(): string {
    return this.bundle['text/plain']
  }
}

/**
 * A piece of HTML, shown as HTML (JupyterLab sanitizes it; scripts do not run).
 *
 * @example
 * gw.html('<b>bold</b> and <i>italic</i>')
 */
export function html(source: string): Content {
  requireString('gw.html', 'source', source, "gw.html('<b>bold</b>')")
  return new Content({ 'text/plain': textOfHtml(source), 'text/html': source })
}

/**
 * A piece of Markdown, shown rendered (LaTeX between `$` signs too).
 *
 * @example
 * gw.markdown('## Results\nThe model looks at the **digit**.')
 */
export function markdown(source: string): Content {
  requireString('gw.markdown', 'source', source, "gw.markdown('**bold**')")
  return new Content({ 'text/plain': source, 'text/markdown': source })
}

/** What {@link image} shows: encoded bytes (PNG, JPEG or GIF), a file holding them, or a tensor of pixels. */
export type ImageSource = Uint8Array | string | tf.Tensor

/** Options of {@link image}. */
export interface ImageOptions {
  /** Alternative text (also the plain-text form). */
  alt?: string
}

const FORMATS: { mime: string; name: string; signature: number[] }[] = [
  { mime: 'image/png', name: 'PNG', signature: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', name: 'JPEG', signature: [0xff, 0xd8, 0xff] },
  { mime: 'image/gif', name: 'GIF', signature: [0x47, 0x49, 0x46, 0x38] },
]

/**
 * An image: PNG, JPEG or GIF bytes (the format read from the file's signature), a path to such a file,
 * or a tensor of pixels `[height, width]`, `[height, width, 1]`, `[height, width, 3]` or
 * `[height, width, 4]` (float values in 0..1, integer values in 0..255, as `tf.browser.toPixels` reads them).
 *
 * @example
 * gw.image(fs.readFileSync('cat.png'))
 * gw.image(tf.randomUniform([28, 28]), { alt: 'noise' })
 */
export function image(source: ImageSource, options: ImageOptions = {}): Content {
  if (source instanceof tf.Tensor) return pixelImage(source, options)
  let bytes: Uint8Array
  if (typeof source === 'string') {
    try {
      bytes = readFileSync(source)
    } catch (error) {
      throw new GlasswingError({
        where: 'gw.image',
        argument: 'source',
        expected: 'a readable image file',
        received: `'${source}' (${(error as Error).message.split('\n')[0]})`,
        hint: 'Check the path (it is relative to the notebook folder).',
      })
    }
  } else if (source instanceof Uint8Array) {
    bytes = source
  } else {
    throw new GlasswingError({
      where: 'gw.image',
      argument: 'source',
      expected: 'PNG, JPEG or GIF bytes (a Uint8Array or Buffer), a file path, or a tensor of pixels',
      received: describeValue(source),
      hint: "Pass fs.readFileSync('picture.png'), the path itself, or a [height, width, 3] tensor.",
    })
  }
  const format = FORMATS.find((f) => f.signature.every((byte, i) => bytes[i] === byte))
  if (!format) {
    const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
    throw new GlasswingError({
      where: 'gw.image',
      argument: 'source',
      expected: 'PNG, JPEG or GIF bytes',
      received: `${bytes.length} bytes starting ${head || '(empty)'}`,
      hint: 'Convert the picture to PNG, or pass its pixels as a tensor.',
    })
  }
  const size = format.mime === 'image/png' && bytes.length >= 24 ? pngSize(bytes) : ''
  const text = options.alt ?? `${format.name} image${size} (${bytes.length} bytes)`
  return imageContent(text, format.mime, bytesToBase64(bytes))
}

/**
 * The picture's own `<img>` as its HTML: otherwise the static fallback every result gets (a figure with
 * the text as caption) would caption a plain picture with its description.
 */
function imageContent(text: string, mime: string, base64: string): Content {
  const html = `<img alt="${escapeHtml(text)}" src="data:${mime};base64,${base64}">`
  return new Content({ 'text/plain': text, [mime]: base64, 'text/html': html })
}

function pngSize(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return ` ${view.getUint32(16)}x${view.getUint32(20)}`
}

function pixelImage(pixels: tf.Tensor, options: ImageOptions): Content {
  const [height, width, channels = 1] = pixels.shape
  if ((pixels.rank !== 2 && pixels.rank !== 3) || ![1, 3, 4].includes(channels)) {
    throw new GlasswingError({
      where: 'gw.image',
      argument: 'source',
      expected: 'a tensor [height, width] or [height, width, 1 | 3 | 4]',
      received: `a tensor of shape [${pixels.shape.join(', ')}]`,
      hint: 'Take one image out of a batch first, e.g. images.slice([0], [1]).squeeze([0]).',
    })
  }
  const values = pixels.dataSync()
  const scale = pixels.dtype === 'float32' ? 255 : 1
  const rgba = new Uint8Array(height! * width! * 4)
  for (let p = 0; p < height! * width!; p++) {
    for (let c = 0; c < 3; c++) {
      const value = values[p * channels + (channels === 1 ? 0 : c)]! * scale
      rgba[p * 4 + c] = Math.max(0, Math.min(255, Math.round(value)))
    }
    rgba[p * 4 + 3] =
      channels === 4 ? Math.max(0, Math.min(255, Math.round(values[p * 4 + 3]! * scale))) : 255
  }
  const text = options.alt ?? `PNG image ${width}x${height} (from a tensor)`
  return imageContent(text, 'image/png', encodePng(rgba, width!, height!))
}

/**
 * Any MIME bundle, shown as it is: the form to use for types Glasswing has no helper for.
 * A `text/plain` is added (from the other types' names) when the bundle has none.
 *
 * @example
 * gw.mimeBundle({ 'text/latex': '$e^{i\\pi} = -1$' })
 */
export function mimeBundle(bundle: Record<string, unknown>): Content {
  const entries = typeof bundle === 'object' && bundle !== null ? Object.entries(bundle) : []
  const bad = entries.find(([type]) => !/^[\w.+-]+\/[\w.+-]+$/.test(type))
  if (entries.length === 0 || bad || Array.isArray(bundle)) {
    throw new GlasswingError({
      where: 'gw.mimeBundle',
      argument: 'bundle',
      expected: "an object of MIME type to data, such as { 'text/html': '<b>x</b>' }",
      received: bad ? `a key '${bad[0]}', which is no MIME type` : describeValue(bundle),
      hint: 'Use MIME types as keys (type/subtype); images as base64 strings.',
    })
  }
  const plain = typeof bundle['text/plain'] === 'string' ? bundle['text/plain'] : undefined
  const text = plain ?? `(${entries.map(([type]) => type).join(', ')})`
  return new Content({ ...bundle, 'text/plain': text })
}

function requireString(where: string, argument: string, value: unknown, example: string): void {
  if (typeof value === 'string') return
  throw new GlasswingError({
    where,
    argument,
    expected: 'a string',
    received: describeValue(value),
    hint: `Pass the source as text, e.g. ${example}.`,
  })
}

/** Readable text of an HTML fragment: tags dropped, the common entities decoded, blank runs folded. */
function textOfHtml(source: string): string {
  const text = source
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim()
  return text || '(HTML)'
}
