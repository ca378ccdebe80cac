import { describe, expect, it } from 'vitest'
import { validatePayload } from '../../../src/display/validate'
import type { PayloadOf, ViewKind } from '../../../src/display/schema'
import { shownStrings } from '../../../extension/src/views/text/shown-strings'
import {
  counterfactualPayloadSample,
  embeddingPayload,
  matrixPayloadSample,
  neuronsPayload,
  saliencyPayload,
  tabularPayload,
  textPayload,
} from './fixtures'
import { attentionPayloadSample } from './attention-fixtures'
import { atlasPayloadSample, clustersPayloadSample } from './structure-fixtures'

const RLO = '\u202egnp.exe'
const LONG = 'w'.repeat(100_000)

/** Every string in a value, with its path, except base64 data. */
function stringsOf(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]]
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => (k === 'data' ? [] : stringsOf(v, `${path}.${k}`)))
}

/** The value with every string that is not in KEPT (nor base64 data) prefixed with Hebrew. */
function rightToLeft(value: unknown, path = ''): unknown {
  if (typeof value === 'string') return KEPT.test(path) ? value : `שלום ${value}`
  if (Array.isArray(value)) return value.map((v, i) => rightToLeft(v, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'data' ? v : rightToLeft(v, `${path}.${k}`)]),
  )
}

/** Fields never shown as names: identifiers, enumerations and provenance other than the method. */
const KEPT =
  /\.(version|kind|modality|type|role|dtype|encoding|displayId|selectivityIndex|createdAt|modelFingerprint|surrogate|scale|colourBy|layout|iconKind)$|^\.provenance\.(library|backend|parameters)/

const payloads: { [K in ViewKind]: PayloadOf[K] } = {
  saliency: saliencyPayload({ count: 2, methods: ['saliency', 'grad-cam'] }),
  embedding: { ...embeddingPayload({ count: 20 }), colorBy: 'label' },
  neurons: neuronsPayload({ units: 4 }),
  features: tabularPayload({ examples: 3, labels: true, methods: ['a', 'b'] }),
  surrogate: {
    version: 1,
    provenance: saliencyPayload({ count: 1 }).provenance,
    kind: 'surrogate',
    surrogate: 'tree',
    featureNames: ['age', 'duration'],
    classNames: ['good', 'bad'],
    curve: [{ depth: 1, leaves: 2, agreement: 0.8, heldOutAgreement: 0.7 }],
    chosenDepth: 1,
    nodes: [
      { feature: 0, threshold: 30, left: 1, right: 2, samples: 10, label: 'good', share: 0.6 },
      { feature: -1, threshold: null, left: -1, right: -1, samples: 4, label: 'bad', share: 0.75 },
      { feature: -1, threshold: null, left: -1, right: -1, samples: 6, label: 'good', share: 0.83 },
    ],
    fidelity: { agreement: 0.8, heldOutAgreement: 0.7, r2: null },
    text: ['if age <= 30 then bad (0.75 of 4)', 'if age > 30 then good (0.83 of 6)'],
  },
  attention: attentionPayloadSample(),
  matrix: matrixPayloadSample(),
  counterfactual: counterfactualPayloadSample(),
  atlas: atlasPayloadSample({ visualizations: true }),
  clusters: clustersPayloadSample(),
}

describe('shownStrings', () => {
  for (const kind of Object.keys(payloads) as ViewKind[])
    it(`isolates and cuts every shown string of a ${kind} payload, and the result stays valid`, () => {
      const cut = new Map<string, string>()
      const payload = rightToLeft(payloads[kind]) as (typeof payloads)[typeof kind]
      expect(validatePayload(kind, payload).ok).toBe(true)
      const shown = shownStrings(kind, payload, cut)
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
    expect(shown.classNames![1]).toHaveLength(40)
    expect([...cut.values()]).toEqual([LONG])
    expect([...cut.keys()][0]).toBe(`${'w'.repeat(39)}…`)
  })

  it('covers text payloads: tokens, labels and method names', () => {
    const shown = shownStrings('features', textPayload(false, ['ig', 'saliency']), new Map())
    if (shown.modality !== 'text') throw new Error('expected text')
    const plain = textPayload() as Extract<ReturnType<typeof textPayload>, { modality: 'text' }>
    expect(shown.examples[0]!.tokens[0]).toBe(plain.examples[0]!.tokens[0])
    expect(shown.methods).toEqual(['ig', 'saliency'])
    const rtl = shownStrings('features', textPayload(false, ['ig', '\u202bsaliency']), new Map())
    expect(rtl.modality === 'text' && rtl.methods).toEqual(['ig', '\u2068⟨RLE⟩saliency\u2069'])
  })
})
