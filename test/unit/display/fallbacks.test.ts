import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { explain, withStaticFallbacks } from '../../../src'
import { bundleOf } from '../../../src/session/display'

describe('static fallbacks', () => {
  it('gives a displayed attribution a script-free HTML picture beside its view', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    })
    const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 3)
    const before = tf.memory().numTensors
    const result = await explain(model, x, { method: 'saliency' })
    const bundle = await bundleOf(result)
    expect(tf.memory().numTensors).toBe(before)
    expect(Object.keys(bundle)).toEqual(
      expect.arrayContaining([
        'application/vnd.glasswing.saliency.v1+json',
        'image/png',
        'text/plain',
        'text/html',
      ]),
    )
    const html = bundle['text/html'] as string
    expect(html).toContain(`src="data:image/png;base64,${bundle['image/png']}"`)
    expect(html).not.toMatch(/<script|onerror|onload/i)
    x.dispose()
    model.dispose()
  })

  it('escapes every character of the text, and keeps an HTML the view made itself', () => {
    const hostile = withStaticFallbacks({
      'text/plain': '<img src=x onerror=alert(1)> & "q"',
      'image/png': 'AAAA',
    })
    expect(hostile['text/html']).toContain('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;q&#34;')
    expect(hostile['text/html']).not.toContain('<img src=x')
    const own = { 'text/plain': 't', 'image/png': 'AAAA', 'text/html': '<b>mine</b>' }
    expect(withStaticFallbacks(own)).toBe(own)
    const textOnly = { 'text/plain': 't' }
    expect(withStaticFallbacks(textOnly)).toBe(textOnly)
  })
})
