/**
 * gw.distill in JupyterLab and Chromium: a real depth-3 surrogate of the credit MLP in the Glasswing
 * kernel, drawn by the surrogate view as the fidelity curve beside the tree; a linear surrogate shows its
 * equation; markup in feature names is text. Screenshots: .cache/screenshots/surrogate-*.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { log, openNotebook, ROOT, SCREENSHOTS, startLab, type Lab } from './lab'
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
      `const model = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'credit-mlp'))})`,
      "const train = await gw.datasets.creditG({ split: 'train' })",
      "console.log('ready')",
    ].join('\n'),
    'await gw.distill(model, train, { maxDepth: 3, seed: 1 })',
    "await gw.distill(model, train, { surrogate: 'linear', alpha: 0.01 })",
    // Hostile feature names: shown as text, never run.
    [
      'const hostile = { features: train.features, featureNames: train.featureNames.map((n, i) => i === 3 ? \'<img src=x onerror="window.gwPwned=1">\' : n) }',
      'await gw.distill(model, hostile, { maxDepth: 2, seed: 1 })',
    ].join('\n'),
  ]
  page = await openNotebook(lab, 'surrogate.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

describe.skipIf(!kernel.glasswing)('gw.distill in JupyterLab (Glasswing kernel)', () => {
  it('draws the fidelity curve beside the depth-3 tree, with every leaf and the chosen depth', async () => {
    const view = cell(1).locator('.gw-surrogate')
    await view.waitFor({ timeout: 60_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-surrogate-title').textContent()).toMatch(
      /^Surrogate tree of depth 3: agreement \d+\.\d %, held out \d+\.\d %/,
    )
    expect(await view.locator('.gw-surrogate-curve .gw-surrogate-point').count()).toBe(12) // 6 depths x 2 series
    expect(await view.locator('.gw-surrogate-chosen').count()).toBe(1)
    const leaves = await view.locator('.gw-surrogate-leaf').count()
    const splits = await view.locator('.gw-surrogate-split').count()
    expect(leaves).toBe(splits + 1)
    expect(leaves).toBeLessThanOrEqual(8)
    const leafText = await view.locator('.gw-surrogate-leaf text').allTextContents()
    expect(leafText.some((t) => t === 'good' || t === 'bad')).toBe(true)
    const rules = (await view.locator('.gw-surrogate-rules').textContent())!.split('\n')
    expect(rules).toHaveLength(leaves)
    expect(rules[0]).toMatch(/^if .* then (good|bad) \(/)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'surrogate-tree.png') })
  })

  it('shows a linear surrogate with its R^2 and equations, without a tree', async () => {
    const view = cell(2).locator('.gw-surrogate')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('.gw-surrogate-title').textContent()).toMatch(/^Surrogate linear: .* R² 0\.\d+/)
    expect(await view.locator('.gw-surrogate-tree').count()).toBe(0)
    expect(await view.locator('.gw-surrogate-rules').textContent()).toMatch(/^p\(good\) = /)
    await view.screenshot({ path: join(SCREENSHOTS, 'surrogate-linear.png') })
  })

  it('shows markup in a feature name as text', async () => {
    const view = cell(3).locator('.gw-surrogate')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { gwPwned?: number }).gwPwned)).toBeUndefined()
  })
})
