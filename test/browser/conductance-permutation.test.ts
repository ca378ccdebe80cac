/**
 * The newer Captum methods on the path a user takes: computed in the Glasswing kernel in JupyterLab and
 * drawn by the existing views in Chromium. Feature permutation of the credit MLP over 200 applicants
 * (20 attributes, one-hot columns grouped) in the features view; neuron conductance and layer
 * conductance of MNIST digits in the saliency view (the unit conv2d_2[4, 6, 7] is active on two of the four
 * digits; flow reaches the output only where the max pool after it picks it). Needs the Glasswing kernel (skipped on ipykernel).
 * Screenshots: .cache/screenshots/feature-permutation-credit.png, neuron-conductance.png,
 * layer-conductance.png.
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
      "import * as tf from '@tensorflow/tfjs'",
      `const credit = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'credit-mlp'))})`,
      "const test = await gw.datasets.creditG({ split: 'test' })",
      "const groups = tf.tensor1d(test.encoding.attributeOfColumn, 'int32')",
      `const mnist = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))})`,
      "const digits = (await gw.datasets.mnist({ split: 'test', limit: 4 })).images",
      "console.log('ready')",
    ].join('\n'),
    [
      'await gw.explain(credit, test.features.slice([0], [200]), {',
      "  method: 'feature-permutation', segments: { method: 'mask', mask: groups },",
      "  featureNames: test.table.columns, target: 'bad', seed: 1,",
      '})',
    ].join('\n'),
    "await gw.explain(mnist, digits, { method: 'neuron-conductance', through: { layer: 'conv2d_2', index: [4, 6, 7] }, steps: 32 })",
    "await gw.explain(mnist, digits, { method: 'layer-conductance', layer: 'conv2d_1', steps: 32 })",
  ]
  page = await openNotebook(lab, 'conductance-permutation.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

describe.skipIf(!kernel.glasswing)(
  'conductance and feature permutation in JupyterLab (Glasswing kernel)',
  () => {
    it('draws feature permutation of 200 applicants as bars of the 20 attributes', async () => {
      const view = cell(1).locator('.gw-features')
      await view.waitFor({ timeout: 60_000 })
      expect(await cell(1).locator('.gw-error').count()).toBe(0)
      const text = (await view.textContent()) ?? ''
      expect(text).toMatch(/feature-permutation · P\(bad\)/)
      // Each applicant's drops, and their spread over all 200: the permutation importance at a glance.
      expect(text).toMatch(/Global importance over 200 examples/)
      expect(text).toMatch(/checking_status/)
      expect(await view.locator('svg rect').count()).toBeGreaterThan(5)
      await view.scrollIntoViewIfNeeded()
      await view.screenshot({ path: join(SCREENSHOTS, 'feature-permutation-credit.png') })
    })

    it.each([
      [2, 'neuron-conductance', /neuron-conductance · 4 inputs/],
      [3, 'layer-conductance', /layer-conductance · 4 inputs/],
    ] as const)('draws %s of four digits in the saliency view', async (index, name, title) => {
      const view = cell(index).locator('.gw-saliency')
      await view.waitFor({ timeout: 60_000 })
      expect(await cell(index).locator('.gw-error').count()).toBe(0)
      expect(await view.locator('canvas.gw-overlay').count()).toBeGreaterThanOrEqual(4)
      expect((await view.textContent()) ?? '').toMatch(title)
      await view.scrollIntoViewIfNeeded()
      await view.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
    })
  },
)
