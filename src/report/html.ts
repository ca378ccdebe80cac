/**
 * The report as one self-contained HTML document: pictures inline as data URIs, every string escaped,
 * no script anywhere, and a Content-Security-Policy that forbids scripts should any get in.
 */
import { escapeHtml } from '../display/bundle'
import type { Provenance } from '../display/schema'
import type { ReportSection, ReportTable } from './sections'

/**
 * The policy in the document's `<meta>`: nothing may load or run except inline styles and `data:`
 * images. Scripts fall under `default-src 'none'`.
 */
export const REPORT_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

/** What the title page holds. */
export interface ReportHeader {
  title: string
  /** Model card: fields shown as a table, or text. */
  modelCard: Record<string, unknown> | string | null
  notes: string[]
  createdAt: string
  /** Versions of the pieces that made the report (library, backend, Node, ...). */
  versions: Record<string, string>
}

const STYLE = `
@page { size: A4; margin: 12mm 14mm; }
body { font: 9.5pt/1.35 system-ui, 'DejaVu Sans', sans-serif; color: #1d1d1f; max-width: 182mm; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 3mm; overflow-wrap: anywhere; }
h2 { font-size: 13pt; margin: 0 0 2mm; overflow-wrap: anywhere; } h3 { font-size: 10pt; margin: 3mm 0 1mm; }
.result { break-before: page; }
.result img { display: block; max-width: 100%; max-height: 60mm; object-fit: contain; margin: 2mm 0; image-rendering: pixelated; }
.caption { font-style: italic; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 7pt; line-height: 1.25; max-height: 24mm; overflow: hidden; background: #f5f5f7; padding: 1.5mm; margin: 1mm 0; }
table { border-collapse: collapse; font-size: 7.5pt; margin: 1mm 0 2mm; }
td, th { border: 1px solid #ccc; padding: 0.4mm 1.4mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f0f2; }
.halves { display: flex; gap: 4mm; align-items: flex-start; } .halves table { flex: 1; margin-top: 0; }
table.fields { width: 100%; table-layout: fixed; } table.fields td:first-child { width: 30mm; font-weight: 600; }
.muted { color: #666; }
`

/**
 * The whole document.
 *
 * @example
 * const html = reportHtml({ title: 'Credit', modelCard: null, notes: [], createdAt, versions }, sections)
 */
export function reportHtml(header: ReportHeader, sections: readonly ReportSection[]): string {
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(header.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    titlePage(header, sections),
    ...sections.map((section, i) => (section.isResult ? resultSection(section, i) : textSection(section))),
    '</body></html>',
  ]
  return parts.join('\n')
}

function titlePage(header: ReportHeader, sections: readonly ReportSection[]): string {
  const results = sections.filter((s) => s.isResult)
  const lines = [
    '<header>',
    `<h1>${escapeHtml(header.title)}</h1>`,
    `<p class="muted">Written ${escapeHtml(header.createdAt)} by Glasswing. ${results.length} result${results.length === 1 ? '' : 's'}.</p>`,
  ]
  if (header.modelCard !== null) lines.push('<h2>Model card</h2>', modelCard(header.modelCard))
  if (header.notes.length > 0) {
    lines.push('<h2>Notes</h2>', ...header.notes.map((note) => `<p>${text(note)}</p>`))
  }
  if (results.length > 0) {
    lines.push('<h2>Contents</h2><ol>', ...results.map((s) => `<li>${escapeHtml(s.title)}</li>`), '</ol>')
  }
  lines.push('<h3>Versions</h3>', keyValueTable(Object.entries(header.versions)), '</header>')
  return lines.join('\n')
}

function modelCard(card: Record<string, unknown> | string): string {
  if (typeof card === 'string') return `<p>${text(card)}</p>`
  return keyValueTable(
    Object.entries(card).map(([key, value]) => [key, formatValue(value)]),
    'fields',
  )
}

function resultSection(section: ReportSection, index: number): string {
  const lines = [`<section class="result"><h2>${index + 1}. ${escapeHtml(section.title)}</h2>`]
  if (section.caption) lines.push(`<p class="caption">${text(section.caption)}</p>`)
  if (section.png) {
    lines.push(`<img alt="${escapeHtml(section.title)}" src="data:image/png;base64,${section.png}">`)
  }
  if (section.text) lines.push(`<pre>${escapeHtml(section.text)}</pre>`)
  for (const table of section.tables) lines.push(tableHtml(table))
  if (section.provenance) lines.push('<h3>Provenance</h3>', provenanceTable(section.provenance))
  lines.push('</section>')
  return lines.join('\n')
}

function textSection(section: ReportSection): string {
  const lines = ['<section class="text">']
  if (section.title) lines.push(`<h2>${escapeHtml(section.title)}</h2>`)
  if (section.caption) lines.push(`<p class="caption">${text(section.caption)}</p>`)
  if (section.text) lines.push(`<p>${text(section.text)}</p>`)
  for (const table of section.tables) lines.push(tableHtml(table))
  lines.push('</section>')
  return lines.join('\n')
}

function provenanceTable(p: Provenance): string {
  return keyValueTable(
    [
      ['method', p.method],
      ['parameters', formatValue(p.parameters)],
      ['seed', p.seed === null ? 'none (deterministic)' : String(p.seed)],
      ['model fingerprint', p.modelFingerprint ?? 'none'],
      ['library', `${p.library?.name} ${p.library?.version}`],
      [
        'backend',
        `${p.backend?.name} on ${p.backend?.device}, TensorFlow ${p.backend?.version ?? 'none'}, tfjs ${p.backend?.tfjs}`,
      ],
      ['computed', p.createdAt],
    ],
    'fields provenance',
  )
}

/** Rows beyond which a table is shown as two halves side by side (it then keeps to one page longer). */
const HALVES_FROM = 12

function tableHtml(table: ReportTable): string {
  const head = `<thead><tr>${table.columns.map((c) => `<th>${escapeHtml(String(c))}</th>`).join('')}</tr></thead>`
  const rows = table.rows.map(
    (row) => `<tr>${row.map((v) => `<td>${escapeHtml(formatValue(v))}</td>`).join('')}</tr>`,
  )
  const title = table.title ? `<h3>${escapeHtml(table.title)}</h3>` : ''
  const body = (part: string[]): string => `<table>${head}<tbody>${part.join('')}</tbody></table>`
  if (rows.length <= HALVES_FROM) return title + body(rows)
  const half = Math.ceil(rows.length / 2)
  return `${title}<div class="halves">${body(rows.slice(0, half))}${body(rows.slice(half))}</div>`
}

function keyValueTable(entries: readonly (readonly [string, string])[], className?: string): string {
  const rows = entries.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`)
  return `<table${className ? ` class="${className}"` : ''}><tbody>${rows.join('')}</tbody></table>`
}

/** Text with its line breaks kept, escaped. */
function text(value: string): string {
  return escapeHtml(value).replace(/\n/g, '<br>')
}

/** A value as text: strings as they are, arrays joined, objects as compact JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(', ')
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}
