import { afterEach, describe, expect, it } from 'vitest'
import {
  display,
  installSessionHooks,
  listComms,
  openComm,
  plainNodeHooks,
  progress,
  progressHtml,
  progressText,
  receiveCommClose,
  receiveCommMessage,
  receiveCommOpen,
  registerCommTarget,
  settleDisplays,
  type DisplayRequest,
  type SessionHooks,
} from '../../src/session'

const restorers: Array<() => void> = []
afterEach(() => restorers.splice(0).forEach((restore) => restore()))

function recordingHooks(overrides: Partial<SessionHooks> = {}) {
  const shown: DisplayRequest[] = []
  const sent: Array<[string, string, unknown, Uint8Array[]]> = []
  let clock = 0
  const hooks: SessionHooks = {
    ...plainNodeHooks(),
    display: (request) => shown.push(request),
    richDisplay: true,
    now: () => clock,
    comms: {
      open: (id, target, data, buffers) => sent.push(['open', id, { target, data }, buffers]),
      send: (id, data, buffers) => sent.push(['msg', id, data, buffers]),
      close: (id, data, buffers) => sent.push(['close', id, data, buffers]),
    },
    ...overrides,
  }
  restorers.push(installSessionHooks(hooks))
  return { hooks, shown, sent, tick: (seconds: number) => (clock += seconds) }
}

describe('gw.display', () => {
  it('shows a value, then updates the same display id', async () => {
    const { shown } = recordingHooks()
    const out = display({
      [Symbol.for('Jupyter.display')]: async () => ({ 'text/plain': 'v', 'text/html': '<b>v</b>' }),
    })
    out.update(42)
    await settleDisplays()
    expect(shown.map((r) => [r.update, r.displayId, r.bundle])).toEqual([
      [false, out.displayId, { 'text/plain': 'v', 'text/html': '<b>v</b>' }],
      [true, out.displayId, { 'text/plain': '42' }],
    ])
  })

  it('reports a bundle without text/plain as a GlasswingError', async () => {
    recordingHooks()
    expect(() => display({ [Symbol.for('Jupyter.display')]: () => ({ 'text/html': 'x' }) })).toThrow(
      /text\/plain/,
    )
    display({ [Symbol.for('Jupyter.display')]: async () => ({ 'text/html': 'x' }) })
    await expect(settleDisplays()).rejects.toThrow(/text\/plain/)
  })
})

describe('gw.progress', () => {
  it('renders text with percentage, rate and ETA', () => {
    const text = progressText({ label: 'IG', done: 25, total: 100, elapsed: 5, unit: 'it', finished: false })
    expect(text).toBe('IG  25% |█████               | 25/100 [00:05<00:15, 5.00 it/s]')
    expect(
      progressText({ label: '', done: 7, total: undefined, elapsed: 2, unit: 'img', finished: false }),
    ).toBe('7 img [00:02, 3.50 img/s]')
  })

  it('escapes the label in HTML', () => {
    const html = progressHtml({
      label: '<script>',
      done: 1,
      total: 2,
      elapsed: 1,
      unit: 'it',
      finished: false,
    })
    expect(html).not.toContain('<script>')
    expect(html).toContain('&#60;script&#62;')
  })

  it('updates one display in place, throttled, and always draws the end', () => {
    const { shown, tick } = recordingHooks()
    const bar = progress({ total: 4, label: 'steps' })
    bar.tick()
    tick(0.5)
    bar.tick()
    bar.tick()
    tick(0.5)
    bar.tick()
    bar.finish()
    expect(new Set(shown.map((r) => r.displayId)).size).toBe(1)
    expect(shown[0]!.update).toBe(false)
    expect(shown.slice(1).every((r) => r.update)).toBe(true)
    expect(shown.length).toBe(4) // start, the tick after 0.5 s, the tick that reached the total, finish
    expect(shown.at(-1)!.bundle['text/plain']).toContain('4/4')
  })

  it('stops at the next step once interrupted', () => {
    const controller = new AbortController()
    recordingHooks({ interruptSignal: controller.signal })
    const bar = progress({ total: 10 })
    bar.tick()
    controller.abort()
    expect(() => bar.tick()).toThrow(/interrupt after 1 of 10 steps/)
  })

  it('writes text (no display) when no rich front end is attached', () => {
    const lines: string[] = []
    recordingHooks({ richDisplay: false, writeProgressText: (text) => lines.push(text) })
    const bar = progress({ total: 2, minInterval: 0 })
    bar.tick()
    bar.tick()
    expect(lines.at(-1)).toContain('2/2')
  })
})

describe('comms', () => {
  it('routes a front-end comm to its registered target and back, buffers included', () => {
    const { sent } = recordingHooks()
    const unregister = registerCommTarget('test.echo', (comm, data) => {
      comm.onMessage((message, buffers) => comm.send({ message, opened: data }, buffers))
    })
    expect(receiveCommOpen('c1', 'test.echo', { a: 1 }, [])).toBe(true)
    expect(listComms('test.echo')).toEqual({ c1: { target_name: 'test.echo' } })
    expect(receiveCommMessage('c1', { ping: true }, [new Uint8Array([9])])).toBe(true)
    expect(sent).toEqual([
      ['msg', 'c1', { message: { ping: true }, opened: { a: 1 } }, [new Uint8Array([9])]],
    ])
    expect(receiveCommClose('c1', {})).toBe(true)
    expect(listComms()).toEqual({})
    unregister()
    expect(receiveCommOpen('c2', 'test.echo', {}, [])).toBe(false)
  })

  it('opens comms from the kernel side, and explains that plain Node has no front end', () => {
    const { sent } = recordingHooks()
    const comm = openComm('glasswing.view', { kind: 'x' })
    expect(sent[0]).toEqual(['open', comm.id, { target: 'glasswing.view', data: { kind: 'x' } }, []])
    comm.close()
    restorers.push(installSessionHooks(plainNodeHooks()))
    expect(() => openComm('glasswing.view')).toThrow(/Glasswing kernel/)
  })
})
