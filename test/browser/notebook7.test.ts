/**
 * The same prebuilt extension in Notebook 7 (`jupyter notebook`): the server lists it among its
 * federated extensions, and a notebook run on the Glasswing kernel draws a real saliency result and a
 * real embedding of MNIST (on ipykernel, the same views from sample payloads). Screenshots go to
 * .cache/screenshots.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddingPayload, saliencyPayload } from '../unit/extension/fixtures'
import { log, openNotebook, ROOT, SCREENSHOTS, startNotebook7, type Lab } from './lab'
import { chooseKernel, setupCell, showCell, writePayload } from './notebook'

const kernel = chooseKernel()
let server: Lab
let page: Page

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  server = await startNotebook7()
  log('notebook 7 started')
  const cells = kernel.glasswing
    ? [
        [
          `const model = await gw.load(${JSON.stringify(join(ROOT, 'notebooks', 'models', 'mnist-cnn'))})`,
          "const { images, labels } = await gw.datasets.mnist({ split: 'test', limit: 200 })",
          "console.log('ready')",
        ].join('\n'),
        "await gw.explain(model, images.slice([0], [4]), { method: 'integrated-gradients', steps: 16 })",
        "await gw.embed(model, images, { layer: 'dense_1', method: 'pca', labels })",
      ]
    : [
        setupCell(kernel),
        showCell(kernel, 'saliency.json', 'saliency'),
        showCell(kernel, 'embedding.json', 'embedding'),
      ]
  if (!kernel.glasswing) {
    writePayload(server.dir, 'saliency.json', saliencyPayload({ count: 4, targets: 2 }))
    writePayload(server.dir, 'embedding.json', embeddingPayload({ count: 200 }))
  }
  page = await openNotebook(server, 'notebook7.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await server?.stop()
})

describe(`Glasswing views in Notebook 7 (kernel: ${kernel.name})`, () => {
  it('is among the federated extensions the Notebook 7 server loads', async () => {
    const html = await (await fetch(`${server.url}tree`)).text()
    const config = JSON.parse(/id="jupyter-config-data"[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!) as {
      appName: string
      federated_extensions: { name: string }[]
      disabledExtensions?: string[]
    }
    expect(config.appName).toMatch(/Notebook/)
    expect(config.federated_extensions.map((e) => e.name)).toContain('glasswing-extension')
    expect(config.disabledExtensions ?? []).not.toContain('glasswing-extension')
    // Notebook 7's own shell, not JupyterLab's: one notebook per page, no status bar.
    expect(await page.locator('#main-panel .jp-Notebook').count()).toBe(1)
  })

  it('draws a saliency result: a grey digit under a coloured overlay in each cell', async () => {
    const view = page.locator('.jp-Notebook .jp-Cell').nth(1).locator('.gw-saliency')
    await view.waitFor({ timeout: 60_000 })
    expect(await view.locator('canvas.gw-overlay').count()).toBe(4)
    const coloured = await view.locator('canvas.gw-overlay').evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const { width, height } = canvas as HTMLCanvasElement
        const data = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data
        let count = 0
        for (let i = 0; i < data.length; i += 4)
          if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) count++
        return count
      }),
    )
    expect(Math.min(...coloured)).toBeGreaterThan(50)
    expect(await view.locator('.gw-shown').textContent()).toBe("Showing each input's top prediction.")
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'notebook7-saliency.png') })
  })

  it('draws an embedding: every point plotted, one legend entry per class', async () => {
    const view = page.locator('.jp-Notebook .jp-Cell').nth(2).locator('.gw-embedding')
    await view.locator('.gw-plot .main-svg').first().waitFor({ timeout: 60_000 })
    const points = await view
      .locator('.gw-plot')
      .evaluate((plot) =>
        (plot as unknown as { data: { x: ArrayLike<number> }[] }).data.reduce(
          (sum, t) => sum + t.x.length,
          0,
        ),
      )
    expect(points).toBe(200)
    expect(await view.locator('.gw-legend-item').count()).toBe(10)
    // The points are drawn, not only held: the WebGL layer has pixels of more than one colour.
    const colours = await view.locator('.gw-plot canvas').evaluateAll((canvases) => {
      const seen = new Set<string>()
      for (const canvas of canvases as HTMLCanvasElement[]) {
        if (canvas.width === 0 || canvas.height === 0) continue
        const copy = document.createElement('canvas')
        copy.width = canvas.width
        copy.height = canvas.height
        const context = copy.getContext('2d')!
        context.drawImage(canvas, 0, 0)
        const data = context.getImageData(0, 0, copy.width, copy.height).data
        for (let i = 0; i < data.length; i += 16)
          if (data[i + 3]! > 0) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`)
      }
      return seen.size
    })
    expect(colours).toBeGreaterThan(5)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'notebook7-embedding.png') })
  })
})
