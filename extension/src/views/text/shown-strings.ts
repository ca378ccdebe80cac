/**
 * A payload as its view shows it: every string a user or model wrote (class, method, layer, column,
 * category, feature and example names, concept labels, notes, tokens, value labels) replaced by
 * `userText` of it: cut, direction controls shown by name, isolated where it holds right-to-left
 * text. The views then draw payload
 * strings safely wherever they put them (inside a sentence, an SVG label, a <select> option) with no
 * code of their own, and a new view field is covered by one line in the table below.
 *
 * Only strings the views show and never send back or compare with fixed values are changed: display
 * ids, encodings, dtypes, kinds and roles stay as they are. Every string that was cut is recorded in
 * `cut` (shown text -> full text), from which the widget gives hovered elements their full value.
 *
 * Pure: no DOM.
 */
import type { PayloadOf, ViewKind } from '../../../../src/display/schema'
import { fullText, USER_TEXT_MAX, userText } from './user-text'

/** Shown text -> full text of every string that was cut. */
export type CutStrings = Map<string, string>

type Shown = (text: string, max?: number) => string

/** Notes and messages are sentences: they may run longer than names. */
const SENTENCE_MAX = 240
/** Names that sit under small pictures or in narrow legends (classes, categories, concepts, tokens). */
const NAME_MAX = 40

const strings = (list: string[] | null | undefined, show: Shown): string[] | null | undefined =>
  list ? list.map((s) => show(s, NAME_MAX)) : list

function saliency(p: PayloadOf['saliency'], show: Shown): PayloadOf['saliency'] {
  return {
    ...p,
    provenance: { ...p.provenance, method: show(p.provenance.method) },
    methods: p.methods.map((m) => show(m)),
    classNames: strings(p.classNames, show) ?? null,
  }
}

function embedding(p: PayloadOf['embedding'], show: Shown): PayloadOf['embedding'] {
  return {
    ...p,
    provenance: { ...p.provenance, method: show(p.provenance.method) },
    method: show(p.method),
    layer: p.layer === null ? null : show(p.layer),
    // Column names are also the values of the colour selector: `colorBy` is changed the same way.
    ...(p.colorBy !== undefined ? { colorBy: show(p.colorBy) } : {}),
    columns: p.columns.map((c) =>
      c.type === 'category'
        ? { ...c, name: show(c.name), categories: c.categories.map((s) => show(s, NAME_MAX)) }
        : { ...c, name: show(c.name) },
    ),
  }
}

function neurons(p: PayloadOf['neurons'], show: Shown): PayloadOf['neurons'] {
  const concept = (c: { label: string; iou: number }) => ({ ...c, label: show(c.label, NAME_MAX) })
  return {
    ...p,
    provenance: { ...p.provenance, method: show(p.provenance.method) },
    layer: show(p.layer),
    ...(p.tuningLabels !== undefined ? { tuningLabels: strings(p.tuningLabels, show) } : {}),
    ...(p.classNames !== undefined ? { classNames: strings(p.classNames, show) } : {}),
    units: p.units.map((u) => ({
      ...u,
      ...(u.concept ? { concept: concept(u.concept) } : {}),
      ...(u.concepts ? { concepts: u.concepts.map(concept) } : {}),
      ...(typeof u.note === 'string' ? { note: show(u.note, SENTENCE_MAX) } : {}),
      ...(u.topExamples
        ? {
            topExamples: u.topExamples.map((x) =>
              typeof x.label === 'string' ? { ...x, label: show(x.label, NAME_MAX) } : x,
            ),
          }
        : {}),
      ...(u.tuningCurves
        ? { tuningCurves: u.tuningCurves.map((c) => ({ ...c, sweep: show(c.sweep) })) }
        : {}),
    })),
  }
}

function features(p: PayloadOf['features'], show: Shown): PayloadOf['features'] {
  const provenance = { ...p.provenance, method: show(p.provenance.method) }
  if (p.modality === 'text')
    return {
      ...p,
      provenance,
      outputName: show(p.outputName),
      ...(p.methods ? { methods: p.methods.map((m) => show(m)) } : {}),
      examples: p.examples.map((x) => ({
        ...x,
        tokens: x.tokens.map((t) => show(t, NAME_MAX)),
        ...(typeof x.label === 'string' ? { label: show(x.label) } : {}),
      })),
    }
  return {
    ...p,
    provenance,
    featureNames: p.featureNames.map((f) => show(f, NAME_MAX)),
    outputName: show(p.outputName),
    ...(p.exampleNames ? { exampleNames: p.exampleNames.map((n) => show(n)) } : {}),
    ...(p.valueLabels ? { valueLabels: p.valueLabels.map((row) => row.map((v) => show(v, NAME_MAX))) } : {}),
    ...(p.comparison
      ? { comparison: { ...p.comparison, methods: p.comparison.methods.map((m) => show(m)) } }
      : {}),
  }
}

const surrogate = (p: PayloadOf['surrogate'], show: Shown): PayloadOf['surrogate'] => ({
  ...p,
  provenance: { ...p.provenance, method: show(p.provenance.method) },
  featureNames: p.featureNames.map((f) => show(f, NAME_MAX)),
  classNames: p.classNames.map((c) => show(c, NAME_MAX)),
  nodes: p.nodes.map((n) => ({ ...n, label: show(n.label, NAME_MAX) })),
  text: p.text.map((line) => show(line, SENTENCE_MAX)),
  ...(p.rules ? { rules: p.rules.map((r) => ({ ...r, label: show(r.label, NAME_MAX) })) } : {}),
  ...(p.shapes ? { shapes: p.shapes.map((s) => ({ ...s, className: show(s.className, NAME_MAX) })) } : {}),
})

const attention = (p: PayloadOf['attention'], show: Shown): PayloadOf['attention'] => ({
  ...p,
  provenance: { ...p.provenance, method: show(p.provenance.method) },
  title: show(p.title, SENTENCE_MAX),
  tokens: p.tokens.map((t) => show(t, NAME_MAX)),
  scores: p.scores.map((s) => ({
    ...s,
    name: show(s.name, NAME_MAX),
    description: show(s.description, SENTENCE_MAX),
  })),
  rollout: p.rollout ? { ...p.rollout, headFusion: show(p.rollout.headFusion, NAME_MAX) } : null,
})

const matrix = (p: PayloadOf['matrix'], show: Shown): PayloadOf['matrix'] => ({
  ...p,
  provenance: { ...p.provenance, method: show(p.provenance.method) },
  title: show(p.title, SENTENCE_MAX),
  rowTitle: show(p.rowTitle, NAME_MAX),
  columnTitle: show(p.columnTitle, NAME_MAX),
  valueLabel: show(p.valueLabel, NAME_MAX),
  rows: p.rows.map((r) => show(r, NAME_MAX)),
  columns: p.columns.map((c) => show(c, NAME_MAX)),
  ...(p.marks ? { marks: p.marks.map((row) => row.map((m) => show(m, NAME_MAX))) } : {}),
  ...(p.caption ? { caption: show(p.caption, SENTENCE_MAX) } : {}),
  ...(p.notes ? { notes: p.notes.map((line) => show(line, SENTENCE_MAX)) } : {}),
  ...(p.perItem
    ? {
        perItem: {
          ...p.perItem,
          label: show(p.perItem.label, NAME_MAX),
          items: p.perItem.items.map((i) => show(i, NAME_MAX)),
        },
      }
    : {}),
})

const counterfactual = (p: PayloadOf['counterfactual'], show: Shown): PayloadOf['counterfactual'] => ({
  ...p,
  provenance: { ...p.provenance, method: show(p.provenance.method) },
  featureNames: p.featureNames.map((f) => show(f, NAME_MAX)),
  targetName: p.targetName === null ? null : show(p.targetName, NAME_MAX),
  reason: p.reason === null ? null : show(p.reason, SENTENCE_MAX),
})

const atlas = (p: PayloadOf['atlas'], show: Shown): PayloadOf['atlas'] => ({
  ...p,
  provenance: { ...p.provenance, method: show(p.provenance.method) },
  title: show(p.title, SENTENCE_MAX),
  layer: show(p.layer),
  method: show(p.method, NAME_MAX),
  classNames: strings(p.classNames, show) ?? null,
  ...(p.caption ? { caption: show(p.caption, SENTENCE_MAX) } : {}),
})

const clusters = (p: PayloadOf['clusters'], show: Shown): PayloadOf['clusters'] => ({
  ...p,
  provenance: { ...p.provenance, method: show(p.provenance.method) },
  title: show(p.title, SENTENCE_MAX),
  units: p.units.map((u) => show(u, NAME_MAX)),
  linkage: show(p.linkage, NAME_MAX),
})

const TABLE: { [K in ViewKind]: (p: PayloadOf[K], show: Shown) => PayloadOf[K] } = {
  saliency,
  embedding,
  neurons,
  features,
  surrogate,
  attention,
  matrix,
  counterfactual,
  atlas,
  clusters,
}

/**
 * The payload with its shown strings made safe to show (see the module comment); a valid payload in,
 * a valid payload out. Records in `cut` each string that was cut.
 *
 * @example
 * const shown = shownStrings('saliency', payload, cut)   // classNames: ['\u2068⟨RLO⟩gnp.exe\u2069', ...]
 */
export function shownStrings<K extends ViewKind>(
  kind: K,
  payload: PayloadOf[K],
  cut: CutStrings,
): PayloadOf[K] {
  const show: Shown = (text, max = USER_TEXT_MAX) => {
    const shown = userText(text, max)
    if (text.length > max) cut.set(shown.replace(/^\u2068|\u2069$/g, ''), fullText(text))
    return shown
  }
  return TABLE[kind](payload, show)
}
