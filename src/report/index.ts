/**
 * `gw.report`: results as a document for readers without a notebook (an auditor, a regulator): one
 * self-contained HTML file with no script, and its PDF.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { backend } from '../backend'
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import { GlasswingError, describeValue } from '../errors'
import { reportHtml } from './html'
import { printPdf } from './pdf'
import { readSections, type ReportItem } from './sections'

export { REPORT_CSP } from './html'
export { pdfPageCount } from './pdf'
export type { ReportItem, ReportTable } from './sections'

// Read once from the package manifest, like provenance.ts.
const LIBRARY_VERSION: string = require('../../package.json').version

/** Options of {@link report}. */
export interface ReportOptions {
  /** The report's title. */
  title: string
  /** Where to write it: `reports/credit.html` (or without the extension); the PDF goes beside it. */
  path: string
  /** The model card: its fields (e.g. a model folder's card.json, parsed) as a table, or text. */
  modelCard?: Record<string, unknown> | string
  /** Paragraphs for the title page: what was asked, what the reader should know. */
  notes?: string | string[]
  /** Also print a PDF with Chromium (default true). */
  pdf?: boolean
}

/** What {@link report} wrote; shows itself as a short note with the paths. */
export class Report {
  constructor(
    /** The HTML file. */
    readonly htmlPath: string,
    /** The PDF, or null when none was asked for. */
    readonly pdfPath: string | null,
    /** The PDF's pages, or null. */
    readonly pages: number | null,
    /** How many results it holds. */
    readonly results: number,
    readonly title: string,
  ) {}

  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'text/plain': this.toString() }
  }

  toString(): string {
    const pdf = this.pdfPath ? ` and ${this.pdfPath} (${this.pages} page${this.pages === 1 ? '' : 's'})` : ''
    return `Report '${this.title}': ${this.results} result${this.results === 1 ? '' : 's'}, written to ${this.htmlPath}${pdf}`
  }
}

/**
 * Writes a report of results: a title page (title, model card, notes, versions), then each result on its
 * own page with its static picture, its text, its tables and its provenance (method, parameters, seed,
 * model fingerprint, versions). Every string is escaped; the HTML holds no script and forbids scripts.
 *
 * @example
 * await gw.report([shap, { result: lime, caption: 'LIME on the same applicant' }], {
 *   title: 'Credit model: why applicant 0 was scored bad', path: 'reports/credit',
 *   modelCard: JSON.parse(fs.readFileSync('models/credit-mlp/card.json', 'utf8')),
 *   notes: 'KernelSHAP and LIME against the average applicant.' })
 */
export async function report(items: readonly ReportItem[], options: ReportOptions): Promise<Report> {
  checkOptions(options)
  const sections = await readSections(items)
  const base = options.path.replace(/\.(html?|pdf)$/i, '')
  const htmlPath = `${base}.html`
  const info = backend()
  const html = reportHtml(
    {
      title: options.title,
      modelCard: options.modelCard ?? null,
      notes: options.notes === undefined ? [] : [options.notes].flat(),
      createdAt: new Date().toISOString(),
      versions: {
        glasswing: LIBRARY_VERSION,
        backend: `${info.backend} (${info.device})`,
        tensorflow: info.tensorflowVersion ?? 'none',
        tfjs: tf.version_core,
        node: process.version,
      },
    },
    sections,
  )
  mkdirSync(path.dirname(path.resolve(htmlPath)), { recursive: true })
  writeFileSync(htmlPath, html)
  const results = sections.filter((s) => s.isResult).length
  if (options.pdf === false) return new Report(htmlPath, null, null, results, options.title)
  const pdfPath = `${base}.pdf`
  const pages = await printPdf(htmlPath, pdfPath)
  return new Report(htmlPath, pdfPath, pages, results, options.title)
}

function checkOptions(options: ReportOptions): void {
  const fail = (argument: string, expected: string, received: unknown, hint: string): never => {
    throw new GlasswingError({
      where: 'gw.report',
      argument,
      expected,
      received: describeValue(received),
      hint,
    })
  }
  if (typeof options !== 'object' || options === null) {
    fail(
      'options',
      '{ title, path }',
      options,
      "Say where to write it: { title: 'My model', path: 'report' }.",
    )
  }
  if (typeof options.title !== 'string' || options.title.trim() === '') {
    fail(
      'options.title',
      'a non-empty string',
      options.title,
      "Give the report a title: { title: 'Credit model' }.",
    )
  }
  if (typeof options.path !== 'string' || options.path.trim() === '') {
    fail(
      'options.path',
      'a file path',
      options.path,
      "Say where to write it: { path: 'reports/credit.html' }.",
    )
  }
  const card = options.modelCard
  if (
    card !== undefined &&
    typeof card !== 'string' &&
    (typeof card !== 'object' || card === null || Array.isArray(card))
  ) {
    fail(
      'options.modelCard',
      'an object of fields or a string',
      card,
      'Pass the parsed card.json of the model folder.',
    )
  }
  const notes = options.notes
  if (
    notes !== undefined &&
    typeof notes !== 'string' &&
    !(Array.isArray(notes) && notes.every((n) => typeof n === 'string'))
  ) {
    fail(
      'options.notes',
      'a string or an array of strings',
      notes,
      "Pass notes as text: notes: ['First point', 'Second']",
    )
  }
}
