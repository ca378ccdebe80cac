import { afterEach, describe, expect, it } from 'vitest'
import { MAX_PAYLOAD_DEPTH, shortPath, tooDeep } from '../../../src/display/limits'
import { GlasswingError } from '../../../src/errors'
import {
  bundleOf,
  display,
  installSessionHooks,
  plainNodeHooks,
  settleDisplays,
  type DisplayRequest,
} from '../../../src/session'

/** `[[[...'x'...]]]`, `depth` arrays deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'x'
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const restorers: Array<() => void> = []
afterEach(() => restorers.splice(0).forEach((restore) => restore()))

function recording(): DisplayRequest[] {
  const shown: DisplayRequest[] = []
  restorers.push(
    installSessionHooks({ ...plainNodeHooks(), richDisplay: true, display: (r) => shown.push(r) }),
  )
  return shown
}

const bundleWith = (classNames: unknown) => ({
  [Symbol.for('Jupyter.display')]: () => ({
    'application/vnd.glasswing.saliency.v1+json': { classNames },
    'text/plain': 'deep',
  }),
})

describe('tooDeep', () => {
  it('finds the first place deeper than the limit, with its path', () => {
    expect(tooDeep({ a: [[1]] }, 2)).toEqual({ depth: 3, path: 'a[0]' })
    expect(tooDeep({ a: [1] }, 2)).toBeNull()
    expect(tooDeep('text', 0)).toBeNull()
    expect(tooDeep(nested(MAX_PAYLOAD_DEPTH))).toBeNull()
    expect(tooDeep(nested(MAX_PAYLOAD_DEPTH + 1))?.depth).toBe(MAX_PAYLOAD_DEPTH + 1)
  })

  it('walks a million levels without overflowing the stack, and counts a cycle as too deep', () => {
    expect(tooDeep(nested(1_000_000))?.depth).toBe(MAX_PAYLOAD_DEPTH + 1)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(tooDeep(cycle)?.path).toMatch(/^self\.self\.self/)
  })

  it('does not walk typed arrays element by element', () => {
    const started = performance.now()
    expect(tooDeep({ values: new Float32Array(5_000_000) })).toBeNull()
    expect(performance.now() - started).toBeLessThan(50)
  })

  it('shortens long paths to one line', () => {
    const path = '[0]'.repeat(1000)
    expect(shortPath(path, 40)).toHaveLength(39)
    expect(shortPath('a.b', 40)).toBe('a.b')
  })
})

describe('gw.display of deeply nested bundles', () => {
  for (const depth of [1_000, 3_000, 5_000, 100_000])
    it(`refuses a bundle nested ${depth} deep with a GlasswingError, not a stack overflow`, async () => {
      const shown = recording()
      let thrown: unknown
      try {
        display(bundleWith(nested(depth)))
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(GlasswingError)
      expect((thrown as Error).message).toMatch(
        /gw\.display: value expected a MIME bundle nested at most 64 levels deep, got one nested deeper than that at application\/vnd\.glasswing\.saliency\.v1\+json\.classNames\[0\]/,
      )
      expect((thrown as Error).message).toMatch(/cannot read JSON nested about 1,000 levels deep/)
      expect(shown).toHaveLength(0)
      // The result of a cell (execute_result) takes the same path.
      await expect(bundleOf(bundleWith(nested(depth)))).rejects.toThrow(GlasswingError)
    })

  it('refuses a deep bundle made asynchronously when the cell settles', async () => {
    const shown = recording()
    display({
      [Symbol.for('Jupyter.display')]: async () => ({
        'text/plain': 'deep',
        'application/json': nested(5000),
      }),
    })
    await expect(settleDisplays()).rejects.toThrow(/nested at most 64 levels deep/)
    expect(shown).toHaveLength(0)
  })

  it('shows a bundle within the limit, and it serialises', async () => {
    const shown = recording()
    display(bundleWith(nested(20)))
    await settleDisplays()
    expect(shown).toHaveLength(1)
    expect(JSON.stringify(shown[0]!.bundle)).toContain('"x"')
  })

  it('shows a deeply nested plain value as text', async () => {
    const shown = recording()
    display(nested(10_000))
    await settleDisplays()
    expect(shown[0]!.bundle['text/plain']).toMatch(/\[Array\]/)
  })
})

describe('gw.display metadata', () => {
  it('refuses metadata nested thousands deep', () => {
    const shown = recording()
    expect(() =>
      display('x', { metadata: { 'text/plain': nested(5000) as Record<string, unknown> } }),
    ).toThrow(/gw\.display: options\.metadata expected metadata nested at most 64 levels deep/)
    expect(shown).toHaveLength(0)
  })
})
