/**
 * A real tabular `gw.compare` in JupyterLab and Chromium: the credit MLP explained by four methods in
 * the Glasswing kernel, drawn by the features view as grouped bars, one colour per method. Needs the
 * Glasswing kernel (skipped on ipykernel). Screenshot: .cache/screenshots/features-compare-credit.png.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE, tabularPayload } from '../unit/extension/fixtures'
import { shortLabel } from '../../extension/src/views/features-model'
import { LABEL_CHARS } from '../../extension/src/views/features-svg'
import { log, openNotebook, ROOT, SCREENSHOTS, startLab, type Lab } from './lab'
import { chooseKernel, setupCell, showCell, writePayload } from './notebook'

const kernel = chooseKernel()
const METHODS = ['saliency', 'input-x-gradient', 'integrated-gradients', 'kernel-shap']
let lab: Lab
let page: Page

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  log('lab started')
  const cells = [
    [
      "import * as tf from '@tensorflow/tfjs'",
      `const model = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'credit-mlp'))})`,
      "const test = await gw.datasets.creditG({ split: 'test' })",
      'const x = test.features.slice([0], [5])',
      "const groups = tf.tensor1d(test.encoding.attributeOfColumn, 'int32')",
      "console.log('ready')",
    ].join('\n'),
    // What a user types: the comparison displays itself (names from KernelSHAP's options).
    [
      'const c = await gw.compare(model, x, [',
      "  'saliency', 'input-x-gradient', { method: 'integrated-gradients', steps: 32 },",
      "  { method: 'kernel-shap', segments: { method: 'mask', mask: groups }, featureNames: test.table.columns, seed: 1 },",
      "], { target: 'bad' })",
      'c',
    ].join('\n'),
    // With the table's raw values as labels.
    "gw.featureView(c, { rows: test.table.rows.slice(0, 5), outputName: 'P(bad)' })",
    setupCell(kernel),
    // Markup in a method name, feature names and labels: shown as text, never run.
    showCell(kernel, 'h-compare.json', 'features'),
  ]
  writePayload(
    lab.dir,
    'h-compare.json',
    tabularPayload({ examples: 3, hostile: true, labels: true, methods: ['saliency', 'x', 'kernel-shap'] }),
  )
  page = await openNotebook(lab, 'compare-credit.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

/** The fill colour of each method's bars, and how many bars each has. */
async function barsByMethod(view: Locator): Promise<{ count: number; fills: string[] }[]> {
  return Promise.all(
    METHODS.map(async (_, m) => {
      const bars = view.locator(`rect.gw-compare-bar[data-method="${m}"]`)
      const fills = await bars.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('fill') ?? ''))
      return { count: fills.length, fills: [...new Set(fills)] }
    }),
  )
}

describe.skipIf(!kernel.glasswing)('tabular gw.compare in JupyterLab (Glasswing kernel)', () => {
  it('draws grouped bars with every method, one colour each, for a real comparison', async () => {
    const view = cell(1).locator('.gw-features')
    await view.waitFor({ timeout: 60_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    expect(await view.locator('.gw-compare-method').allTextContents()).toEqual(METHODS)
    const bars = await barsByMethod(view)
    const groups = await view.locator('.gw-compare-group').count()
    expect(groups).toBe(15) // the 15 strongest of the 20 attributes
    for (const method of bars) {
      expect(method.count).toBe(groups)
      expect(method.fills).toHaveLength(1)
    }
    expect(new Set(bars.map((b) => b.fills[0])).size).toBe(METHODS.length)
    // Bars have length: every method says something about the strongest attribute.
    const widths = await view
      .locator('.gw-compare-group')
      .first()
      .locator('rect')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('width'))))
    expect(widths.filter((w) => w > 2)).toHaveLength(METHODS.length)
    const labels = await view.locator('.gw-compare text').allTextContents()
    // A long 'name = value' label gives way in the name first ('checkin… = category 1…'), never below 8 characters.
    const checking = labels.find((label) => {
      const name = label.split(' = ')[0]!.replace(/…$/, '')
      return label.includes(' = ') && name.length >= 7 && 'checking_status'.startsWith(name)
    })
    expect(checking).toBeDefined()
  })

  it('labels the bars with raw values in featureView, and shows the mean over all examples', async () => {
    const view = cell(2).locator('.gw-features')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('.gw-compare-method').allTextContents()).toEqual(METHODS)
    const labels = await view.locator('.gw-compare text').allTextContents()
    // Raw values from test.table, not encodings: 'purpose = radio/tv', not 'category 4 of 10'.
    expect(labels.some((label) => / = [A-Za-z<>]/.test(label) && !/category \d+ of/.test(label))).toBe(true)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'features-compare-credit.png') })
    await view.locator('select').first().selectOption('all')
    await expect
      .poll(() => view.locator('.gw-subtitle').last().textContent())
      .toMatch(/Mean \|attribution\| over 5/)
    const names = await view.locator('.gw-compare text').allTextContents()
    expect(names.filter((name) => name.includes(' = '))).toEqual([])
    for (const method of await barsByMethod(view)) expect(method.count).toBe(15)
    await view.locator('select').nth(1).selectOption('raw')
    await view.screenshot({ path: join(SCREENSHOTS, 'features-compare-credit-all-raw.png') })
  })

  it('shows markup in method names and labels as text', async () => {
    const view = cell(4).locator('.gw-features')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('.gw-compare-method').allTextContents()).toEqual([
      'saliency',
      HOSTILE,
      'kernel-shap',
    ])
    expect(await view.locator('.gw-compare text').allTextContents()).toContain(
      shortLabel(`${HOSTILE} = ${HOSTILE}`, LABEL_CHARS),
    )
    expect(await view.locator('img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  })
})
