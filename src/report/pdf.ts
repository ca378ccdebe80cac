/**
 * The report's PDF, printed by the Chromium the set-up installs (Debian's /usr/bin/chromium), headless,
 * with a fresh profile that is removed afterwards. Scripts are kept out by the document's own CSP
 * (`--blink-settings=scriptEnabled=false` would do it too, but headless printing then writes no PDF).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { GlasswingError } from '../errors'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/**
 * Headless Chromium flags that work on machines that reach only package registries (ENVIRONMENT.md):
 * without the background-networking ones its connections are refused many at a time. The browser tests
 * start Chromium with the same flags.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The Chromium to print with: `$GLASSWING_CHROMIUM`, else the first of the usual paths that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.GLASSWING_CHROMIUM) return env.GLASSWING_CHROMIUM
  return CANDIDATES.find((candidate) => existsSync(candidate)) ?? null
}

/**
 * Prints an HTML file to a PDF with headless Chromium; resolves with the PDF's page count.
 *
 * @example
 * const pages = await printPdf('report.html', 'report.pdf')
 */
export async function printPdf(htmlPath: string, pdfPath: string, timeoutMs = 120_000): Promise<number> {
  const chromium = findChromium()
  if (!chromium) {
    throw new GlasswingError({
      where: 'gw.report',
      argument: 'options.pdf',
      expected: 'a Chromium to print the PDF with',
      received: `none at ${CANDIDATES.join(', ')}`,
      hint: "Run `make setup` (it installs Debian's chromium), set GLASSWING_CHROMIUM, or pass pdf: false.",
    })
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'glasswing-report-'))
  rmSync(pdfPath, { force: true })
  const args = [
    ...CHROMIUM_FLAGS,
    `--user-data-dir=${profile}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${path.resolve(pdfPath)}`,
    pathToFileURL(path.resolve(htmlPath)).href,
  ]
  try {
    const { code, output } = await run(chromium, args, timeoutMs)
    if (code !== 0 || !existsSync(pdfPath)) {
      throw new GlasswingError({
        where: 'gw.report',
        argument: 'options.pdf',
        expected: 'Chromium to print the PDF',
        received: code === null ? `no PDF after ${timeoutMs / 1000} s` : `exit ${code}: ${lastLines(output)}`,
        hint: 'The HTML report is written; pass pdf: false to skip the PDF, or print the HTML from a browser.',
      })
    }
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
  return pdfPageCount(readFileSync(pdfPath))
}

function run(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: signal ? null : code, output })
    })
  })
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-2).join(' / ').slice(0, 300)
}

/**
 * The number of pages of a PDF: the `/Count` of its root page tree (Chromium writes the page tree
 * uncompressed). Throws when none is found.
 *
 * @example
 * pdfPageCount(readFileSync('report.pdf'))   // 4
 */
export function pdfPageCount(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1')
  const counts = [
    ...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g),
  ].map((m) => Number(m[1] ?? m[2]))
  if (counts.length === 0)
    throw new Error('pdfPageCount: no page tree found (not a PDF, or a compressed one)')
  return Math.max(...counts)
}
