/**
 * A real JupyterLab (or Notebook 7) from the project's venv and Debian's Chromium, for the browser tests.
 *
 * `startLab` runs `jupyter lab` (`startNotebook7`: `jupyter notebook`) on a free localhost port with a
 * temporary root, no token, news disabled, and the app exposed as `window.jupyterapp`; `openNotebook`
 * writes a notebook there, opens it, waits for its kernel, runs every cell and waits until the kernel
 * is idle again.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_FLAGS as REPORT_CHROMIUM_FLAGS } from '../../src/report/pdf'

export const ROOT = resolve(__dirname, '..', '..')
export const SCREENSHOTS = join(ROOT, '.cache', 'screenshots')
const JUPYTER = join(ROOT, '.venv', 'bin', 'jupyter')

/** The Chromium flags that work on these machines (see ENVIRONMENT.md). */
export const CHROMIUM_FLAGS = [...REPORT_CHROMIUM_FLAGS, '--enable-unsafe-swiftshader']

/** Progress lines on stderr when GLASSWING_BROWSER_DEBUG is set. */
export function log(message: string): void {
  if (process.env.GLASSWING_BROWSER_DEBUG)
    process.stderr.write(`[browser ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

export interface Lab {
  /** Which front end: JupyterLab, or Notebook 7 (same components, one document per page). */
  app: 'lab' | 'notebook'
  url: string
  dir: string
  browser: Browser
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => done(port))
    })
  })
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter exited (${server.exitCode}):\n${log()}`)
    try {
      if ((await fetch(`${url}api/status`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`jupyter did not answer within 90 s:\n${log()}`)
}

/** Starts JupyterLab and Chromium; `stop` ends both and removes the temporary root. */
export function startLab(): Promise<Lab> {
  return startServer('lab')
}

/** Starts Notebook 7 (`jupyter notebook`) and Chromium, like {@link startLab}. */
export function startNotebook7(): Promise<Lab> {
  return startServer('notebook')
}

async function startServer(app: Lab['app']): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'glasswing-lab-'))
  const settings = join(dir, '.settings', '@jupyterlab', 'apputils-extension')
  mkdirSync(settings, { recursive: true })
  mkdirSync(join(dir, '.settings', '@jupyterlab', 'notebook-extension'))
  // Start the notebook's own kernel without asking (the "Select Kernel" dialog would wait forever).
  writeFileSync(
    join(dir, '.settings', '@jupyterlab', 'notebook-extension', 'tracker.jupyterlab-settings'),
    JSON.stringify({ autoStartDefaultKernel: true }),
  )
  writeFileSync(
    join(settings, 'notification.jupyterlab-settings'),
    JSON.stringify({ fetchNews: 'false', checkForUpdates: false }),
  )
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  let output = ''
  // The two apps take the same settings under their own class names.
  const appClass = app === 'lab' ? 'LabApp' : 'JupyterNotebookApp'
  const server = spawn(
    JUPYTER,
    [
      app,
      '--no-browser',
      `--port=${port}`,
      '--ip=127.0.0.1',
      `--ServerApp.root_dir=${dir}`,
      "--IdentityProvider.token=''",
      '--ServerApp.password=',
      '--ServerApp.disable_check_xsrf=True',
      `--${appClass}.user_settings_dir=${join(dir, '.settings')}`,
      `--${appClass}.workspaces_dir=${join(dir, '.workspaces')}`,
      `--${appClass}.expose_app_in_browser=True`,
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ],
    { cwd: dir, env: { ...process.env, JUPYTER_PLATFORM_DIRS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  server.stdout!.on('data', (chunk) => (output += chunk))
  server.stderr!.on('data', (chunk) => (output += chunk))
  await waitForServer(url, server, () => output)
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  return {
    app,
    url,
    dir,
    browser,
    async stop() {
      await browser.close().catch(() => undefined)
      server.kill('SIGTERM')
      await new Promise((r) => setTimeout(r, 500))
      if (server.exitCode === null) server.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A code cell of a notebook. */
export function codeCell(source: string): object {
  return { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source }
}

/** Writes a notebook with these cells and kernel, opens it, runs all cells, waits for idle. */
export async function openNotebook(
  lab: Lab,
  name: string,
  cells: string[],
  kernel: { name: string; language: string },
): Promise<Page> {
  const notebook = {
    cells: cells.map(codeCell),
    metadata: { kernelspec: { name: kernel.name, display_name: kernel.name, language: kernel.language } },
    nbformat: 4,
    nbformat_minor: 5,
  }
  writeFileSync(join(lab.dir, name), JSON.stringify(notebook))
  return await runNotebookFile(lab, name)
}

/**
 * Opens a notebook already in the server's root, runs all its cells (Run All, as a user would) and waits
 * until every code cell has run and the kernel is idle; throws with the first error output.
 */
export async function runNotebookFile(lab: Lab, name: string, timeoutMs = 120_000): Promise<Page> {
  const page = await lab.browser.newPage({ viewport: { width: 1400, height: 1000 } })
  await page.goto(`${lab.url}${lab.app === 'lab' ? 'lab/tree' : 'notebooks'}/${name}`)
  log(`opened ${name}`)
  // The workspace may reopen notebooks of earlier pages beside this one: wait for this one's panel,
  // close the others (their cells would count as not run), and make it the current widget.
  await page.waitForFunction(
    (path) =>
      [...((window as unknown as Partial<AppWindow>).jupyterapp?.shell.widgets('main') ?? [])].some(
        (widget) => widget.context?.path === path && widget.node.querySelector('.jp-Cell') !== null,
      ),
    name,
    { timeout: 60_000 },
  )
  await page.evaluate((path) => {
    const app = (window as unknown as AppWindow).jupyterapp
    const widgets = [...app.shell.widgets('main')]
    const panel = widgets.find((widget) => widget.context?.path === path)!
    for (const other of widgets) if (other !== panel) other.dispose()
    app.shell.activateById(panel.id)
  }, name)
  await waitForIdle(page)
  const started = await page.evaluate(async () => {
    const app = (window as unknown as AppWindow).jupyterapp
    const panel = app.shell.currentWidget!
    await panel.sessionContext.ready
    if (!panel.sessionContext.session?.kernel) return 'no kernel'
    void app.commands.execute('notebook:run-all-cells')
    return 'ok'
  })
  log(`run-all ${name}: ${started}`)
  if (started !== 'ok') throw new Error(`could not run the notebook: ${started}`)
  try {
    await page.waitForFunction(
      () => {
        const panel = (window as unknown as AppWindow).jupyterapp.shell.currentWidget!.node
        const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
        const errors = panel.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"]')
        return (
          errors.length > 0 ||
          (prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p.textContent ?? '')))
        )
      },
      undefined,
      { timeout: timeoutMs, polling: 500 },
    )
  } finally {
    await page.screenshot({ path: join(SCREENSHOTS, `notebook-${name}.png`), fullPage: true })
  }
  // An error output, or a cell that did not compile (tslab prints TypeScript errors on stderr).
  const error = page
    .locator(
      '.jp-Notebook [data-mime-type="application/vnd.jupyter.error"], .jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]',
    )
    .filter({ hasText: /Error/ })
    .first()
  if ((await error.count()) > 0) throw new Error(`a cell failed: ${await error.textContent()}`)
  await waitForIdle(page)
  return page
}

interface App {
  commands: { execute(id: string, args?: object): Promise<unknown> }
}

/** A main-area widget as the tests read it (a notebook panel has `context` and `sessionContext`). */
interface Panel {
  id: string
  node: HTMLElement
  context?: { path: string }
  sessionContext: { ready: Promise<void>; session: { kernel: unknown } | null }
  dispose(): void
}

/** The page's window with the app exposed (`expose_app_in_browser`). */
interface AppWindow {
  jupyterapp: App & {
    shell: {
      currentWidget: Panel | null
      widgets(area: string): Iterable<Panel>
      activateById(id: string): void
    }
  }
}

/** Waits until the notebook's kernel reports idle (asked of the app: Notebook 7 has no status bar). */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const app = (
        window as unknown as {
          jupyterapp?: {
            shell: {
              currentWidget: { sessionContext?: { session?: { kernel?: { status: string } | null } | null } }
            }
          }
        }
      ).jupyterapp
      return app?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'
    },
    undefined,
    { timeout: 120_000 },
  )
}

/** Runs one more cell at the end of the open notebook and returns its text output. */
export async function runExtraCell(page: Page, source: string): Promise<string> {
  const count = await page.locator('.jp-Notebook .jp-Cell').count()
  await page.evaluate(async (code) => {
    const app = (
      window as unknown as {
        jupyterapp: App & {
          shell: {
            currentWidget: {
              content: {
                model: { sharedModel: { insertCell(i: number, c: object): void; cells: unknown[] } }
                activeCellIndex: number
              }
            }
          }
        }
      }
    ).jupyterapp
    const notebook = app.shell.currentWidget.content
    const shared = notebook.model.sharedModel
    shared.insertCell(shared.cells.length, { cell_type: 'code', source: code })
    notebook.activeCellIndex = shared.cells.length - 1
    await app.commands.execute('notebook:run-cell')
  }, source)
  const cell = page.locator('.jp-Notebook .jp-Cell').nth(count)
  await page.waitForFunction(
    (i) =>
      /\[\d+\]/.test(document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')[i]?.textContent ?? ''),
    count,
    { timeout: 60_000 },
  )
  await waitForIdle(page)
  return (await cell.locator('.jp-OutputArea').textContent()) ?? ''
}
