// A view's link when the kernel closes its comm: waiting requests are answered at once with the reason
// the Glasswing kernel sends when its engine stops (test/kernel/test_engine_recovery.py checks that the
// kernel sends it), and listeners hear it; other closes answer waiting requests without alarming views.
import { describe, expect, it } from 'vitest'
import { createLink, lostMessage, type CommLike, type KernelLike } from '../../../extension/src/link'

function silentKernel() {
  const comms: CommLike[] = []
  const kernel: KernelLike = {
    createComm() {
      const comm: CommLike = {
        isDisposed: false,
        open: () => undefined,
        close: () => undefined,
        send: () => undefined,
        onMsg: () => undefined,
        onClose: () => undefined,
      }
      comms.push(comm)
      return comm
    },
  }
  return { kernel, comms }
}

const ask = { type: 'explain', requestId: 'r1', displayId: 'live', target: 5 } as const
const stopped = {
  reason: 'engine-restarted',
  message: "The kernel's engine stopped: it was killed by SIGKILL from outside the kernel.",
}

describe('a link whose kernel engine stops', () => {
  it('answers a waiting request at once with the reason, and tells listeners', async () => {
    const { kernel, comms } = silentKernel()
    const link = createLink(() => kernel)
    const heard: string[] = []
    link.onLost((message) => heard.push(message))
    const waiting = link.request(ask, 60_000)
    const started = performance.now()
    comms[0]!.onClose({ content: { data: stopped } })
    const reply = await waiting
    expect(performance.now() - started).toBeLessThan(100)
    expect(reply).toEqual({ type: 'error', requestId: 'r1', message: lostMessage(stopped) })
    expect(heard).toEqual([lostMessage(stopped)])
    expect(lostMessage(stopped)).toBe(
      "The kernel's engine stopped: it was killed by SIGKILL from outside the kernel. Its variables are gone: run %replay, then this output's cell again, to ask the kernel for more.",
    )
    // The next request opens a fresh comm to the new engine.
    void link.request({ ...ask, requestId: 'r2' }, 10)
    expect(comms).toHaveLength(2)
    link.dispose()
  })

  it('connect() opens the comm before any request, so an idle view hears it too', () => {
    const { kernel, comms } = silentKernel()
    const link = createLink(() => kernel)
    const heard: string[] = []
    const stop = link.onLost((message) => heard.push(message))
    link.connect()
    expect(comms).toHaveLength(1)
    comms[0]!.onClose({ content: { data: stopped } })
    expect(heard).toHaveLength(1)
    stop()
    link.connect()
    comms[1]!.onClose({ content: { data: stopped } })
    expect(heard).toHaveLength(1) // removed listeners hear nothing
  })

  it('a comm the kernel closes for another reason answers waiting requests but alarms no view', async () => {
    const { kernel, comms } = silentKernel()
    const link = createLink(() => kernel)
    const heard: string[] = []
    link.onLost((message) => heard.push(message))
    const waiting = link.request(ask, 60_000)
    comms[0]!.onClose({ content: { data: {} } })
    expect((await waiting).type).toBe('error')
    expect(heard).toEqual([])
  })

  it('connect() keeps trying until the view is placed in a notebook with a kernel', async () => {
    const { kernel, comms } = silentKernel()
    let placed = false
    const link = createLink(() => (placed ? kernel : null))
    link.connect()
    expect(comms).toHaveLength(0)
    placed = true
    await expect.poll(() => comms.length, { timeout: 2_000 }).toBe(1)
    link.dispose()
    const never = createLink(() => null)
    never.connect()
    never.dispose() // stops trying
  })
})
