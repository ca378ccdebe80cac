/**
 * The interrupt button on a long attribution, on the path a user takes: a real JupyterLab and Chromium,
 * the Glasswing kernel, Integrated Gradients with a million steps. The cell stops within a second or two
 * with 'the cell was interrupted', the engine is the same one, and a variable from before is still there.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, waitForIdle, type Lab } from './lab'

const MODEL = join(ROOT, 'notebooks', 'models', 'mnist-cnn')
let lab: Lab
let page: Page

const setup = [
  `const model = await gw.load(${JSON.stringify(MODEL)})`,
  "const { images } = await gw.datasets.mnist({ split: 'test', limit: 4 })",
  "const kept = 'still here'",
  'const enginePid = process.pid',
].join('\n')

describe('the interrupt button on a long attribution', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    lab = await startLab()
    page = await openNotebook(lab, 'interrupt.ipynb', [setup], { name: 'glasswing', language: 'typescript' })
  }, 240_000)

  afterAll(async () => {
    await page?.close()
    await lab?.stop()
  })

  it('stops the cell with a clear message and keeps the session', async () => {
    const count = await page.locator('.jp-Notebook .jp-Cell').count()
    // Started as a user does (Shift+Enter on a new cell), not awaited here: it would run for minutes.
    await page.evaluate(async (code) => {
      const app = (window as unknown as { jupyterapp: JupyterApp }).jupyterapp
      const notebook = app.shell.currentWidget.content
      const shared = notebook.model.sharedModel
      shared.insertCell(shared.cells.length, { cell_type: 'code', source: code })
      notebook.activeCellIndex = shared.cells.length - 1
      void app.commands.execute('notebook:run-cell')
    }, "await gw.explain(model, images, { method: 'integrated-gradients', steps: 1_000_000 })")
    await page.waitForFunction(
      () =>
        (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.shell.currentWidget.sessionContext
          .session?.kernel?.status === 'busy',
      undefined,
      { timeout: 30_000 },
    )
    await page.waitForTimeout(3000)
    const pressed = performance.now()
    await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').first().click()
    await waitForIdle(page)
    const seconds = (performance.now() - pressed) / 1000
    const output = await page
      .locator('.jp-Notebook .jp-Cell')
      .nth(count)
      .locator('.jp-OutputArea')
      .innerText()
    expect(output).toContain('the cell was interrupted')
    expect(output).toContain('gw.explain (integrated-gradients)')
    expect(output).not.toContain('engine stopped')
    await page.screenshot({ path: join(SCREENSHOTS, 'interrupt.png'), fullPage: true })
    // Idle within a few seconds of the click (the click and the status round trip included).
    expect(seconds).toBeLessThan(5)
    expect(await runExtraCell(page, '[kept, process.pid === enginePid]')).toContain("[ 'still here', true ]")
  }, 120_000)
})

interface JupyterApp {
  commands: { execute(id: string): Promise<unknown> }
  shell: {
    currentWidget: {
      sessionContext: { session?: { kernel?: { status: string } | null } | null }
      content: {
        model: { sharedModel: { insertCell(i: number, c: object): void; cells: unknown[] } }
        activeCellIndex: number
      }
    }
  }
}
