import * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { embedLayers, GlasswingError, load, MIME_TYPES, tsne, type EmbeddingPayload } from '../../../src'
import {
  installSessionHooks,
  plainNodeHooks,
  settleDisplays,
  type DisplayRequest,
} from '../../../src/session'
import { mnistTest } from './mnist'

const { images } = mnistTest(80)
const options = {
  perplexity: 5,
  earlyExaggerationIterations: 20,
  iterations: 20,
  progressEvery: 10,
  quality: false,
}

/** Session hooks of a notebook front end that record what is displayed; `restore` removes them. */
function recordDisplays(): { shown: DisplayRequest[]; restore: () => void } {
  const shown: DisplayRequest[] = []
  const restore = installSessionHooks({
    ...plainNodeHooks(),
    richDisplay: true,
    display: (r) => void shown.push(r),
  })
  return { shown, restore }
}

describe('live t-SNE in a notebook', () => {
  it('updates one output in place while it optimizes, then closes it', async () => {
    const { shown, restore } = recordDisplays()
    try {
      await tsne(images, options)
      await settleDisplays()
    } finally {
      restore()
    }
    expect(shown.length).toBe(5)
    expect(new Set(shown.map((r) => r.displayId)).size).toBe(1)
    expect(shown.map((r) => r.update)).toEqual([false, true, true, true, true])
    const steps = shown.slice(0, 4).map((r) => (r.bundle[MIME_TYPES.embedding] as EmbeddingPayload).progress)
    expect(steps).toEqual([10, 20, 30, 40].map((step) => ({ step, total: 40 })))
    expect(shown[4]!.bundle['text/plain']).toMatch(/live view ended/)
  })

  it('leaves each layer of gw.embedLayers as its own interactive view, live or not', async () => {
    const model = await load(join(__dirname, '..', '..', '..', 'notebooks', 'models', 'mnist-cnn'))
    const inputs = tf.tensor4d(images.values, [80, 28, 28, 1])
    const { shown, restore } = recordDisplays()
    try {
      for (const method of ['tsne', 'pca'] as const) {
        shown.length = 0
        await embedLayers(model, inputs, {
          ...options,
          layers: ['conv2d_1', 'dense_1'],
          method,
          pool: 'average',
        })
        await settleDisplays()
        const ids = [...new Set(shown.map((r) => r.displayId))]
        expect(ids.length).toBe(2)
        for (const id of ids) {
          const last = shown.filter((r) => r.displayId === id).at(-1)!
          const payload = last.bundle[MIME_TYPES.embedding] as EmbeddingPayload
          expect(payload.method).toBe(method)
          expect(payload.progress ?? null).toBeNull()
        }
      }
    } finally {
      restore()
      inputs.dispose()
      model.dispose()
    }
  })

  it('stops at the next update when the user interrupts', async () => {
    const controller = new AbortController()
    controller.abort()
    const restore = installSessionHooks({ ...plainNodeHooks(), interruptSignal: controller.signal })
    try {
      const error = await tsne(images, options).catch((e) => e)
      expect(error).toBeInstanceOf(GlasswingError)
      expect(error.message).toMatch(/an interrupt after 10 of 40 iterations/)
    } finally {
      restore()
    }
  })
})
