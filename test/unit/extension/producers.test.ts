// The contract between the library and the extension: what the library's results display passes the
// validator that the extension runs before drawing, and stays compact.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import * as gw from '../../../src'
import { JUPYTER_DISPLAY, type MimeBundle } from '../../../src/display/bundle'
import { MIME_TYPES } from '../../../src/display/schema'
import { validatePayload } from '../../../src/display/validate'

async function bundleOf(value: unknown): Promise<MimeBundle> {
  return await (value as { [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> })[JUPYTER_DISPLAY]()
}

describe('library payloads pass the extension validator', () => {
  it('gw.explain and gw.compare on MNIST', async () => {
    const model = await gw.load('notebooks/models/mnist-cnn')
    const { images } = await gw.datasets.mnist({ split: 'test', limit: 8 })
    const explained = await gw.explain(model, images, { method: 'integrated-gradients', steps: 8 } as never)
    const bundle = await bundleOf(explained)
    const result = validatePayload('saliency', bundle[MIME_TYPES.saliency])
    expect(result.ok ? [] : result.errors).toEqual([])
    expect(JSON.stringify(bundle[MIME_TYPES.saliency]).length).toBeLessThan(100_000)
    const compared = await gw.compare(model, images.slice([0], [4]), [
      'saliency',
      'integrated-gradients',
    ] as never)
    const compareBundle = await bundleOf(compared)
    const second = validatePayload('saliency', compareBundle[MIME_TYPES.saliency])
    expect(second.ok ? [] : second.errors).toEqual([])
    tf.dispose([images as tf.Tensor])
  })

  it('gw.embed (PCA) of a matrix', async () => {
    const data = tf.randomNormal([60, 8], 0, 1, 'float32', 1)
    const embedding = await gw.embed(data as never, { method: 'pca' } as never)
    const bundle = await bundleOf(embedding)
    const result = validatePayload('embedding', bundle[MIME_TYPES.embedding])
    expect(result.ok ? [] : result.errors).toEqual([])
    data.dispose()
  })
})
