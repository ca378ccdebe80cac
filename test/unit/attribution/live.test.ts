// "Explain another class", kernel side: an attribution's bundle registers an explainer under the id in
// its payload; a view's `explain` message over the `glasswing.v1` comm gets that class's maps, computed
// the same way; the session keeps a bounded number of explainers and frees what evicted ones held.
import * as tf from '@tensorflow/tfjs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { compare, explain, type Attribution, type Comparison } from '../../../src/attribution'
import { backend } from '../../../src/backend'
import { JUPYTER_DISPLAY, MIME_TYPES, decodeArray } from '../../../src/display'
import { KEPT_EXPLAINERS, keptExplainers } from '../../../src/display/live'
import type { KernelMessage, SaliencyPayload } from '../../../src/display/schema'
import { GlasswingError } from '../../../src/errors'
import { load, type GlasswingModel } from '../../../src/model'
import {
  installSessionHooks,
  plainNodeHooks,
  receiveCommMessage,
  receiveCommOpen,
} from '../../../src/session'
import { mnistShaped } from './models'

/** A view's side of the comm: send `explain`, await the kernel's reply. */
function fakeView() {
  const replies = new Map<string, (message: KernelMessage) => void>()
  const restore = installSessionHooks({
    ...plainNodeHooks(),
    comms: {
      open: () => undefined,
      close: () => undefined,
      send: (_comm, data) => {
        const message = data as KernelMessage
        replies.get(message.requestId)?.(message)
      },
    },
  })
  const commId = `comm-${Math.random()}`
  receiveCommOpen(commId, 'glasswing.v1', {}, [])
  let requests = 0
  return {
    restore,
    ask(displayId: string, target: number, method?: string): Promise<KernelMessage> {
      const requestId = `request-${requests++}`
      const reply = new Promise<KernelMessage>((resolve) => replies.set(requestId, resolve))
      receiveCommMessage(
        commId,
        { type: 'explain', requestId, displayId, target, ...(method ? { method } : {}) },
        [],
      )
      return reply
    },
  }
}

function payloadOf(result: Attribution | Comparison): SaliencyPayload {
  return (result[JUPYTER_DISPLAY]() as Record<string, unknown>)[MIME_TYPES.saliency] as SaliencyPayload
}

describe('saliency views asking the kernel for another class', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  let view: ReturnType<typeof fakeView>
  beforeAll(async () => {
    model = await load(mnistShaped())
    images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5)
    view = fakeView()
  })
  afterAll(() => {
    view.restore()
    images.dispose()
    model.dispose()
  })
  afterEach(async () => {
    // Evict every explainer these tests made, so each test starts from a session holding no tensors.
    const spare = await explain(model, images, { method: 'saliency' })
    for (let i = 0; i < KEPT_EXPLAINERS; i++) payloadOf(spare)
  })

  it('answers with the maps of the asked class, as a direct explain of that class computes them', async () => {
    const before = tf.memory().numTensors
    const result = await explain(model, images, { method: 'integrated-gradients', steps: 8 })
    const payload = payloadOf(result)
    expect(payload.displayId).toMatch(/^glasswing-saliency-/)
    expect(payload.classCount).toBe(10)
    const other = (result.targets[0]! + 1) % 10
    const started = performance.now()
    const reply = await view.ask(payload.displayId!, other)
    const elapsed = performance.now() - started
    expect(reply.type).toBe('explained')
    if (reply.type !== 'explained') return
    expect(reply.maps.map((m) => [m.input, m.method, m.target])).toEqual([
      [0, 0, other],
      [1, 0, other],
      [2, 0, other],
    ])
    const direct = payloadOf(
      await explain(model, images, { method: 'integrated-gradients', steps: 8, target: other }),
    )
    for (const [i, map] of reply.maps.entries())
      expect(Array.from(decodeArray(map.values))).toEqual(Array.from(decodeArray(direct.maps[i]!.values)))
    expect(tf.memory().numTensors).toBe(before)
    expect(elapsed).toBeLessThan(5_000)
  })

  it('answers readable errors: an unknown id, a class out of range, a method the result lacks', async () => {
    const unknown = await view.ask('glasswing-saliency-none', 1)
    expect(unknown).toMatchObject({ type: 'error' })
    expect(unknown.type === 'error' && unknown.message).toMatch(/no longer in the kernel.*run its cell again/)
    const { displayId } = payloadOf(await explain(model, images, { method: 'saliency' }))
    const outside = await view.ask(displayId!, 12)
    expect(outside.type === 'error' && outside.message).toMatch(
      /options\.target expected a class index in 0\.\.9, got 12/,
    )
    const method = await view.ask(displayId!, 1, 'lime')
    expect(method.type === 'error' && method.message).toMatch(
      /method expected one of this result's methods \(saliency\), got 'lime'/,
    )
  })

  it('says so when the model was disposed since', async () => {
    const gone = await load(mnistShaped())
    const { displayId } = payloadOf(await explain(gone, images, { method: 'saliency' }))
    gone.dispose()
    const reply = await view.ask(displayId!, 2)
    expect(reply.type === 'error' && reply.message).toBe(
      'saliency view: model expected the model this result was computed with, got a model that was disposed since. Make the model again and rerun the cell to explain other classes.',
    )
    // A model loaded from a path: the message gives the gw.load call that brings it back.
    const path = join(__dirname, '..', '..', '..', 'notebooks', 'models', 'mnist-cnn')
    const loaded = await load(path)
    const payload = payloadOf(await explain(loaded, images, { method: 'saliency' }))
    loaded.dispose()
    const again = await view.ask(payload.displayId!, 2)
    expect(again.type === 'error' && again.message).toMatch(
      `got a model that was disposed since. Reload it with gw.load(${JSON.stringify(join(path, 'model.json'))}) and rerun the cell`,
    )
  })

  it('recomputes every method of a comparison, or the one asked', async () => {
    const { displayId } = payloadOf(await compare(model, images, ['saliency', 'input-x-gradient']))
    const both = await view.ask(displayId!, 4)
    expect(both.type === 'explained' && both.maps.map((m) => `${m.method}/${m.target}`)).toEqual([
      '0/4',
      '0/4',
      '0/4',
      '1/4',
      '1/4',
      '1/4',
    ])
    const one = await view.ask(displayId!, 4, 'input-x-gradient')
    expect(one.type === 'explained' && one.maps.map((m) => m.method)).toEqual([1, 1, 1])
  })

  it('keeps its own copy of tensor options, and frees it when the explainer is evicted', async () => {
    const before = tf.memory().numTensors
    const baseline = tf.fill([3, 28, 28, 1], 0.5)
    const result = await explain(model, images, { method: 'integrated-gradients', steps: 4, baseline })
    const ids = Array.from({ length: KEPT_EXPLAINERS + 4 }, () => payloadOf(result).displayId!)
    baseline.dispose()
    // One baseline copy per kept explainer, no more: the four oldest were evicted and their copies freed.
    expect(keptExplainers()).toEqual(ids.slice(4))
    expect(tf.memory().numTensors).toBe(before + KEPT_EXPLAINERS)
    const evicted = await view.ask(ids[0]!, 3)
    expect(evicted.type === 'error' && evicted.message).toMatch(/keeps the last 16 results/)
    const kept = await view.ask(ids.at(-1)!, 3)
    expect(kept.type).toBe('explained')
    expect(tf.memory().numTensors).toBe(before + KEPT_EXPLAINERS)
    const spare = await explain(model, images, { method: 'saliency' })
    for (let i = 0; i < KEPT_EXPLAINERS; i++) payloadOf(spare)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('gives no live id where the result cannot be recomputed for a class', async () => {
    const baseline = tf.fill([3, 28, 28, 1], 0.5)
    const result = await explain(model, images, { method: 'integrated-gradients', steps: 4, baseline })
    baseline.dispose()
    expect(payloadOf(result).displayId).toBeUndefined()
    // A neuron's attribution explains no class. (wasm lacks the gather gradient it needs: nothing to check.)
    const neuron = await explain(model, images, {
      method: 'saliency',
      neuron: { layer: 'hidden', index: [0] },
    }).catch((error: unknown) => {
      const missing = error instanceof GlasswingError && /does not implement it/.test(error.message)
      if (missing && backend().backend === 'wasm') return null
      throw error
    })
    if (neuron) expect(payloadOf(neuron).displayId).toBeUndefined()
  })
})
