/**
 * The attention view in JupyterLab and Chromium with real results of the Glasswing kernel: the shipped
 * induction transformer on repeated random tokens (its induction head found from the scores, clicked,
 * hovered on a repeated token) and the shipped sentiment transformer on two sentences (rollout and flow
 * carried, a word hovered, the rollout enlarged). Screenshots: .cache/screenshots/attention-*.png.
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

const MODELS = join(ROOT, 'notebooks', 'models')

beforeAll(async () => {
  if (!kernel.glasswing) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  lab = await startLab()
  log('lab started')
  const cells = [
    [
      "import { readFileSync } from 'node:fs'",
      `const induction = await gw.load(${JSON.stringify(join(MODELS, 'induction-transformer'))})`,
      `const config = JSON.parse(readFileSync(${JSON.stringify(join(MODELS, 'induction-transformer', 'transformer.json'))}, 'utf8'))`,
      'const task = gw.transformer.repeatedTokens(32, { vocabularySize: config.vocabularySize, half: config.half, minRepeat: config.minRepeat, seed: 13 })',
      'const first = Array.from(task.tokens.slice([0, 0], [1, -1]).dataSync())',
      `const sentiment = await gw.load(${JSON.stringify(join(MODELS, 'sentiment-transformer'))})`,
      `const vocabulary = gw.datasets.Vocabulary.fromJSON(JSON.parse(readFileSync(${JSON.stringify(join(MODELS, 'sentiment-transformer', 'vocabulary.json'))}, 'utf8')))`,
      "const sentences = ['The food was great and the service friendly.', 'I would not recommend this phone.']",
      'const ids = gw.transformer.encodeSentences(vocabulary, sentences, 32)',
      "const words = gw.transformer.sentenceTokens(sentences, 32).map((w) => Array.from({ length: 32 }, (_, i) => w[i] ?? '·'))",
      'console.log(JSON.stringify(first))',
    ].join('\n'),
    'await gw.transformer.attention(induction, task.tokens)',
    'await gw.transformer.attention(sentiment, ids, { labels: words })',
  ]
  page = await openNotebook(lab, 'attention.ipynb', cells, kernel)
}, 300_000)

afterAll(async () => {
  await lab?.stop()
})

function cell(n: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(n)
}

const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '')

describe.skipIf(!kernel.glasswing)('the attention view in JupyterLab (Glasswing kernel)', () => {
  it('finds the induction head of the induction transformer: click it, hover a repeated token, switch layer', async () => {
    const view = cell(1).locator('.gw-attention')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(1).locator('.gw-error, .gw-notice').count()).toBe(0)
    expect(plain(await view.locator('.gw-attention-title').textContent())).toBe(
      'Attention of example 0 (17 tokens, 2 layers x 2 heads)',
    )
    expect(await view.locator('.gw-attention-thumb').count()).toBe(5) // 2 x 2 heads and the rollout
    const first = JSON.parse(
      (await cell(0).locator('.jp-OutputArea').textContent())!.trim().split('\n').at(-1)!,
    ) as number[]
    // The top head by induction score, as the view ranks it.
    const top = plain(await view.locator('.gw-attention-top').textContent())
    const match = /^induction \(.*\): L(\d)H(\d) ([\d.]+)/.exec(top)
    expect(match, top).not.toBeNull()
    const [layer, head, score] = [Number(match![1]), Number(match![2]), Number(match![3])]
    expect(score).toBeGreaterThan(0.4)
    await view.locator(`.gw-attention-thumb[data-layer="${layer}"][data-head="${head}"]`).click()
    expect(await view.locator('.gw-attention-thumb.gw-attention-selected').getAttribute('data-head')).toBe(
      String(head),
    )
    expect(plain(await view.locator('.gw-attention-detail-title').textContent())).toMatch(
      new RegExp(`^L${layer}H${head} · induction`),
    )
    expect(await view.locator('select.gw-attention-layer').inputValue()).toBe(String(layer))
    // A token of the second half: [BOS, a_1..a_8, a_1..a_8]; a_3's second copy is at 11, its first at 3,
    // so an induction head attends from 11 to 4 (the token after the earlier copy).
    const query = 11
    expect(first[query]).toBe(first[query - 8])
    await view.locator(`.gw-attention-tokens .gw-attention-token[data-position="${query}"]`).hover()
    const readout = view.locator('.gw-attention-token-readout')
    await expect.poll(async () => plain(await readout.textContent())).toMatch(/^most attended: /)
    expect(plain(await readout.textContent())).toMatch(
      new RegExp(`^most attended: ${first[query - 7]} \\(4\\)`),
    )
    expect(plain(await view.locator('.gw-attention-tokens-title').textContent())).toBe(
      `L${layer}H${head}: where ${first[query]} (${query}) attends`,
    )
    // The strongest token is shaded darkest (white text).
    const colour = await view
      .locator('.gw-attention-tokens .gw-attention-token[data-position="4"]')
      .evaluate((node) => getComputedStyle(node).color)
    expect(colour).toBe('rgb(255, 255, 255)')
    // Hover the enlarged pattern: the read-out names the query and key under the pointer.
    const box = (await view.locator('canvas.gw-attention-overlay').boundingBox())!
    await page.mouse.move(box.x + (4.5 * box.width) / 17, box.y + (11.5 * box.height) / 17)
    await expect
      .poll(async () => plain(await view.locator('.gw-attention-readout').textContent()))
      .toMatch(
        new RegExp(`^L${layer}H${head}: query ${first[11]} \\(11\\) → key ${first[4]} \\(4\\): 0\\.\\d+`),
      )
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'attention-induction.png') })
    // Switch layer: the other layer's same head is enlarged and the token shading follows.
    const other = 1 - layer
    await view.locator('select.gw-attention-layer').selectOption(String(other))
    expect(plain(await view.locator('.gw-attention-detail-title').textContent())).toMatch(
      new RegExp(`^L${other}H${head}`),
    )
    expect(plain(await view.locator('.gw-attention-tokens-title').textContent())).toMatch(
      new RegExp(`^L${other}H${head}: where`),
    )
  })

  it('shows the sentiment transformer with rollout and flow; hover a word, enlarge the rollout', async () => {
    const view = cell(2).locator('.gw-attention')
    await view.waitFor({ timeout: 120_000 })
    expect(await cell(2).locator('.gw-error, .gw-notice').count()).toBe(0)
    expect(plain(await view.locator('.gw-attention-title').textContent())).toBe(
      'Attention of example 0 (32 tokens, 1 layer x 2 heads)',
    )
    const tokens = (await view.locator('.gw-attention-tokens .gw-attention-token').allTextContents()).map(
      plain,
    )
    expect(tokens.slice(0, 5)).toEqual(['the', 'food', 'was', 'great', 'and'])
    // Flow to the last word (padding after it is left out).
    expect(plain(await view.locator('.gw-attention-flow-title').textContent())).toMatch(
      /^Attention flow to output position friendly \(7\)/,
    )
    expect(await view.locator('.gw-attention-flow .gw-attention-token').count()).toBe(32)
    await view.locator('.gw-attention-thumb[data-layer="0"][data-head="1"]').click()
    await view.locator('.gw-attention-tokens .gw-attention-token[data-position="3"]').hover()
    const readout = plain(await view.locator('.gw-attention-token-readout').textContent())
    // A padding key is masked: the most attended words are words of the sentence.
    const best = /^most attended: (.+?) \((\d+)\)/.exec(readout)
    expect(best, readout).not.toBeNull()
    expect(Number(best![2])).toBeLessThan(9)
    // What attends to 'great'.
    await view.locator('select.gw-attention-direction').selectOption('to')
    expect(plain(await view.locator('.gw-attention-tokens-title').textContent())).toBe(
      'L0H1: what attends to great (3)',
    )
    await view.locator('.gw-attention-thumb[data-rollout]').click()
    expect(plain(await view.locator('.gw-attention-detail-title').textContent())).toBe(
      'Rollout (heads mean, with the residual, from layer 0)',
    )
    expect(await view.locator('select.gw-attention-head').isDisabled()).toBe(true)
    await view.scrollIntoViewIfNeeded()
    await view.screenshot({ path: join(SCREENSHOTS, 'attention-sentiment.png') })
  })
})
