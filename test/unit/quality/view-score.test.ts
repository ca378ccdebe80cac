// "Score" in a saliency view, kernel side: a view's `score` message over the `glasswing.v1` comm gets
// one gw.evaluate metric per input of the maps it shows, equal to gw.evaluate's on the same maps; the
// numbers come from the rows the result holds (or computed for another class), no tensor is left, and a
// bad request is answered with a readable error.
import * as tf from '@tensorflow/tfjs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { compare, explain, type Attribution, type Comparison } from '../../../src/attribution'
import { JUPYTER_DISPLAY, MIME_TYPES } from '../../../src/display'
import { KEPT_EXPLAINERS } from '../../../src/display/live'
import type { KernelMessage, SaliencyPayload, ViewMessage } from '../../../src/display/schema'
import { load, type GlasswingModel } from '../../../src/model'
import { evaluate, VIEW_METRICS } from '../../../src/quality'
import {
  installSessionHooks,
  plainNodeHooks,
  receiveCommMessage,
  receiveCommOpen,
} from '../../../src/session'
import { mnistShaped } from '../attribution/models'

type Ask = Omit<Extract<ViewMessage, { type: 'score' }>, 'type' | 'requestId'>

/** A view's side of the comm: send `score` (or `explain`), await the kernel's reply. */
function fakeView() {
  const replies = new Map<string, (message: KernelMessage) => void>()
  const state = { interrupted: false }
  const restore = installSessionHooks({
    ...plainNodeHooks(),
    interruptRequested: () => state.interrupted,
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
  const send = (message: object): Promise<KernelMessage> => {
    const requestId = `request-${requests++}`
    const reply = new Promise<KernelMessage>((resolve) => replies.set(requestId, resolve))
    receiveCommMessage(commId, { ...message, requestId }, [])
    return reply
  }
  return {
    restore,
    state,
    score: (ask: Ask) => send({ type: 'score', ...ask }),
    explain: (displayId: string, target: number) => send({ type: 'explain', displayId, target }),
  }
}

function payloadOf(result: Attribution | Comparison): SaliencyPayload {
  return (result[JUPYTER_DISPLAY]() as Record<string, unknown>)[MIME_TYPES.saliency] as SaliencyPayload
}

describe('saliency views asking the kernel to score the maps they show', () => {
  let model: GlasswingModel
  let images: tf.Tensor
  let view: ReturnType<typeof fakeView>
  beforeAll(async () => {
    model = await load(mnistShaped())
    images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7)
    view = fakeView()
  })
  afterAll(() => {
    view.restore()
    images.dispose()
    model.dispose()
  })
  afterEach(async () => {
    // Evict every explainer these tests made, so each test starts from a session holding nothing.
    const spare = await explain(model, images, { method: 'saliency' })
    for (let i = 0; i < KEPT_EXPLAINERS; i++) payloadOf(spare)
  })

  it("answers one deletion AUC per input, equal to gw.evaluate's on the same attribution, leaving no tensor", async () => {
    const before = tf.memory().numTensors
    const result = await explain(model, images, { method: 'input-x-gradient' })
    const { displayId } = payloadOf(result)
    const targets = result.targets as number[]
    const reply = await view.score({ displayId: displayId!, metric: 'deletion', method: 0, targets })
    expect(reply.type).toBe('scored')
    if (reply.type !== 'scored') return
    const direct = await evaluate(model, result, { metrics: ['deletion'] })
    expect(reply.scores).toEqual(direct.values('deletion'))
    expect(reply.mean).toBeCloseTo(direct.mean('deletion'), 12)
    expect(reply).toMatchObject({ metric: 'deletion', title: 'Deletion AUC', higherIsBetter: false })
    // A view showing no class for an input gets null there, and the mean of the others.
    const some = await view.score({
      displayId: displayId!,
      metric: 'sparseness',
      method: 0,
      targets: [targets[0]!, null, targets[2]!],
    })
    const sparseness = (await evaluate(model, result, { metrics: ['sparseness'] })).values('sparseness')
    expect(some.type === 'scored' && some.scores).toEqual([sparseness[0], null, sparseness[2]])
    expect(some.type === 'scored' && some.mean).toBeCloseTo((sparseness[0]! + sparseness[2]!) / 2, 12)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('scores the maps of another class the view asked for, as gw.evaluate scores that class', async () => {
    const before = tf.memory().numTensors
    const { displayId } = payloadOf(await compare(model, images, ['saliency', 'input-x-gradient']))
    const other = 4
    expect((await view.explain(displayId!, other)).type).toBe('explained')
    const reply = await view.score({
      displayId: displayId!,
      metric: 'insertion',
      method: 1,
      targets: [other, other, other],
    })
    const direct = await evaluate(
      model,
      await explain(model, images, { method: 'input-x-gradient', target: other }),
      {
        metrics: ['insertion'],
      },
    )
    expect(reply.type === 'scored' && reply.scores).toEqual(direct.values('insertion'))
    // A class not asked for before is computed on demand.
    const fresh = await view.score({
      displayId: displayId!,
      metric: 'deletion',
      method: 0,
      targets: [7, 7, 7],
    })
    const saliency = await evaluate(model, await explain(model, images, { method: 'saliency', target: 7 }), {
      metrics: ['deletion'],
    })
    expect(fresh.type === 'scored' && fresh.scores).toEqual(saliency.values('deletion'))
    expect(tf.memory().numTensors).toBe(before)
  })

  it('stops at an interrupt between batches, says so, and leaves no tensor', async () => {
    const before = tf.memory().numTensors
    const result = await explain(model, images, { method: 'saliency' })
    const { displayId } = payloadOf(result)
    view.state.interrupted = true
    try {
      const reply = await view.score({
        displayId: displayId!,
        metric: 'deletion',
        method: 0,
        targets: result.targets as number[],
      })
      expect(reply.type === 'error' && reply.message).toMatch(/the cell was interrupted/)
    } finally {
      view.state.interrupted = false
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it('offers every metric that needs no mask, and answers bad requests with a readable error', async () => {
    expect(VIEW_METRICS).toContain('deletion')
    expect(VIEW_METRICS).not.toContain('pointing-game')
    const before = tf.memory().numTensors
    const result = await explain(model, images, { method: 'saliency' })
    const { displayId } = payloadOf(result)
    const targets = result.targets as number[]
    const error = async (ask: Partial<Ask>): Promise<string> => {
      const reply = await view.score({
        displayId: displayId!,
        metric: 'deletion',
        method: 0,
        targets,
        ...ask,
      })
      expect(reply.type).toBe('error')
      return reply.type === 'error' ? reply.message : ''
    }
    expect(await error({ metric: 'delection' })).toMatch(
      /^saliency view \(score\): metric expected one of deletion, insertion, .*, got 'delection'/,
    )
    expect(await error({ metric: 'pointing-game' })).toMatch(/Localisation metrics need a mask/)
    expect(await error({ method: 3 })).toMatch(/method expected a row of this result's grid, 0\.\.0, got 3/)
    expect(await error({ targets: [1, 2, 3, 4] })).toMatch(/targets expected one class index in 0\.\.9/)
    expect(await error({ targets: [12, 0, 0] })).toMatch(/targets expected one class index/)
    expect(await error({ targets: [null, null, null] })).toMatch(/at least one input with a class/)
    expect(await error({ displayId: 'glasswing-saliency-none' })).toMatch(
      /no longer in the kernel.*run its cell again to score its maps/,
    )
    expect(tf.memory().numTensors).toBe(before)
  })
})
