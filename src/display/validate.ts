/**
 * Checks that a value is a well-formed payload of a view before anything draws it.
 *
 * Dependency-free (the JupyterLab extension bundles it). Reports every problem it finds, each as a
 * path and what was expected, so a bad payload becomes a readable error box instead of a broken view.
 */
import { BYTES_PER_ELEMENT } from './codec'
import {
  MAX_ATLAS_CELLS,
  MAX_ATTENTION_VALUES,
  MAX_CLUSTER_UNITS,
  MAX_IMAGE_SIDE,
  MAX_MATRIX_CELLS,
  MAX_MATRIX_ITEMS,
  MAX_PAYLOAD_DEPTH,
  shortPath,
  tooDeep,
} from './limits'
import type { EncodedArray, PayloadOf, ViewKind } from './schema'
import { checkNumbers } from './validate-numbers'

/**
 * The outcome of `validatePayload`. A valid payload may come with notices: what its view leaves out
 * and says so (points whose coordinates are not finite, ...).
 */
export type Validation<K extends ViewKind> =
  | { ok: true; payload: PayloadOf[K]; notices: string[] }
  | { ok: false; errors: string[] }

type Obj = Record<string, unknown>
type Check = (value: unknown, path: string, errors: string[]) => void

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** Records `path: expected what, got value` unless `cond`; a `Received` value is shown as it is. */
function expect(cond: boolean, errors: string[], path: string, what: string, value: unknown): boolean {
  if (!cond)
    errors.push(`${path}: expected ${what}, got ${value instanceof Received ? value.text : describe(value)}`)
  return cond
}

/** An already described value (a shape, a byte count). */
class Received {
  constructor(readonly text: string) {}
}
const shown = (text: string): Received => new Received(text)

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'string')
    return value.length > 30 ? `a string of ${value.length}` : JSON.stringify(value)
  return typeof value === 'object' ? 'an object' : String(value)
}

const num: Check = (v, p, e) => void expect(isNum(v), e, p, 'a finite number', v)
const str: Check = (v, p, e) => void expect(typeof v === 'string', e, p, 'a string', v)
const magnitude: Check = (v, p, e) => void expect(isNum(v) && v >= 0, e, p, 'a number >= 0', v)
const bool: Check = (v, p, e) => void expect(typeof v === 'boolean', e, p, 'true or false', v)
const index: Check = (v, p, e) => void expect(Number.isInteger(v) && (v as number) >= 0, e, p, 'an index', v)
const nullable =
  (check: Check): Check =>
  (v, p, e) =>
    v === null || check(v, p, e)
const oneOf =
  (...options: string[]): Check =>
  (v, p, e) =>
    void expect(options.includes(v as string), e, p, options.map((o) => `'${o}'`).join(' or '), v)
const list =
  (check: Check): Check =>
  (v, p, e) => {
    if (expect(Array.isArray(v), e, p, 'an array', v))
      (v as unknown[]).forEach((x, i) => check(x, `${p}[${i}]`, e))
  }

/** An object with required and optional fields (optional ones may be absent or undefined). */
function shape(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, p, e) => {
    if (!expect(isObj(v), e, p, 'an object', v)) return
    const o = v as Obj
    for (const [k, check] of Object.entries(required)) {
      if (k in o) check(o[k], `${p}.${k}`, e)
      else e.push(`${p}.${k}: missing`)
    }
    for (const [k, check] of Object.entries(optional)) if (o[k] !== undefined) check(o[k], `${p}.${k}`, e)
  }
}

/** The number of bytes a base64 string holds, without decoding it. */
function base64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  return (text.length / 4) * 3 - padding
}

const base64: Check = (v, p, e) =>
  void (
    expect(typeof v === 'string', e, p, 'base64 text', v) &&
    expect(
      (v as string).length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v as string),
      e,
      p,
      'base64 text',
      v,
    )
  )

const encodedArray: Check = (v, p, e) => {
  const before = e.length
  shape(
    { dtype: oneOf('uint8', 'uint16', 'int32', 'float16', 'float32'), shape: list(index), data: base64 },
    {
      range: (r, rp, re) =>
        void expect(Array.isArray(r) && r.length === 2 && r.every(isNum), re, rp, '[min, max]', r),
    },
  )(v, p, e)
  if (e.length > before) return
  const a = v as { dtype: keyof typeof BYTES_PER_ELEMENT; shape: number[]; data: string }
  const need = a.shape.reduce((x, y) => x * y, 1) * BYTES_PER_ELEMENT[a.dtype]
  const have = base64Length(a.data)
  expect(
    have === need,
    e,
    `${p}.data`,
    `${need} bytes for shape [${a.shape.join(', ')}] of ${a.dtype}`,
    shown(`${have} bytes`),
  )
}

const encodedImage: Check = (v, p, e) => {
  if (!expect(isObj(v), e, p, 'an image', v)) return
  const o = v as Obj
  if (o.encoding === 'png') shape({ width: index, height: index, data: base64 })(v, p, e)
  else if (o.encoding === 'raw') {
    const before = e.length
    shape({ width: index, height: index, channels: oneOf('1', '3', '4'), data: base64 })(
      { ...o, channels: String(o.channels) },
      p,
      e,
    )
    if (e.length > before) return
    const need = (o.width as number) * (o.height as number) * (o.channels as number)
    const have = base64Length(o.data as string)
    expect(have === need, e, `${p}.data`, `${need} bytes of pixels`, shown(`${have} bytes`))
  } else expect(false, e, `${p}.encoding`, "'png' or 'raw'", o.encoding)
}

const provenance = shape(
  { method: str },
  { library: shape({ version: str }), seed: nullable(num), modelFingerprint: nullable(str), createdAt: str },
)
const base = {
  version: (v: unknown, p: string, e: string[]) => void expect(v === 1, e, p, '1', v),
  provenance,
}
const prediction = shape({ target: index, probability: num })

const saliency: Check = (v, p, e) => {
  shape(
    {
      ...base,
      kind: oneOf('saliency'),
      methods: list(str),
      signed: bool,
      classNames: nullable(list(str)),
      inputs: list(shape({ image: encodedImage, label: nullable(index), predictions: list(prediction) })),
      maps: list(shape({ input: index, method: index, target: index, values: encodedArray })),
    },
    {
      view: shape(
        {},
        { opacity: num, clipPercentile: num, mode: oneOf('signed', 'absolute', 'positive', 'negative') },
      ),
      displayId: str,
      signedMethods: list(bool),
      classCount: (c, cp, ce) =>
        void expect(Number.isInteger(c) && (c as number) >= 1, ce, cp, 'a count >= 1', c),
    },
  )(v, p, e)
  if (e.length > 0) return
  const s = v as PayloadOf['saliency']
  if (s.signedMethods)
    expect(
      s.signedMethods.length === s.methods.length,
      e,
      `${p}.signedMethods`,
      `one per method (${s.methods.length})`,
      s.signedMethods,
    )
  s.maps.forEach((m, i) => {
    const at = `${p}.maps[${i}]`
    if (!expect(m.input < s.inputs.length, e, `${at}.input`, `< ${s.inputs.length} inputs`, m.input)) return
    expect(m.method < s.methods.length, e, `${at}.method`, `< ${s.methods.length} methods`, m.method)
    if (s.classCount !== undefined)
      expect(m.target < s.classCount, e, `${at}.target`, `< ${s.classCount} classes`, m.target)
    const image = s.inputs[m.input]!.image
    const [h, w] = m.values.shape
    expect(
      m.values.shape.length === 2 && h === image.height && w === image.width,
      e,
      `${at}.values.shape`,
      `[${image.height}, ${image.width}] (its input's size)`,
      shown(`[${m.values.shape.join(', ')}]`),
    )
  })
}

const column: Check = (v, p, e) => {
  const type = isObj(v) ? v.type : undefined
  const roles = { role: oneOf('label', 'prediction') }
  if (type === 'category')
    shape({ name: str, type: str, categories: list(str), values: encodedArray }, roles)(v, p, e)
  else if (type === 'number') shape({ name: str, type: str, values: encodedArray }, roles)(v, p, e)
  else expect(false, e, `${p}.type`, "'category' or 'number'", type)
}

const embedding: Check = (v, p, e) => {
  shape(
    {
      ...base,
      kind: oneOf('embedding'),
      method: str,
      layer: nullable(str),
      dimensions: (d, dp, de) => void expect(d === 2 || d === 3, de, dp, '2 or 3', d),
      coordinates: encodedArray,
      columns: list(column),
    },
    {
      colorBy: str,
      thumbnails: nullable(shape({ images: encodedArray }, { points: encodedArray })),
      explainedVariance: nullable(list(num)),
      progress: nullable(shape({ step: num, total: num })),
      displayId: str,
    },
  )(v, p, e)
  if (e.length > 0) return
  const m = v as PayloadOf['embedding']
  const [n, d] = m.coordinates.shape
  expect(
    m.coordinates.shape.length === 2 && d === m.dimensions,
    e,
    `${p}.coordinates.shape`,
    `[n, ${m.dimensions}]`,
    shown(`[${m.coordinates.shape.join(', ')}]`),
  )
  m.columns.forEach((c, i) =>
    expect(
      c.values.shape.length === 1 && c.values.shape[0] === n,
      e,
      `${p}.columns[${i}].values.shape`,
      `[${n}]`,
      shown(`[${c.values.shape.join(', ')}]`),
    ),
  )
  const t = m.thumbnails
  if (t)
    expect(
      t.images.dtype === 'uint8' && t.images.shape.length === 4,
      e,
      `${p}.thumbnails.images`,
      'uint8 [m, height, width, channels]',
      shown(`${t.images.dtype} [${t.images.shape.join(', ')}]`),
    )
}

const concept = shape({ label: str, iou: num })
const neurons = shape(
  {
    ...base,
    kind: oneOf('neurons'),
    layer: str,
    units: list(
      shape(
        { index: index },
        {
          visualization: nullable(encodedImage),
          topExamples: list(
            shape({ image: encodedImage, activation: num }, { index: nullable(index), label: nullable(str) }),
          ),
          concept: nullable(concept),
          concepts: list(concept),
          tuning: nullable(list(num)),
          selectivity: nullable(num),
          ablationEffect: nullable(num),
          note: nullable(str),
        },
      ),
    ),
  },
  { tuningLabels: nullable(list(str)) },
)

const features: Check = (v, p, e) => {
  const modality = isObj(v) ? v.modality : undefined
  if (modality === 'text') {
    shape(
      {
        ...base,
        kind: oneOf('features'),
        modality: str,
        outputName: str,
        examples: list(
          shape(
            { tokens: list(str), attributions: list(num), baseValue: num, output: num },
            { label: nullable(str), byMethod: nullable(list(list(num))) },
          ),
        ),
      },
      { methods: nullable(list(str)) },
    )(v, p, e)
    if (e.length === 0) textCounts(v as Extract<PayloadOf['features'], { modality: 'text' }>, p, e)
    return
  }
  if (!expect(modality === 'tabular', e, `${p}.modality`, "'tabular' or 'text'", modality)) return
  shape(
    {
      ...base,
      kind: oneOf('features'),
      modality: str,
      featureNames: list(str),
      attributions: encodedArray,
      values: nullable(encodedArray),
      baseValues: list(num),
      outputs: list(num),
      outputName: str,
    },
    {
      exampleNames: nullable(list(str)),
      valueLabels: nullable(list(list(str))),
      importance: nullable(list(magnitude)),
      comparison: nullable(shape({ methods: list(str), attributions: encodedArray })),
    },
  )(v, p, e)
  if (e.length > 0) return
  const t = v as Extract<PayloadOf['features'], { modality: 'tabular' }>
  const want = `[${t.outputs.length}, ${t.featureNames.length}]`
  for (const key of ['attributions', 'values'] as const) {
    const a = t[key]
    if (a)
      expect(
        `[${a.shape.join(', ')}]` === want,
        e,
        `${p}.${key}.shape`,
        want,
        shown(`[${a.shape.join(', ')}]`),
      )
  }
  expect(
    t.baseValues.length === t.outputs.length,
    e,
    `${p}.baseValues`,
    `${t.outputs.length} values`,
    t.baseValues,
  )
  const [n, f] = [t.outputs.length, t.featureNames.length]
  if (
    t.valueLabels &&
    expect(t.valueLabels.length === n, e, `${p}.valueLabels`, `${n} rows (one per example)`, t.valueLabels)
  )
    t.valueLabels.forEach((row, i) =>
      expect(row.length === f, e, `${p}.valueLabels[${i}]`, `${f} labels (one per feature)`, row),
    )
  if (t.importance)
    expect(t.importance.length === f, e, `${p}.importance`, `${f} values (one per feature)`, t.importance)
  if (t.comparison) {
    const { methods, attributions } = t.comparison
    expect(methods.length > 0, e, `${p}.comparison.methods`, 'at least one method name', methods)
    const expected = `[${methods.length}, ${n}, ${f}]`
    const got = `[${attributions.shape.join(', ')}]`
    expect(got === expected, e, `${p}.comparison.attributions.shape`, expected, shown(got))
  }
}

/** Each example's values match its tokens, and with `methods` it has one list per method. */
function textCounts(t: Extract<PayloadOf['features'], { modality: 'text' }>, p: string, e: string[]): void {
  t.examples.forEach((x, i) => {
    const at = `${p}.examples[${i}]`
    const perToken = `${x.tokens.length} values (one per token)`
    expect(x.tokens.length === x.attributions.length, e, `${at}.attributions`, perToken, x.attributions)
    if (!t.methods) return
    const rows = x.byMethod
    if (
      !expect(
        rows?.length === t.methods.length,
        e,
        `${at}.byMethod`,
        `${t.methods.length} lists (one per method)`,
        rows ?? null,
      )
    )
      return
    rows!.forEach((row, m) =>
      expect(row.length === x.tokens.length, e, `${at}.byMethod[${m}]`, perToken, row),
    )
  })
}

const surrogate: Check = (v, p, e) => {
  shape(
    {
      ...base,
      kind: oneOf('surrogate'),
      surrogate: oneOf('tree', 'rules', 'linear', 'gam'),
      featureNames: list(str),
      classNames: list(str),
      curve: list(shape({ depth: index, leaves: index, agreement: num, heldOutAgreement: nullable(num) })),
      chosenDepth: nullable(index),
      nodes: list(
        shape({
          feature: num,
          threshold: nullable(num),
          left: num,
          right: num,
          samples: index,
          label: str,
          share: num,
        }),
      ),
      fidelity: shape({ agreement: num, heldOutAgreement: nullable(num), r2: nullable(num) }),
      text: list(str),
    },
    {
      rules: list(
        shape({
          conditions: list(shape({ feature: index, operator: oneOf('<=', '>'), threshold: num })),
          label: str,
          samples: index,
          coverage: num,
          precision: nullable(num),
        }),
      ),
      shapes: list(
        shape({
          className: str,
          intercept: num,
          shapes: list(shape({ feature: index, cuts: list(num), values: list(num) })),
          omitted: index,
        }),
      ),
    },
  )(v, p, e)
  if (e.length > 0) return
  const t = v as PayloadOf['surrogate']
  t.rules?.forEach((rule, r) =>
    rule.conditions.forEach((c, k) =>
      expect(
        c.feature < t.featureNames.length,
        e,
        `${p}.rules[${r}].conditions[${k}].feature`,
        'a feature index',
        c.feature,
      ),
    ),
  )
  t.shapes?.forEach((group, g) =>
    group.shapes.forEach((s, k) => {
      const at = `${p}.shapes[${g}].shapes[${k}]`
      expect(s.feature < t.featureNames.length, e, `${at}.feature`, 'a feature index', s.feature)
      expect(
        s.values.length === s.cuts.length + 1,
        e,
        `${at}.values`,
        `${s.cuts.length + 1} values (one per bin)`,
        s.values,
      )
      expect(
        s.cuts.every((c, i) => i === 0 || c > s.cuts[i - 1]!),
        e,
        `${at}.cuts`,
        'increasing cut points',
        s.cuts,
      )
    }),
  )
  t.nodes.forEach((node, i) => {
    const inner = node.feature >= 0
    if (inner) {
      expect(
        node.feature < t.featureNames.length,
        e,
        `${p}.nodes[${i}].feature`,
        'a feature index',
        node.feature,
      )
      for (const side of ['left', 'right'] as const)
        expect(
          Number.isInteger(node[side]) && node[side] > i && node[side] < t.nodes.length,
          e,
          `${p}.nodes[${i}].${side}`,
          'a later node index',
          node[side],
        )
    }
  })
}

const attention: Check = (v, p, e) => {
  shape({
    ...base,
    kind: oneOf('attention'),
    title: str,
    tokens: list(str),
    layers: index,
    heads: index,
    example: index,
    exampleCount: index,
    layout: oneOf('full', 'lower'),
    patterns: encodedArray,
    rowMax: encodedArray,
    scores: list(shape({ name: str, description: str, values: list(nullable(num)) })),
    rollout: nullable(shape({ values: encodedArray, residual: bool, headFusion: str, startLayer: index })),
    flow: nullable(shape({ output: index, values: encodedArray })),
  })(v, p, e)
  if (e.length > 0) return
  const a = v as PayloadOf['attention']
  const t = a.tokens.length
  const [layers, heads] = [a.layers, a.heads]
  if (!expect(t >= 1 && t <= MAX_IMAGE_SIDE, e, `${p}.tokens`, `1 to ${MAX_IMAGE_SIDE} tokens`, a.tokens))
    return
  if (
    !expect(
      layers >= 1 && heads >= 1,
      e,
      `${p}.layers`,
      'at least 1 layer and 1 head',
      shown(`${layers} x ${heads}`),
    )
  )
    return
  const cells = a.layout === 'lower' ? (t * (t + 1)) / 2 : t * t
  const total = layers * heads * cells
  if (
    !expect(
      total <= MAX_ATTENTION_VALUES,
      e,
      `${p}.patterns`,
      `at most ${MAX_ATTENTION_VALUES.toLocaleString('en-US')} weights (layers x heads x cells)`,
      shown(total.toLocaleString('en-US')),
    )
  )
    return
  const shapeText = (array: { shape: number[] }) => `[${array.shape.join(', ')}]`
  const float = (dtype: string) => dtype === 'float16' || dtype === 'float32'
  expect(a.example < a.exampleCount, e, `${p}.example`, `< exampleCount (${a.exampleCount})`, a.example)
  expect(
    a.patterns.dtype === 'uint8' && a.patterns.range === undefined,
    e,
    `${p}.patterns.dtype`,
    "'uint8' without range (fractions of rowMax)",
    shown(`${a.patterns.dtype}${a.patterns.range ? ' with a range' : ''}`),
  )
  const want = `[${layers}, ${heads}, ${cells}]`
  expect(shapeText(a.patterns) === want, e, `${p}.patterns.shape`, want, shown(shapeText(a.patterns)))
  expect(float(a.rowMax.dtype), e, `${p}.rowMax.dtype`, "'float16' or 'float32'", a.rowMax.dtype)
  const rows = `[${layers}, ${heads}, ${t}]`
  expect(shapeText(a.rowMax) === rows, e, `${p}.rowMax.shape`, rows, shown(shapeText(a.rowMax)))
  a.scores.forEach((score, i) =>
    expect(
      score.values.length === layers * heads,
      e,
      `${p}.scores[${i}].values`,
      `${layers * heads} values (one per head)`,
      score.values,
    ),
  )
  if (a.rollout) {
    expect(
      float(a.rollout.values.dtype),
      e,
      `${p}.rollout.values.dtype`,
      "'float16' or 'float32'",
      a.rollout.values.dtype,
    )
    const square = `[${t}, ${t}]`
    const got = shapeText(a.rollout.values)
    expect(got === square, e, `${p}.rollout.values.shape`, square, shown(got))
  }
  if (a.flow) {
    expect(a.flow.output < t, e, `${p}.flow.output`, `a position < ${t}`, a.flow.output)
    expect(
      float(a.flow.values.dtype),
      e,
      `${p}.flow.values.dtype`,
      "'float16' or 'float32'",
      a.flow.values.dtype,
    )
    const got = shapeText(a.flow.values)
    expect(got === `[${t}]`, e, `${p}.flow.values.shape`, `[${t}]`, shown(got))
  }
}

const matrix: Check = (v, p, e) => {
  shape(
    {
      ...base,
      kind: oneOf('matrix'),
      title: str,
      rowTitle: str,
      columnTitle: str,
      valueLabel: str,
      rows: list(str),
      columns: list(str),
      values: encodedArray,
      scale: oneOf('sequential', 'diverging'),
    },
    {
      range: nullable(
        (r, rp, re) =>
          void expect(
            Array.isArray(r) && r.length === 2 && r.every(isNum) && r[0] < r[1],
            re,
            rp,
            '[low, high] with low < high',
            r,
          ),
      ),
      marks: nullable(list(list(str))),
      perItem: nullable(shape({ label: str, items: list(str), values: encodedArray })),
      caption: nullable(str),
      notes: nullable(list(str)),
      colourBy: nullable(oneOf('all', 'column')),
      higherIsBetter: nullable(list(nullable(bool))),
    },
  )(v, p, e)
  if (e.length > 0) return
  const t = v as PayloadOf['matrix']
  const [r, c] = [t.rows.length, t.columns.length]
  if (
    !expect(
      r * c <= MAX_MATRIX_CELLS,
      e,
      `${p}.rows`,
      `at most ${MAX_MATRIX_CELLS} cells`,
      shown(`${r}x${c}`),
    )
  )
    return
  const want = `[${r}, ${c}]`
  expect(t.values.dtype === 'float32', e, `${p}.values.dtype`, "'float32'", t.values.dtype)
  expect(
    `[${t.values.shape.join(', ')}]` === want,
    e,
    `${p}.values.shape`,
    want,
    shown(`[${t.values.shape.join(', ')}]`),
  )
  if (t.marks && expect(t.marks.length === r, e, `${p}.marks`, `${r} rows of marks`, t.marks))
    t.marks.forEach((row, i) =>
      expect(row.length === c, e, `${p}.marks[${i}]`, `${c} marks (one per column)`, row),
    )
  if (t.higherIsBetter)
    expect(
      t.higherIsBetter.length === c,
      e,
      `${p}.higherIsBetter`,
      `${c} entries (one per column)`,
      t.higherIsBetter,
    )
  if (t.perItem) {
    const items = t.perItem.items.length
    const wantItems = `[${r}, ${c}, ${items}]`
    const got = `[${t.perItem.values.shape.join(', ')}]`
    if (
      expect(
        r * c * items <= MAX_MATRIX_ITEMS,
        e,
        `${p}.perItem.items`,
        `at most ${MAX_MATRIX_ITEMS} values in all`,
        shown(`${r * c * items}`),
      )
    ) {
      expect(
        t.perItem.values.dtype === 'float32',
        e,
        `${p}.perItem.values.dtype`,
        "'float32'",
        t.perItem.values.dtype,
      )
      expect(got === wantItems, e, `${p}.perItem.values.shape`, wantItems, shown(got))
    }
  }
}

const probability: Check = (v, p, e) =>
  void expect(isNum(v) && v >= 0 && v <= 1, e, p, 'a probability in [0, 1]', v)

const counterfactual: Check = (v, p, e) => {
  shape({
    ...base,
    kind: oneOf('counterfactual'),
    modality: oneOf('tabular', 'image'),
    featureNames: list(str),
    original: encodedArray,
    counterfactuals: encodedArray,
    target: index,
    targetName: nullable(str),
    threshold: probability,
    originalProbability: probability,
    probabilities: list(probability),
    immutable: list(index),
    requested: index,
    validity: probability,
    proximity: nullable(magnitude),
    sparsity: nullable(magnitude),
    diversity: nullable(magnitude),
    reason: nullable(str),
    seconds: magnitude,
  })(v, p, e)
  if (e.length > 0) return
  const t = v as PayloadOf['counterfactual']
  const example = t.original.shape
  const shapeText = (s: number[]) => `[${s.join(', ')}]`
  for (const key of ['original', 'counterfactuals'] as const)
    expect(t[key].dtype === 'float32', e, `${p}.${key}.dtype`, "'float32'", t[key].dtype)
  if (t.modality === 'tabular') {
    const f = t.featureNames.length
    expect(
      shapeText(example) === `[${f}]`,
      e,
      `${p}.original.shape`,
      `[${f}] (one value per feature name)`,
      shown(shapeText(example)),
    )
    t.immutable.forEach((j, i) => expect(j < f, e, `${p}.immutable[${i}]`, `a feature index < ${f}`, j))
  } else
    expect(
      example.length === 3 && (example[2] === 1 || example[2] === 3) && example[0]! > 0 && example[1]! > 0,
      e,
      `${p}.original.shape`,
      '[height, width, 1 or 3 channels]',
      shown(shapeText(example)),
    )
  const k = t.counterfactuals.shape[0] ?? 0
  const want = shapeText([k, ...example])
  expect(
    shapeText(t.counterfactuals.shape) === want,
    e,
    `${p}.counterfactuals.shape`,
    `${want} (k examples shaped like the original)`,
    shown(shapeText(t.counterfactuals.shape)),
  )
  expect(
    t.probabilities.length === k,
    e,
    `${p}.probabilities`,
    `${k} probabilities (one per counterfactual)`,
    t.probabilities,
  )
  expect(
    k <= t.requested,
    e,
    `${p}.counterfactuals.shape`,
    `at most ${t.requested} counterfactuals (as requested)`,
    shown(`${k}`),
  )
  if (k === 0)
    expect(
      t.reason !== null,
      e,
      `${p}.reason`,
      'why none was found (a string) when there is no counterfactual',
      null,
    )
}

const atlasCell = shape(
  {
    column: index,
    row: index,
    count: index,
    icon: nullable(index),
    classes: list(shape({ class: index, count: index })),
  },
  { visualization: nullable(index), examples: nullable(list(index)) },
)

/** An icon array: uint8 without range, [m, size, size, 1 or 3]. */
function iconArray(array: EncodedArray, path: string, e: string[]): number {
  const [m, height, width, channels] = array.shape
  expect(
    array.dtype === 'uint8' && array.range === undefined,
    e,
    `${path}.dtype`,
    "'uint8' without range",
    array.dtype,
  )
  expect(
    array.shape.length === 4 && height === width && (channels === 1 || channels === 3),
    e,
    `${path}.shape`,
    '[icons, size, size, 1 or 3 channels]',
    shown(`[${array.shape.join(', ')}]`),
  )
  return m ?? 0
}

const atlas: Check = (v, p, e) => {
  shape(
    {
      ...base,
      kind: oneOf('atlas'),
      title: str,
      layer: str,
      method: str,
      columns: index,
      rows: index,
      samples: index,
      images: index,
      minCount: index,
      classNames: nullable(list(str)),
      icons: encodedArray,
      iconKind: oneOf('patch'),
      cells: list(atlasCell),
    },
    {
      visualizations: nullable(encodedArray),
      examplePatches: nullable(encodedArray),
      caption: nullable(str),
    },
  )(v, p, e)
  if (e.length > 0) return
  const t = v as PayloadOf['atlas']
  if (
    !expect(
      t.columns >= 1 && t.rows >= 1 && t.columns * t.rows <= MAX_ATLAS_CELLS,
      e,
      `${p}.columns`,
      `a grid of 1 to ${MAX_ATLAS_CELLS} cells`,
      shown(`${t.columns} x ${t.rows}`),
    )
  )
    return
  const icons = iconArray(t.icons, `${p}.icons`, e)
  const pictures = t.visualizations ? iconArray(t.visualizations, `${p}.visualizations`, e) : 0
  if (t.examplePatches) {
    const s = t.examplePatches.shape
    expect(
      t.examplePatches.dtype === 'uint8' &&
        s.length === 5 &&
        s[0] === t.cells.length &&
        s[2] === s[3] &&
        s[2]! <= 1024 &&
        (s[4] === 1 || s[4] === 3),
      e,
      `${p}.examplePatches`,
      `uint8 [${t.cells.length} cells, k, size, size, 1 or 3]`,
      shown(`${t.examplePatches.dtype} [${s.join(', ')}]`),
    )
  }
  const seen = new Set<number>()
  t.cells.forEach((cell, i) => {
    const at = `${p}.cells[${i}]`
    if (
      !expect(
        cell.column < t.columns && cell.row < t.rows,
        e,
        at,
        `a cell inside the ${t.columns} x ${t.rows} grid`,
        shown(`(${cell.column}, ${cell.row})`),
      )
    )
      return
    const key = cell.row * t.columns + cell.column
    expect(!seen.has(key), e, at, 'one entry per grid cell', shown(`a second (${cell.column}, ${cell.row})`))
    seen.add(key)
    if (cell.icon !== null) expect(cell.icon < icons, e, `${at}.icon`, `an icon index < ${icons}`, cell.icon)
    if (cell.visualization !== null && cell.visualization !== undefined)
      expect(
        cell.visualization < pictures,
        e,
        `${at}.visualization`,
        `a visualization index < ${pictures}`,
        cell.visualization,
      )
    if (t.classNames)
      cell.classes.forEach((k, j) =>
        expect(
          k.class < t.classNames!.length,
          e,
          `${at}.classes[${j}].class`,
          `a class index < ${t.classNames!.length}`,
          k.class,
        ),
      )
  })
}

const clusters: Check = (v, p, e) => {
  shape(
    {
      ...base,
      kind: oneOf('clusters'),
      title: str,
      units: list(str),
      correlation: encodedArray,
      merges: list(
        (m, mp, me) =>
          void expect(
            Array.isArray(m) && m.length === 4 && m.every(isNum),
            me,
            mp,
            '[a, b, height, size]',
            m,
          ),
      ),
      order: list(index),
      clusters: list(index),
      constantUnits: list(index),
      linkage: str,
    },
    { examples: nullable(encodedArray) },
  )(v, p, e)
  if (e.length > 0) return
  const t = v as PayloadOf['clusters']
  const d = t.units.length
  if (!expect(d >= 1 && d <= MAX_CLUSTER_UNITS, e, `${p}.units`, `1 to ${MAX_CLUSTER_UNITS} units`, t.units))
    return
  const got = `[${t.correlation.shape.join(', ')}]`
  expect(t.correlation.dtype === 'float32', e, `${p}.correlation.dtype`, "'float32'", t.correlation.dtype)
  expect(got === `[${d}, ${d}]`, e, `${p}.correlation.shape`, `[${d}, ${d}]`, shown(got))
  if (!expect(t.merges.length === d - 1, e, `${p}.merges`, `${d - 1} merges (units - 1)`, t.merges)) return
  t.merges.forEach(([a, b], i) =>
    expect(
      [a, b].every((x) => Number.isInteger(x) && x >= 0 && x < d + i) && a !== b,
      e,
      `${p}.merges[${i}]`,
      `two different earlier clusters (indices < ${d + i})`,
      shown(`[${a}, ${b}]`),
    ),
  )
  const sorted = [...t.order].sort((x, y) => x - y)
  expect(
    t.order.length === d && sorted.every((x, i) => x === i),
    e,
    `${p}.order`,
    `a permutation of 0..${d - 1}`,
    t.order,
  )
  expect(t.clusters.length === d, e, `${p}.clusters`, `${d} cluster numbers (one per unit)`, t.clusters)
  t.constantUnits.forEach((u, i) => expect(u < d, e, `${p}.constantUnits[${i}]`, `a unit index < ${d}`, u))
  if (t.examples) {
    const s = t.examples.shape
    expect(t.examples.dtype === 'uint8', e, `${p}.examples.dtype`, "'uint8'", t.examples.dtype)
    expect(
      s.length === 5 && s[0] === d && (s[4] === 1 || s[4] === 3) && s[2]! <= 256 && s[3]! <= 256,
      e,
      `${p}.examples.shape`,
      `[${d}, examples, height <= 256, width <= 256, 1 or 3]`,
      shown(`[${s.join(', ')}]`),
    )
  }
}

const CHECKS: Record<ViewKind, Check> = {
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
 * Validates a payload of the given view.
 *
 * @example
 * const result = validatePayload('saliency', data)
 * if (!result.ok) showError(result.errors)
 */
export function validatePayload<K extends ViewKind>(kind: K, value: unknown): Validation<K> {
  // Depth first, by a loop: the checks below recurse along the payload.
  const deep = tooDeep(value, MAX_PAYLOAD_DEPTH)
  if (deep)
    return {
      ok: false,
      errors: [
        `${kind}: expected a payload nested at most ${MAX_PAYLOAD_DEPTH} levels deep, got one nested deeper ` +
          `at ${shortPath(deep.path)}`,
      ],
    }
  const errors: string[] = []
  CHECKS[kind](value, kind, errors)
  if (errors.length > 0) return { ok: false, errors }
  const payload = value as PayloadOf[K]
  const numbers = checkNumbers(kind, payload)
  if (numbers.errors.length > 0) return { ok: false, errors: numbers.errors }
  return { ok: true, payload, notices: numbers.notices }
}
