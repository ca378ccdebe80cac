/**
 * The counterfactual view in JupyterLab and Chromium with real results of the Glasswing kernel: a
 * rejected credit applicant of the credit MLP with age and foreign_worker immutable (as lab 09 asks),
 * the same applicant allowed to move only its duration by a month (none found: the reason is shown),
 * and an MNIST digit of mnist-cnn edited pixel by pixel into its runner-up class. The table's changed
 * cells, its "only changed features" toggle, a hovered cell and the before/after probabilities; the
 * triptych's pictures drawn from the arrays, its changed pixels counted on the canvas and hovered.
 * Screenshots: .cache/screenshots/counterfactual-*.png.
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

const model = (name: string) => JSON.stringify(join(ROOT, 'notebooks', 'models', name))

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  log('lab started')
  const cells = [
    // Lab 09's applicant: the first test applicant the credit MLP rejects with P(bad) > 0.6.
    [
      `const credit = await gw.load(${model('credit-mlp')})`,
      "const train = await gw.datasets.creditG({ split: 'train' })",
      "const applicants = await gw.datasets.creditG({ split: 'test' })",
      'const names = applicants.featureNames',
      'const p = credit.predict(applicants.features).arraySync() as number[][]',
      'const rejected = p.findIndex((row) => row[1] > 0.6)',
      'const immutable = names.flatMap((n, j) => (/^(age|foreign_worker)(=|$)/.test(n) ? [j] : []))',
      'const groups: Record<number, number[]> = {}',
      'applicants.encoding.attributeOfColumn.forEach((a, j) => { groups[a] = groups[a] || []; groups[a].push(j) })',
      'const oneHotGroups = Object.values(groups).filter((g) => g.length > 1)',
      "console.log('ready', rejected)",
    ].join('\n'),
    [
      'const cf = gw.counterfactuals(credit, applicants.features.slice([rejected], [1]), {',
      '  target: 0, reference: train.features, immutable, oneHotGroups, featureNames: names,',
      '  classNames: applicants.classNames, count: 3, seed: 1, iterations: 8, steps: 40, timeBudgetMs: 15000 })',
      "console.log('CF ' + JSON.stringify({ validity: cf.validity, n: cf.counterfactuals.length,",
      '  changed: cf.counterfactuals.map((_, k) => cf.changed(k)), immutable: immutable.map((j) => names[j]) }))',
      'cf',
    ].join('\n'),
    // None to find: only duration may move, within a month of the applicant's.
    [
      "const d = names.indexOf('duration')",
      'const value = applicants.features.slice([rejected, d], [1, 1]).dataSync()[0]',
      'gw.counterfactuals(credit, applicants.features.slice([rejected], [1]), {',
      '  target: 0, reference: train.features, immutable: names.flatMap((_, j) => (j === d ? [] : [j])),',
      '  ranges: { [d]: [value - 0.08, value + 0.08] }, featureNames: names, classNames: applicants.classNames,',
      '  count: 3, seed: 1, iterations: 2, steps: 10 })',
    ].join('\n'),
    [
      "import * as tf from '@tensorflow/tfjs'",
      `const cnn = await gw.load(${model('mnist-cnn')})`,
      "const digits = await gw.datasets.mnist({ split: 'test', limit: 200 })",
      'const reference = digits.images.reshape([200, 784]) as tf.Tensor2D',
      'const digit = gw.counterfactuals(cnn, digits.images.slice([0], [1]), { reference, iterations: 4,',
      "  steps: 30, timeBudgetMs: 20000, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] })",
      'const moved = digit.counterfactuals[0].flatMap((v, i) => (v !== digit.original[i] ? [i] : []))',
      "console.log('CF ' + JSON.stringify({ target: digit.target, changed: moved.length, first: moved[0],",
      '  before: digit.original[moved[0]], after: digit.counterfactuals[0][moved[0]] }))',
      'digit',
    ].join('\n'),
  ]
  page = await openNotebook(lab, 'counterfactual.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

/** The JSON a cell logged after 'CF '. */
async function logged<T>(n: number): Promise<T> {
  const text = (await cell(n).locator('.jp-OutputArea').textContent()) ?? ''
  const line = text.match(/CF (\{.*?\})(?=\s|$)/)
  if (!line) throw new Error(`no CF line in cell ${n}: ${text.slice(0, 300)}`)
  return JSON.parse(line[1]!) as T
}

const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '')

describe.skipIf(!kernel.glasswing)('the counterfactual view in JupyterLab (Glasswing kernel)', () => {
  it('shows a rejected applicant and each counterfactual: changed cells, immutable features held, p(good) before and after', async () => {
    const view = cell(1).locator('.gw-counterfactual.gw-cf-tabular')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(1).locator('.gw-error').count()).toBe(0)
    const result = await logged<{ validity: number; n: number; changed: string[][]; immutable: string[] }>(1)
    expect(result.n).toBeGreaterThan(0)
    expect(result.immutable[0]).toBe('age')
    expect(result.immutable.slice(1).every((n) => n.startsWith('foreign_worker='))).toBe(true)
    expect(plain(await view.locator('.gw-cf-title').textContent())).toBe(
      `${result.n} of 3 counterfactuals reach p(good) ≥ 0.5 (from ${plain(await view.locator('tfoot .gw-cf-prediction td').first().textContent())})`,
    )
    expect(await view.locator('[data-metric="validity"] .gw-cf-metric-value').textContent()).toBe(
      result.validity.toFixed(2),
    )
    // Only changed features, by default: one row per feature some counterfactual changes.
    const union = [...new Set(result.changed.flat())]
    const shownNames = async () =>
      (await view.locator('tbody .gw-cf-name').allTextContents()).map((n) =>
        plain(n).replace(/immutable$/, ''),
      )
    expect(await view.locator('.gw-cf-only-changed input').isChecked()).toBe(true)
    expect((await shownNames()).sort()).toEqual([...union].sort())
    for (let k = 0; k < result.n; k++) {
      const cells = view.locator(`td.gw-cf-changed[data-k="${k}"]`)
      expect(await cells.count()).toBe(result.changed[k]!.length)
    }
    // Every counterfactual reaches p(good) >= 0.5 and says by how much it moved.
    const predictions = await view.locator('tfoot .gw-cf-prediction td').allTextContents()
    expect(predictions).toHaveLength(result.n + 1)
    for (const text of predictions.slice(1)) {
      const [after, delta] = text
        .match(/^([\d.]+) \(\+([\d.]+)\)$/)!
        .slice(1)
        .map(Number)
      expect(after).toBeGreaterThanOrEqual(0.5 - 1e-3)
      expect(delta).toBeGreaterThan(0)
    }
    // Hover a changed cell: its name, original -> new value.
    const changed = view.locator('td.gw-cf-changed[data-k="0"]').first()
    await changed.hover()
    const tooltip = view.locator('.gw-cf-tooltip')
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(plain(await tooltip.textContent())).toMatch(
      new RegExp(
        `^(${result.changed[0]!.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}): \\S+ → \\S+ \\([+-]\\S+\\) in counterfactual 1$`,
      ),
    )
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'counterfactual-credit.png') })
    // All features: the immutable ones are marked, and no counterfactual changed them.
    await view.locator('.gw-cf-only-changed input').uncheck()
    expect(await view.locator('tbody .gw-cf-row').count()).toBe(63)
    const held = view.locator('tbody .gw-cf-row-immutable')
    expect(await held.count()).toBe(result.immutable.length)
    expect(await held.locator('.gw-cf-immutable').count()).toBe(result.immutable.length)
    expect(await held.locator('td.gw-cf-changed').count()).toBe(0)
    expect(plain(await view.locator('.gw-cf-immutable-list').textContent())).toBe(
      `Immutable (held as they are): ${result.immutable.join(', ')}`,
    )
    await held.first().scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'counterfactual-credit-all.png') })
  })

  it('says why when none was found: the reason, no counterfactual column, the toggle off', async () => {
    const view = cell(2).locator('.gw-counterfactual.gw-cf-tabular')
    await view.waitFor({ timeout: 120_000 })
    expect(plain(await view.locator('.gw-cf-title').textContent())).toMatch(
      /^No counterfactual reaches p\(good\) ≥ 0\.5/,
    )
    expect(plain(await view.locator('.gw-cf-reason').textContent())).toMatch(
      /^Why none was found: the target is unreachable within the permitted ranges/,
    )
    expect(await view.locator('thead th').count()).toBe(2) // feature, original
    expect(await view.locator('.gw-cf-only-changed input').isDisabled()).toBe(true)
    expect(await view.locator('[data-metric="proximity"] .gw-cf-metric-value').textContent()).toBe('n/a')
    await view.scrollIntoViewIfNeeded()
    await view.locator('.gw-cf-head').screenshot({ path: join(SCREENSHOTS, 'counterfactual-none.png') })
  })

  it('draws a digit, its counterfactual and their difference from the arrays; the changed pixels are counted and hovered', async () => {
    await cell(3).scrollIntoViewIfNeeded()
    const view = cell(3).locator('.gw-counterfactual.gw-cf-image')
    await view.waitFor({ timeout: 50_000 })
    expect(await cell(3).locator('.gw-error').count()).toBe(0)
    const result = await logged<{
      target: number
      changed: number
      first: number
      before: number
      after: number
    }>(3)
    expect(result.changed).toBeGreaterThan(0)
    expect(result.changed).toBeLessThan(784 / 4) // a sparse edit, not a new digit
    expect(await view.locator('canvas.gw-cf-picture').count()).toBe(3)
    expect(plain(await view.locator('.gw-cf-panel-difference figcaption').textContent())).toBe(
      `difference · ${result.changed} of 784 pixels changed`,
    )
    expect(plain(await view.locator('.gw-cf-panel-counterfactual figcaption').textContent())).toMatch(
      new RegExp(`^counterfactual 1 · p\\(${result.target}\\) 0\\.[5-9]\\d\\d$`),
    )
    // Count the tinted pixels of the difference picture itself: one per changed pixel.
    const tinted = await view
      .locator('.gw-cf-panel-difference canvas')
      .evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let count = 0
        for (let p = 0; p < data.length; p += 4)
          if (data[p] !== 255 || data[p + 1] !== 255 || data[p + 2] !== 255) count++
        return count
      })
    expect(tinted).toBe(result.changed)
    // Hover the first changed pixel on the counterfactual: its row, column and values.
    await view.scrollIntoViewIfNeeded()
    const box = (await view.locator('.gw-cf-panel-counterfactual canvas').boundingBox())!
    const [row, column] = [Math.floor(result.first / 28), result.first % 28]
    await page.mouse.move(box.x + ((column + 0.5) * box.width) / 28, box.y + ((row + 0.5) * box.height) / 28)
    const tooltip = view.locator('.gw-cf-tooltip')
    await expect.poll(() => tooltip.isVisible()).toBe(true)
    expect(await tooltip.textContent()).toMatch(
      new RegExp(`^pixel \\(row ${row}, column ${column}\\): \\S+ → \\S+$`),
    )
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'counterfactual-digit.png') })
  })
})
