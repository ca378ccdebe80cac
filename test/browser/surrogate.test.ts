/**
 * gw.distill in JupyterLab and Chromium: a real depth-3 surrogate of the credit MLP in the Glasswing
 * kernel, drawn by the surrogate view as the fidelity curve beside the tree; a linear surrogate shows its
 * equation; markup in feature names is text; a GAM drawn as step charts of its shape functions per
 * class; a rule list as an ordered list with coverage and precision.
 * Screenshots: .cache/screenshots/surrogate-*.png.
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
    "const gam = await gw.distill(model, train, { surrogate: 'gam', seed: 1 }); gam",
    "const list = await gw.distill(model, train, { surrogate: 'rules', seed: 1 }); list",
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

  it("draws a GAM's shape functions as step charts, strongest first, per class", async () => {
    const view = cell(4).locator('.gw-surrogate')
    await view.waitFor({ timeout: 60_000 })
    expect(await cell(4).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-surrogate-title').textContent()).toMatch(/^Surrogate gam: .* R² 0\.\d+/)
    expect(await view.locator('.gw-surrogate-tree').count()).toBe(0)
    const charts = view.locator('.gw-surrogate-shape')
    expect(await charts.count()).toBe(16)
    // The same order as the text's strongest shape functions.
    const names = await view.locator('.gw-surrogate-shape-name').allTextContents()
    const text = (await view.locator('.gw-surrogate-rules').textContent())!
    const firstInText = /^p\(good\) = [-\d.]+ \+ f\(([^)]+)\)/.exec(text)![1]
    expect(names[0]).toBe(firstInText)
    expect(await view.locator('.gw-surrogate-shape-note').textContent()).toMatch(
      /^f\(feature\) added to p\(good\)/,
    )
    // Each bin says its range and value on hover; every chart has a step line.
    expect(await charts.first().locator('.gw-surrogate-shape-line').count()).toBe(1)
    const bins = await charts.first().locator('.gw-surrogate-shape-bin title').allTextContents()
    expect(bins.length).toBeGreaterThanOrEqual(2)
    expect(bins[0]!.startsWith(`${names[0]} ≤ `)).toBe(true)
    expect(bins[0]).toMatch(/: [-+][\d.]+(e-?\d+)?$/)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'surrogate-gam.png') })
    // The other class: its own shape functions (mirrored for two classes).
    await view.locator('select').selectOption({ label: 'bad' })
    expect(await view.locator('.gw-surrogate-shape-note').textContent()).toMatch(
      /^f\(feature\) added to p\(bad\)/,
    )
    expect(await charts.count()).toBe(16)
  })

  it("draws a rule list as an ordered list with each rule's coverage and precision", async () => {
    const view = cell(5).locator('.gw-surrogate')
    await view.waitFor({ timeout: 60_000 })
    expect(await cell(5).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-surrogate-title').textContent()).toMatch(
      /^Surrogate rule list of \d+ rules? and a default: agreement/,
    )
    const rules = view.locator('.gw-surrogate-rule')
    const count = await rules.count()
    expect(count).toBeGreaterThanOrEqual(2)
    const keywords = await view.locator('.gw-surrogate-rule-keyword').allTextContents()
    expect(keywords[0]).toBe('if')
    expect(keywords.at(-1)).toBe('else')
    for (const figures of await view.locator('.gw-surrogate-rule-figures').allTextContents())
      expect(figures).toMatch(/^held out: covers \d+\.\d %, precision (\d+\.\d %|n\/a); \d+ training rows$/)
    expect(await view.locator('.gw-surrogate-curve').textContent()).toContain('rules before the default')
    expect(await view.locator('.gw-surrogate-curve .gw-surrogate-point').count()).toBe(2 * count)
    // The folded text says the same rules.
    expect((await view.locator('.gw-surrogate-rules').textContent())!.split('\n')).toHaveLength(count)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'surrogate-rules.png') })
  })

  it('shows markup in a feature name as text', async () => {
    const view = cell(3).locator('.gw-surrogate')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { gwPwned?: number }).gwPwned)).toBeUndefined()
  })
})
