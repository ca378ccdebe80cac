import * as tf from '@tensorflow/tfjs'
import { afterEach, describe, expect, it } from 'vitest'
import { JUPYTER_DISPLAY } from '../../../src/display/bundle'
import { html, image, markdown, mimeBundle } from '../../../src/display/content'
import { decodePng, encodePng } from '../../../src/display/png'
import { GlasswingError } from '../../../src/errors'
import { display, installSessionHooks, plainNodeHooks, type DisplayRequest } from '../../../src/session'

const restorers: Array<() => void> = []
afterEach(() => restorers.splice(0).forEach((restore) => restore()))

describe('html, markdown, mimeBundle', () => {
  it('show their source under the right MIME type, with readable plain text', () => {
    expect(html('<p>a &amp; <b>b</b></p><script>x()</script>')[JUPYTER_DISPLAY]()).toEqual({
      'text/plain': 'a & b',
      'text/html': '<p>a &amp; <b>b</b></p><script>x()</script>',
    })
    expect(markdown('**m**')[JUPYTER_DISPLAY]()).toEqual({ 'text/plain': '**m**', 'text/markdown': '**m**' })
    expect(mimeBundle({ 'text/latex': '$x$' })[JUPYTER_DISPLAY]()).toEqual({
      'text/plain': '(text/latex)',
      'text/latex': '$x$',
    })
  })

  it('refuse what is not a string or not a bundle, naming the function', () => {
    expect(() => html(3 as unknown as string)).toThrow(/gw\.html: source expected a string, got 3/)
    expect(() => mimeBundle({ html: 'x' })).toThrow(GlasswingError)
    expect(() => mimeBundle({})).toThrow(/gw\.mimeBundle: bundle expected an object of MIME type to data/)
  })

  it('gw.display(bundle, { mimeBundle: true }) sends the bundle as it is, updates too', () => {
    const shown: DisplayRequest[] = []
    restorers.push(
      installSessionHooks({ ...plainNodeHooks(), richDisplay: true, display: (r) => shown.push(r) }),
    )
    const handle = display({ 'text/html': '<b>1</b>' }, { mimeBundle: true })
    handle.update({ 'text/html': '<b>2</b>' })
    expect(shown.map((r) => [r.bundle['text/html'], r.update])).toEqual([
      ['<b>1</b>', false],
      ['<b>2</b>', true],
    ])
  })
})

describe('image', () => {
  it('reads the format from the bytes and names the size of a PNG', () => {
    const png = Buffer.from(encodePng(new Uint8Array(4 * 6).fill(200), 3, 2), 'base64')
    const bundle = image(png)[JUPYTER_DISPLAY]()
    expect(bundle['text/plain']).toBe(`PNG image 3x2 (${png.length} bytes)`)
    expect(bundle['image/png']).toBe(png.toString('base64'))
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0])
    // Its own <img> as HTML (escaped alt), so no fallback figure captions a plain picture.
    expect(image(jpeg, { alt: 'a <photo>' })[JUPYTER_DISPLAY]()).toEqual({
      'text/plain': 'a <photo>',
      'image/jpeg': '/9j/4A==',
      'text/html': '<img alt="a &#60;photo&#62;" src="data:image/jpeg;base64,/9j/4A==">',
    })
  })

  it('turns a tensor of pixels into a PNG (float 0..1 and int 0..255) and leaves no tensor behind', () => {
    const before = tf.memory().numTensors
    const gray = tf.tensor2d([[0, 0.5, 1]])
    const rgb = tf.tensor3d([[[255, 0, 0]]], [1, 1, 3], 'int32')
    const fromGray = decodePng(image(gray)[JUPYTER_DISPLAY]()['image/png'] as string)
    const fromRgb = decodePng(image(rgb)[JUPYTER_DISPLAY]()['image/png'] as string)
    tf.dispose([gray, rgb])
    expect([fromGray.width, fromGray.height]).toEqual([3, 1])
    expect([...fromGray.rgba]).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255])
    expect([...fromRgb.rgba]).toEqual([255, 0, 0, 255])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('says what it expected when the bytes, path or shape are wrong', () => {
    expect(() => image(new Uint8Array([1, 2, 3]))).toThrow(
      /gw\.image: source expected PNG, JPEG or GIF bytes, got 3 bytes starting 01 02 03/,
    )
    expect(() => image('/no/such/picture.png')).toThrow(
      /expected a readable image file, got '\/no\/such\/picture\.png'/,
    )
    const batch = tf.zeros([2, 4, 4, 3])
    expect(() => image(batch)).toThrow(/a tensor of shape \[2, 4, 4, 3\]/)
    batch.dispose()
  })
})
