import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { settleDisplays } from '../../../src/session/display'
import { installSessionHooks, plainNodeHooks, type DisplayRequest } from '../../../src/session/hooks'
import { objectives, visualize } from '../../../src/neurons'
import { edgeModel } from './helpers'

describe('live feature visualization in a notebook', () => {
  it('updates one output in place while optimizing, then leaves one line for the returned image', async () => {
    const model = await edgeModel([45])
    const sent: DisplayRequest[] = []
    const controller = new AbortController()
    const restore = installSessionHooks({
      ...plainNodeHooks(),
      richDisplay: true,
      interruptSignal: controller.signal,
      display: (request) => void sent.push(request),
    })
    try {
      const result = await visualize(model, objectives.channel('edges', 0), {
        steps: 12,
        progressEvery: 4,
        transforms: [],
      })
      await settleDisplays()
      expect(sent.map((r) => r.update)).toEqual([false, true, true, true])
      expect(new Set(sent.map((r) => r.displayId)).size).toBe(1)
      expect(sent[0]!.bundle['image/png']).toBeTypeOf('string')
      expect(sent[0]!.bundle['text/plain']).toMatch(/step 4\/12/)
      expect(sent[3]!.bundle['text/plain']).toMatch(/Visualized channel\(edges:0\): 12 steps/)
      expect(result.history).toHaveLength(12)

      // An interrupt stops it at its first model pass, with nothing left behind.
      const before = tf.memory().numTensors
      controller.abort()
      await expect(
        visualize(model, objectives.channel('edges', 0), { steps: 12, transforms: [] }),
      ).rejects.toThrow(/^gw\.visualize: .*the cell was interrupted/)
      expect(tf.memory().numTensors).toBe(before)
    } finally {
      restore()
    }
  })
})
