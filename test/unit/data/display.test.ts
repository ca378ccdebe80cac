import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { decodePng, JUPYTER_DISPLAY, mimeBundleOf } from '../../../src'
import { datasets } from '../../../src/data'

describe('data sets display themselves', () => {
  it('images: a summary, the labels shown, and a 2x thumbnail grid, leaking nothing', async () => {
    const data = await datasets.mnist({ limit: 40 })
    const before = tf.memory().numTensors
    const bundle = await mimeBundleOf(data, String)
    expect(tf.memory().numTensors).toBe(before)
    expect(bundle['text/plain']).toMatch(/^mnist \(test\): 40 images \[28, 28, 1\], float32 in \[0, 1\]/)
    expect(bundle['text/plain']).toMatch(/labels \(the first 32 shown\): 7 2 1 0 4 1 4 9/)
    const png = decodePng(bundle['image/png'] as string)
    expect([png.width, png.height]).toEqual([8 * 58 - 2, 4 * 58 - 2])
    // Test digit 0 is a 7; pixel (row 7, column 6) is 84/255, drawn as a 2x2 block.
    const at = (x: number, y: number) => png.rgba[(y * png.width + x) * 4]
    expect(at(12, 14)).toBe(84)
    expect(at(13, 15)).toBe(84)
    expect(String(data)).toBe(bundle['text/plain'].split('\n')[0])
    data.dispose()
  })

  it('tables: the first rows as escaped HTML', async () => {
    const credit = await datasets.creditG({ split: 'test' })
    const bundle = credit[JUPYTER_DISPLAY]() as Record<string, string>
    expect(bundle['text/plain']).toBe(
      'credit-g (test): 200 applicants, 20 attributes encoded as 63 columns; classes good, bad',
    )
    expect(bundle['text/html']).toContain('<th>foreign_worker</th><th>class</th>')
    expect(bundle['text/html']).not.toMatch(/<td><0/)
    expect(bundle['text/html']).toContain('190 more rows')
    credit.dispose()
    const reviews = await datasets.sentiment({ split: 'test', sources: ['yelp'], limit: 3 })
    const text = reviews[JUPYTER_DISPLAY]() as Record<string, string>
    expect(text['text/plain']).toBe('sentiment (test): 3 sentences from yelp; classes negative, positive')
    expect((text['text/html'].match(/<tr>/g) ?? []).length).toBe(4)
    reviews.dispose()
  })
})
