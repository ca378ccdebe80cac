/**
 * When the Glasswing kernel's engine dies, on the path a user takes: a real gw.compare view in a real
 * JupyterLab and Chromium says at once that the engine stopped (no waiting out a request's timeout),
 * the cell that killed it shows the clear error with what %replay restores, and %replay brings the
 * model and images back so the next cell runs on them.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, type Lab } from './lab'

const MODEL = join(ROOT, 'notebooks', 'models', 'mnist-cnn')
let lab: Lab
let page: Page

const cells = [
  [
    `const model = await gw.load(${JSON.stringify(MODEL)})`,
    "const { images } = await gw.datasets.mnist({ split: 'test', limit: 2 })",
  ].join('\n'),
  "await gw.compare(model, images, ['saliency', 'integrated-gradients'])",
]

describe('the engine stops under open views', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    // This test kills the engine on purpose: its kernels stay out of the test command's restart count.
    delete process.env.GLASSWING_ENGINE_EXIT_LOG
    lab = await startLab()
    page = await openNotebook(lab, 'engine-restart.ipynb', cells, {
      name: 'glasswing',
      language: 'typescript',
    })
  }, 240_000)

  afterAll(async () => {
    await page?.close()
    await lab?.stop()
  })

  it('the view says so at once, the cell shows the reason, and %replay restores the model', async () => {
    const status = page.locator('.jp-Notebook .jp-Cell').nth(1).locator('.gw-status')
    await expect.poll(() => status.count(), { timeout: 10_000 }).toBe(1)
    // The view opens its link to the kernel once it sits in the notebook: wait until the front end holds
    // that comm, then run a cell, so that the kernel has handled the comm's opening (the shell channel keeps
    // order) before the engine is killed; a link opened after the kill has nothing to be told.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            type Shell = {
              currentWidget?: {
                sessionContext?: { session?: { kernel?: { _comms?: Map<string, unknown> } } }
              }
            }
            const app = (window as unknown as { jupyterapp: { shell: Shell } }).jupyterapp
            return app.shell.currentWidget?.sessionContext?.session?.kernel?._comms?.size ?? 0
          }),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0)
    await runExtraCell(page, '1')
    const killed = await runExtraCell(page, "process.kill(process.pid, 'SIGKILL')")
    expect(killed).toContain('Glasswing: the engine stopped: it was killed by SIGKILL')
    expect(killed).toMatch(/run %replay in a cell: it reruns the 3 cells .* and so restores model, images\./)
    // Told at once: the kernel closed the view's link when the engine died, before any request.
    await expect.poll(() => status.textContent(), { timeout: 5_000 }).toMatch(/^The kernel's engine stopped/)
    const replayed = await runExtraCell(page, '%replay')
    expect(replayed).toContain('Restored model, images (3 cells).')
    const after = await runExtraCell(page, 'console.log(model.predict(images).shape.join("x"))')
    expect(after.trim()).toBe('2x10')
    await page.screenshot({ path: join(SCREENSHOTS, 'engine-restart.png'), fullPage: true })
  }, 240_000)
})
