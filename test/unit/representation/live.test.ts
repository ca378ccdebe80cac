import { describe, expect, it } from 'vitest'
import { GlasswingError, MIME_TYPES, tsne, type EmbeddingPayload } from '../../../src'
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

describe('live t-SNE in a notebook', () => {
  it('updates one output in place while it optimizes, then closes it', async () => {
    const shown: DisplayRequest[] = []
    const restore = installSessionHooks({
      ...plainNodeHooks(),
      richDisplay: true,
      display: (r) => void shown.push(r),
    })
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
