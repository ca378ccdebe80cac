/**
 * What a report holds, read out of the items given to `gw.report`: each result's static picture, text,
 * tables and provenance, taken from the MIME bundle the result shows in a notebook (so a report says
 * exactly what the notebook showed).
 */
import { isDisplayable, type MimeBundle } from '../display/bundle'
import { decodeArray } from '../display/codec'
import type { EncodedArray, Provenance } from '../display/schema'
import { GlasswingError, describeValue } from '../errors'
import { bundleOf } from '../session/display'

/** A table: column names and rows of values (shown as text). */
export interface ReportTable {
  title?: string
  columns: string[]
  rows: unknown[][]
}

/**
 * One item of a report: a Glasswing result (or anything that shows itself), the same with a title and
 * caption, a table, or a paragraph of text (`gw.markdown(...)` content is shown as its text).
 */
export type ReportItem =
  | object
  | string
  | { result: object; title?: string; caption?: string }
  | { table: ReportTable; title?: string; caption?: string }

/** A section of the report, ready to be written. */
export interface ReportSection {
  title: string
  caption: string | null
  /** Base64 PNG, or null. */
  png: string | null
  /** The result's plain text, or a paragraph's. */
  text: string
  tables: ReportTable[]
  provenance: Provenance | null
  /** Whether this is a result (its own page) rather than a paragraph of text. */
  isResult: boolean
}

const WHERE = 'gw.report'
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Reads each item into a section; throws a GlasswingError naming the item that cannot be shown. */
export async function readSections(items: readonly ReportItem[]): Promise<ReportSection[]> {
  if (!Array.isArray(items)) {
    throw new GlasswingError({
      where: WHERE,
      argument: 'items',
      expected: 'an array of results (and tables or text)',
      received: describeValue(items),
      hint: 'Pass the results in a list: gw.report([shap, lime], { title, path }).',
    })
  }
  const sections: ReportSection[] = []
  for (const [index, item] of items.entries()) sections.push(await readSection(item, index))
  return sections
}

async function readSection(item: ReportItem, index: number): Promise<ReportSection> {
  if (typeof item === 'string') return paragraph(item)
  if (typeof item === 'object' && item !== null && 'table' in item) {
    const table = checkTable(item.table, index)
    return {
      ...paragraph(''),
      title: item.title ?? table.title ?? 'Table',
      caption: item.caption ?? null,
      tables: [table],
    }
  }
  const wrapped = typeof item === 'object' && item !== null && 'result' in item
  const result = wrapped ? (item as { result: unknown }).result : item
  if (!isDisplayable(result)) {
    throw new GlasswingError({
      where: WHERE,
      argument: `items[${index}]`,
      expected: 'a Glasswing result, { result, title, caption }, { table: { columns, rows } } or a string',
      received: describeValue(result),
      hint: 'Pass what gw.explain, gw.compare, gw.embed or gw.neurons returned, or a table.',
    })
  }
  const bundle = await bundleOf(result)
  const options = wrapped ? (item as { title?: string; caption?: string }) : {}
  const markdown = typeof bundle['text/markdown'] === 'string' ? (bundle['text/markdown'] as string) : null
  const png = typeof bundle['image/png'] === 'string' ? (bundle['image/png'] as string) : null
  const payload = payloadOf(bundle)
  const isResult = payload !== null || png !== null
  const text = markdown ?? bundle['text/plain']
  return {
    title: options.title ?? (isResult ? text.split('\n')[0]! : ''),
    caption: options.caption ?? null,
    png: png !== null && BASE64.test(png) ? png : null,
    text,
    tables: payload ? tablesOf(payload) : [],
    provenance: payload ? (payload.provenance as Provenance) : null,
    isResult,
  }
}

function paragraph(text: string): ReportSection {
  return { title: '', caption: null, png: null, text, tables: [], provenance: null, isResult: false }
}

/** The Glasswing view payload of a bundle (the JSON with a provenance), or null. */
function payloadOf(bundle: MimeBundle): Record<string, unknown> | null {
  for (const [type, value] of Object.entries(bundle)) {
    if (!type.startsWith('application/vnd.glasswing.')) continue
    if (typeof value === 'object' && value !== null && 'provenance' in value)
      return value as Record<string, unknown>
  }
  return null
}

/** Tables a result's payload supports: global importance of tabular features, per-example outputs. */
function tablesOf(payload: Record<string, unknown>): ReportTable[] {
  if (payload.kind !== 'features' || payload.modality !== 'tabular') return []
  const names = payload.featureNames as string[]
  const tables: ReportTable[] = []
  const importance =
    (payload.importance as number[] | null | undefined) ?? meanAbsolute(payload, names.length)
  const order = names.map((_, i) => i).sort((a, b) => importance[b]! - importance[a]!)
  tables.push({
    title: 'Importance: mean |attribution| per feature, largest first',
    columns: ['rank', 'feature', 'mean |attribution|'],
    rows: order.map((i, rank) => [rank + 1, names[i], round(importance[i]!)]),
  })
  const outputs = payload.outputs as number[]
  const base = payload.baseValues as number[]
  if (outputs.length <= 20) {
    const exampleNames = (payload.exampleNames as string[] | null | undefined) ?? null
    tables.push({
      title: `Explained output: ${payload.outputName as string}`,
      columns: ['example', 'base value', 'output'],
      rows: outputs.map((o, i) => [exampleNames?.[i] ?? `example ${i}`, round(base[i]!), round(o)]),
    })
  }
  return tables
}

function meanAbsolute(payload: Record<string, unknown>, features: number): number[] {
  const values = decodeArray(payload.attributions as EncodedArray)
  const sums = new Array<number>(features).fill(0)
  for (let i = 0; i < values.length; i++) sums[i % features]! += Math.abs(values[i]!)
  return sums.map((sum) => sum / Math.max(1, values.length / features))
}

function round(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value)
}

function checkTable(table: unknown, index: number): ReportTable {
  const t = table as ReportTable | null
  if (
    typeof t === 'object' &&
    t !== null &&
    Array.isArray(t.columns) &&
    Array.isArray(t.rows) &&
    t.rows.every((row) => Array.isArray(row))
  ) {
    return t
  }
  throw new GlasswingError({
    where: WHERE,
    argument: `items[${index}].table`,
    expected: '{ columns: string[], rows: unknown[][] }',
    received: describeValue(table),
    hint: "Give column names and rows, e.g. { columns: ['feature', 'value'], rows: [['age', 35]] }.",
  })
}
