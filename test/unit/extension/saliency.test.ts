// The saliency view's "another class" logic without a browser: which targets it offers (held ones, and
// with a live id every class), merging the kernel's maps, the notes it shows, and the link's requests.
import { describe, expect, it } from 'vitest'
import { createLink, type CommLike, type KernelLike } from '../../../extension/src/link'
import {
  classCount,
  describeChoice,
  held,
  kernelNote,
  mergeMaps,
  modeOf,
  showLabel,
  targetChoices,
} from '../../../extension/src/views/saliency-model'
import { validatePayload } from '../../../src/display/validate'
import type { KernelMessage, ViewMessage } from '../../../src/display/schema'
import { saliencyPayload } from './fixtures'

describe('saliency target selector', () => {
  it('offers only what the payload holds without a live id', () => {
    const payload = saliencyPayload({ count: 3, targets: 2 })
    expect(targetChoices(payload).map((c) => c.value)).toEqual(['rank:0', 'rank:1', 'label'])
    expect(targetChoices(payload, true).every((c) => c.group === 'per input' || c.group === 'kernel')).toBe(
      true,
    )
  })

  it('offers every class with a live id, marking those the kernel sent', () => {
    const payload = saliencyPayload({ count: 1, targets: 3, displayId: 'live-1' })
    expect(classCount(payload)).toBe(10)
    const choices = targetChoices(payload, true)
    const classes = choices.filter((c) => c.value.startsWith('class:'))
    expect(classes).toHaveLength(10)
    // One input: its three predicted classes are held and say their rank and probability.
    expect(classes.filter((c) => c.group === 'sent').map((c) => c.text)).toEqual([
      'class class 0 (#1, 90.0%)',
      'class class 1 (#2, 3.3%)',
      'class class 2 (#3, 3.3%)',
    ])
    expect(classes.find((c) => c.value === 'class:7')).toEqual({
      value: 'class:7',
      text: 'class class 7',
      group: 'kernel',
    })
  })

  it('marks, for several inputs, how many have a class as their top prediction', () => {
    const payload = saliencyPayload({ count: 12, targets: 1, displayId: 'live-2' })
    const texts = targetChoices(payload, true).map((c) => c.text)
    expect(texts).toContain('class class 1 (top of 2 inputs)')
    expect(texts).toContain('class class 5 (top of 1 input)')
  })

  it('merges the maps the kernel sends, so that the class is then held and the payload still valid', () => {
    const payload = saliencyPayload({ count: 2, targets: 1, displayId: 'live-3' })
    expect(held(payload, { kind: 'class', target: 7 })).toBe(false)
    const sent = payload.maps.map((map) => ({ ...map, target: 7 }))
    const merged = mergeMaps(payload, sent)
    expect(held(merged, { kind: 'class', target: 7 })).toBe(true)
    expect(merged.maps).toHaveLength(4)
    expect(mergeMaps(merged, sent).maps).toHaveLength(4) // the same maps again replace, not add
    expect(validatePayload('saliency', merged).ok).toBe(true)
    expect(targetChoices(merged, true).find((c) => c.value === 'class:7')?.group).toBe('sent')
  })

  it('rejects a class count the maps exceed, and a non-string live id', () => {
    const payload = { ...saliencyPayload({ count: 1, targets: 1 }), classCount: 0, displayId: 5 }
    const result = validatePayload('saliency', payload)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors).toEqual([
        'saliency.displayId: expected a string, got 5',
        'saliency.classCount: expected a count >= 1, got 0',
      ])
  })

  it('says what it shows, and why a class could not be computed', () => {
    const payload = saliencyPayload({ count: 1, targets: 1, displayId: 'live-4' })
    expect(describeChoice(payload, { kind: 'class', target: 3 })).toBe('class class 3 for every input')
    expect(describeChoice(payload, { kind: 'rank', rank: 0 })).toBe("each input's top prediction")
    expect(kernelNote(payload, 3, 'No kernel is connected.')).toBe(
      'Could not compute class class 3: no kernel is connected to this notebook. Start one and run the cell again to explain other classes. Showing what this output holds.',
    )
    expect(kernelNote(payload, 3, 'This result is no longer in the kernel; run its cell again.')).toBe(
      'Could not compute class class 3: This result is no longer in the kernel; run its cell again. Showing what this output holds.',
    )
  })
})

describe('signed and magnitude methods side by side', () => {
  const payload = {
    ...saliencyPayload({ count: 1, methods: ['saliency', 'integrated-gradients', 'grad-cam'] }),
    signed: true,
    signedMethods: [false, true, false],
  }

  it("draws magnitude rows as magnitudes whatever 'Show' says, and names the methods 'Show' applies to", () => {
    expect([0, 1, 2].map((m) => modeOf(payload, m, 'signed'))).toEqual(['absolute', 'signed', 'absolute'])
    expect(modeOf(payload, 1, 'negative')).toBe('negative')
    expect(showLabel(payload)).toBe('Show (integrated-gradients)')
    const { signedMethods: _, ...older } = payload
    expect(modeOf(older, 0, 'signed')).toBe('signed')
    expect(showLabel(older)).toBe('Show')
    expect(validatePayload('saliency', payload).ok).toBe(true)
    const wrong = validatePayload('saliency', { ...payload, signedMethods: [true] })
    expect(!wrong.ok && wrong.errors).toEqual([
      'saliency.signedMethods: expected one per method (3), got an array of 1',
    ])
  })

  it("says a disposed model's message without the kernel's 'saliency view:' prefix", () => {
    const reason =
      'saliency view: model expected the model this result was computed with, got a model that was disposed since. Reload it with gw.load("models/mnist-cnn/model.json") and rerun the cell to explain other classes.'
    expect(kernelNote(payload, 3, reason)).toBe(
      'Could not compute class class 3: model expected the model this result was computed with, got a model that was disposed since. Reload it with gw.load("models/mnist-cnn/model.json") and rerun the cell to explain other classes. Showing what this output holds.',
    )
  })
})

describe('kernel link', () => {
  /** A kernel whose comm answers each `explain` with one map, or never (`silent`). */
  function fakeKernel(silent = false) {
    const sent: ViewMessage[] = []
    const kernel: KernelLike = {
      createComm() {
        const comm: CommLike = {
          isDisposed: false,
          open: () => undefined,
          close: () => undefined,
          onMsg: () => undefined,
          onClose: () => undefined,
          send(data) {
            const message = data as ViewMessage
            sent.push(message)
            if (silent || message.type !== 'explain') return
            const reply: KernelMessage = { type: 'explained', requestId: message.requestId, maps: [] }
            queueMicrotask(() => comm.onMsg({ content: { data: reply } }))
          },
        }
        return comm
      },
    }
    return { kernel, sent }
  }
  const ask = { type: 'explain', requestId: 'r1', displayId: 'live', target: 5 } as const

  it('answers a request with the reply of the same id', async () => {
    const { kernel, sent } = fakeKernel()
    const link = createLink(() => kernel)
    expect(await link.request(ask)).toEqual({ type: 'explained', requestId: 'r1', maps: [] })
    expect(sent).toEqual([ask])
  })

  it('answers errors without a kernel, after the timeout, and when the view closes', async () => {
    expect(await createLink(() => null).request(ask)).toEqual({
      type: 'error',
      requestId: 'r1',
      message: 'No kernel is connected.',
    })
    const silent = createLink(() => fakeKernel(true).kernel)
    expect((await silent.request(ask, 10)).type).toBe('error')
    const pending = silent.request({ ...ask, requestId: 'r2' })
    silent.dispose()
    expect(await pending).toEqual({ type: 'error', requestId: 'r2', message: 'The view was closed.' })
  })
})
