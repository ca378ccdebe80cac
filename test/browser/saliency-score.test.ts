/**
 * Score on the saliency view, on the path a user takes: a real gw.explain result in the Glasswing kernel,
 * shown in a real JupyterLab and Chromium. Picking "Deletion AUC" asks the kernel; one score per digit
 * appears under its overlay (a spinner while it runs), each equal to what gw.evaluate gives in the next
 * cell; a Grad-CAM view (layer maps, which gw.evaluate refuses) shows the kernel's reason instead.
 * Screenshot: .cache/screenshots/saliency-score.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { log, openNotebook, ROOT, runExtraCell, SCREENSHOTS, startLab, type Lab } from './lab'
import { chooseKernel } from './notebook'

const kernel = chooseKernel()
let lab: Lab
let page: Page

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  log('lab started')
  const cells = [
    [
      `const model = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))})`,
      "const digits = await gw.datasets.mnist({ split: 'test', limit: 8 })",
      "console.log('ready')",
    ].join('\n'),
    "const explained = await gw.explain(model, digits.images, { method: 'input-x-gradient' })\nexplained",
    "await gw.explain(model, digits.images.slice([0], [2]), { method: 'grad-cam' })",
    "const four = digits.images.slice([0], [4])\nawait gw.compare(model, four, ['saliency', 'input-x-gradient'])",
    "await gw.explain(model, digits.images, { method: 'integrated-gradients', steps: 512 })",
  ]
  page = await openNotebook(lab, 'saliency-score.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

/** Presses the kernel's interrupt (what the toolbar button does) with no cell running. */
async function interruptKernel(): Promise<void> {
  await page.evaluate(async () => {
    const app = (
      window as unknown as {
        jupyterapp: {
          shell: {
            currentWidget: { sessionContext: { session: { kernel: { interrupt(): Promise<void> } } } }
          }
        }
      }
    ).jupyterapp
    await app.shell.currentWidget.sessionContext.session.kernel.interrupt()
  })
}

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

describe.skipIf(!kernel.glasswing)('Score on the saliency view (Glasswing kernel)', () => {
  it("writes each digit's deletion AUC under its overlay, equal to gw.evaluate's in the next cell", async () => {
    const view = cell(1).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    const slots = view.locator('.gw-score')
    expect(await slots.count()).toBe(8)
    expect((await slots.allTextContents()).every((text) => text === '')).toBe(true) // nothing until asked
    // Whether a spinner was shown while the kernel worked (it may come and go between two polls).
    await view.evaluate((root) => {
      const seen = new MutationObserver(() => {
        if (root.querySelector('.gw-spinner')) root.setAttribute('data-saw-spinner', 'yes')
      })
      seen.observe(root, { childList: true, subtree: true })
    })
    await view.locator('select.gw-score-select').selectOption('deletion')
    const status = view.locator('.gw-score-status')
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/^Deletion AUC under each overlay, lower is better/)
    expect(await view.getAttribute('data-saw-spinner')).toBe('yes')
    const shown = (await slots.allTextContents()).map(Number)
    expect(shown).toHaveLength(8)
    expect(shown.every(Number.isFinite)).toBe(true)
    expect(await status.textContent()).toMatch(
      /mean \d\.\d{6} over 8 inputs \(the kernel took \d+\.\d s\)\.$/,
    )
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'saliency-score.png') })

    const text = await runExtraCell(
      page,
      "console.log(JSON.stringify((await gw.evaluate(model, explained, { metrics: ['deletion'] })).values('deletion')))",
    )
    // The output also holds gw.evaluate's progress line: read the printed array of numbers.
    const direct = JSON.parse(/\[[-\d.e+,]+\]/.exec(text)![0]) as number[]
    expect(direct).toHaveLength(8)
    for (const [i, value] of direct.entries()) expect(Math.abs(shown[i]! - value)).toBeLessThanOrEqual(1e-6)
    const mean = Number(/mean (\S+) over/.exec((await status.textContent()) ?? '')![1])
    expect(Math.abs(mean - direct.reduce((a, b) => a + b, 0) / 8)).toBeLessThanOrEqual(1e-6)
  })

  it('scores each method row of a comparison, and scores again for a class the kernel computes', async () => {
    const view = cell(3).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    const status = view.locator('.gw-score-status')
    await view.locator('select.gw-score-select').selectOption('sparseness')
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(
        /^Sparseness \(Gini\) under each overlay, higher is better: saliency: mean \S+ over 4 inputs; input-x-gradient: mean \S+ over 4 inputs/,
      )
    expect((await view.locator('.gw-score').allTextContents()).filter((t) => t !== '')).toHaveLength(8)
    await view.locator('select.gw-target-select').selectOption('class:3')
    await expect
      .poll(() => view.locator('.gw-status').textContent(), { timeout: 60_000 })
      .toMatch(/computed by the kernel/)
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/^Sparseness/)
    const shown = (await view.locator('.gw-score').allTextContents()).map(Number)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'saliency-score-compare.png') })
    const text = await runExtraCell(
      page,
      [
        'const perMethod: number[][] = []',
        "for (const method of ['saliency', 'input-x-gradient'] as const) {",
        '  const retargeted = await gw.explain(model, four, { method, target: 3 })',
        "  perMethod.push((await gw.evaluate(model, retargeted, { metrics: ['sparseness'] })).values('sparseness'))",
        '}',
        'console.log(JSON.stringify(perMethod))',
      ].join('\n'),
    )
    // One row per method, one value per digit.
    const table = JSON.parse(/\[\[[-\d.e+,[\]]+\]\]/.exec(text)![0]) as number[][]
    expect(shown).toHaveLength(8)
    for (const [i, value] of shown.entries())
      expect(Math.abs(value - table[Math.floor(i / 4)]![i % 4]!)).toBeLessThanOrEqual(1e-6)
  })

  it('scores again after an interrupt with no cell running (the interrupt does not stick)', async () => {
    const view = cell(1).locator('.gw-saliency')
    await interruptKernel()
    await view.locator('select.gw-score-select').selectOption('insertion')
    const status = view.locator('.gw-score-status')
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/^(Insertion AUC under|Could not)/)
    expect(await status.textContent()).toMatch(/^Insertion AUC under each overlay, higher is better: mean/)
  })

  it('stops a slow score at an interrupt and says so; the next score runs', async () => {
    const view = cell(4).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    const status = view.locator('.gw-score-status')
    // Max-sensitivity explains every digit again 10 times (integrated gradients, 512 steps): seconds.
    await view.locator('select.gw-score-select').selectOption('sensitivity-max')
    await status.locator('.gw-spinner').waitFor({ timeout: 10_000 })
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'saliency-score-busy.png') })
    // Long enough for the request to reach the engine under load (the whole score takes ~16 s at load 15).
    await page.waitForTimeout(1500)
    const asked = Date.now()
    await interruptKernel()
    await expect
      .poll(() => status.textContent(), { timeout: 30_000 })
      .toMatch(/^Could not score Max-sensitivity: .*the cell was interrupted/)
    const seconds = (Date.now() - asked) / 1000
    log(`score interrupted after ${seconds.toFixed(2)} s`)
    expect(seconds).toBeLessThan(5)
    await view.locator('select.gw-score-select').selectOption('sparseness')
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/^Sparseness \(Gini\) under each overlay, higher is better: mean/)
  })

  it("shows the kernel's reason where the maps cannot be scored (Grad-CAM's layer maps)", async () => {
    const view = cell(2).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    await view.locator('select.gw-score-select').selectOption('deletion')
    const status = view.locator('.gw-score-status.gw-note')
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(
        /^Could not score Deletion AUC: gw\.evaluate: attribution expected an attribution over the inputs/,
      )
    expect((await view.locator('.gw-score').allTextContents()).every((t) => t === '')).toBe(true)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'saliency-score-error.png') })
  })
})
