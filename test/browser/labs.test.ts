/**
 * The labs as a user meets them: each of labs 1, 3, 4 and 5 copied into a real JupyterLab, run with Run
 * All on the Glasswing kernel, then its views checked for what the issue of the labs' pictures named and
 * a full-page screenshot saved (.cache/screenshots/lab-<name>.png) for a person to look at.
 */
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { chooseKernel } from './notebook'
import { log, ROOT, runNotebookFile, SCREENSHOTS, startLab, type Lab } from './lab'

const kernel = chooseKernel()
let lab: Lab

/** Copies a lab beside the models it loads, runs it with Run All, and saves a full-page screenshot. */
async function runLab(file: string): Promise<Page> {
  copyFileSync(join(ROOT, 'notebooks', file), join(lab.dir, file))
  const started = Date.now()
  const page = await runNotebookFile(lab, file, 540_000)
  log(`${file} ran in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  await page.screenshot({ path: join(SCREENSHOTS, `lab-${file.replace('.ipynb', '')}.png`), fullPage: true })
  return page
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  symlinkSync(join(ROOT, 'notebooks', 'models'), join(lab.dir, 'models'))
}, 120_000)

afterAll(async () => {
  await lab?.stop()
})

describe.skipIf(!kernel.glasswing)('the labs after Run All in JupyterLab', () => {
  for (const file of [
    '01-quickstart.ipynb',
    '03-validate.ipynb',
    '04-neurons.ipynb',
    '05-credit-scoring.ipynb',
  ])
    it(`runs ${file}`, async () => {
      const page = await runLab(file)
      await page.close()
    }, 600_000)
})
