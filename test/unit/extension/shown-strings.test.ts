import { describe, expect, it } from 'vitest'
import { validatePayload } from '../../../src/display/validate'
import type { PayloadOf, ViewKind } from '../../../src/display/schema'
import { shownStrings } from '../../../extension/src/views/text/shown-strings'
import { embeddingPayload, neuronsPayload, saliencyPayload, tabularPayload, textPayload } from './fixtures'

const RLO = '\u202egnp.exe'
const LONG = 'w'.repeat(100_000)

/** Every string in a value, with its path, except base64 data. */
function stringsOf(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]]
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => (k === 'data' ? [] : stringsOf(v, `${path}.${k}`)))
}

/** Fields never shown as names: identifiers, enumerations and provenance other than the method. */
const KEPT =
  /\.(version|kind|modality|type|role|dtype|encoding|displayId|selectivityIndex|createdAt|modelFingerprint)$|^\.provenance\.(library|backend|parameters)/

const payloads: { [K in ViewKind]: PayloadOf[K] } = {
  saliency: saliencyPayload({ count: 2, methods: ['saliency', 'grad-cam'] }),
  embedding: { ...embeddingPayload({ count: 20 }), colorBy: 'label' },
  neurons: neuronsPayload({ units: 4 }),
  features: tabularPayload({ examples: 3, labels: true, methods: ['a', 'b'] }),
}

describe('shownStrings', () => {
  for (const kind of Object.keys(payloads) as ViewKind[])
    it(`isolates and cuts every shown string of a ${kind} payload, and the result stays valid`, () => {
      const cut = new Map<string, string>()
      const shown = shownStrings(kind, payloads[kind], cut)
      expect(validatePayload(kind, shown).ok).toBe(true)
      const strings = stringsOf(shown).filter(([path]) => !KEPT.test(path))
      expect(strings.length).toBeGreaterThan(5)
      for (const [path, text] of strings)
        expect([path, text[0], text.at(-1)]).toEqual([path, '\u2068', '\u2069'])
      // What the view matches or sends is untouched.
      const kept = stringsOf(shown).filter(([path]) => KEPT.test(path) && !path.startsWith('.provenance'))
      for (const [path, text] of kept) expect(text, path).not.toMatch(/[\u2068\u2069]/)
    })

  it('shows direction controls by name and records the full text of what it cuts', () => {
    const payload = { ...saliencyPayload({ count: 1 }), classNames: [RLO, LONG, ...Array(8).fill('x')] }
    const cut = new Map<string, string>()
    const shown = shownStrings('saliency', payload, cut)
    expect(shown.classNames![0]).toBe('\u2068⟨RLO⟩gnp.exe\u2069')
    expect(shown.classNames![1]).toHaveLength(82)
    expect([...cut.values()]).toEqual([`\u2068${LONG}\u2069`])
    expect([...cut.keys()][0]).toBe(`${'w'.repeat(79)}…`)
  })

  it('covers text payloads: tokens, labels and method names', () => {
    const shown = shownStrings('features', textPayload(false, ['ig', 'saliency']), new Map())
    if (shown.modality !== 'text') throw new Error('expected text')
    expect(shown.examples[0]!.tokens[0]).toMatch(/^\u2068.*\u2069$/)
    expect(shown.methods).toEqual(['\u2068ig\u2069', '\u2068saliency\u2069'])
  })
})
