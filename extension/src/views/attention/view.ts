/**
 * The attention view: a layers x heads grid of small patterns (max-pooled, one colour scale), one
 * pattern enlarged (click a thumbnail, or pick a layer and head), drawn only when chosen; the tokens of
 * the example, shaded on hover by where the hovered token attends (or what attends to it); the rollout
 * as one more pattern and the flow as shaded tokens when the result carries them; the per-head scores
 * under the thumbnails and the top heads by the chosen score.
 */
import type { AttentionPayload } from '../../../../src/display/schema'
import { el, formatNumber, select } from '../dom'
import type { RenderView } from '../view'
import { drawCrossHair, drawPattern, enlargedSide, ENLARGED_SIDE, shadeTokens, THUMBNAIL_CELLS } from './draw'
import {
  attentionModel,
  rankedHeads,
  scoreOf,
  selectedWeight,
  selectionName,
  strongest,
  tokenWeights,
  type AttentionModel,
  type ColourScale,
  type Selection,
} from './model'

type Direction = 'from' | 'to'

const PATTERN_HINT = 'Hover the pattern: query row, key column.'

/** A token for a sentence: quoted, its position after it. */
const named = (model: AttentionModel, position: number): string =>
  `${model.payload.tokens[position] ?? ''} (${position})`

/** The thumbnails' grid: one figure per head, a row per layer, and the rollout after them. */
function thumbnails(
  document: Document,
  model: AttentionModel,
  side: number,
  onPick: (selection: Selection) => void,
): { root: HTMLElement; figures: Map<string, HTMLElement> } {
  const root = el(document, 'div', 'gw-attention-grid')
  root.style.gridTemplateColumns = `repeat(${model.heads}, ${side + 8}px)`
  const figures = new Map<string, HTMLElement>()
  const add = (selection: Selection, caption: string) => {
    const figure = el(document, 'figure', 'gw-attention-thumb')
    if (selection.kind === 'head') {
      figure.dataset.layer = String(selection.layer)
      figure.dataset.head = String(selection.head)
    } else figure.dataset.rollout = ''
    const canvas = el(document, 'canvas', 'gw-attention-thumb-canvas')
    canvas.style.width = `${side}px`
    canvas.style.height = `${side}px`
    canvas.setAttribute('role', 'img')
    canvas.setAttribute('aria-label', `attention pattern ${caption}`)
    const label = el(document, 'figcaption', '', caption)
    const score = el(document, 'span', 'gw-attention-score')
    const bar = el(document, 'span', 'gw-attention-score-bar')
    label.append(score)
    figure.append(canvas, label, bar)
    figure.title = `${caption}: click to enlarge`
    figure.addEventListener('click', () => onPick(selection))
    figures.set(selectionName(selection), figure)
    root.append(figure)
  }
  for (let l = 0; l < model.layers; l++)
    for (let h = 0; h < model.heads; h++) add({ kind: 'head', layer: l, head: h }, `L${l}H${h}`)
  if (model.rollout) add({ kind: 'rollout' }, 'rollout')
  return { root, figures }
}

/** Draws the view. */
export const renderAttention: RenderView<AttentionPayload> = (host, payload, { document }) => {
  const model = attentionModel(payload)
  const t = model.tokens
  const ratio = () => document.defaultView?.devicePixelRatio ?? 1
  let selection: Selection = { kind: 'head', layer: 0, head: 0 }
  let scale: ColourScale = 'shared'
  let direction: Direction = 'from'
  let score = payload.scores.length > 0 ? 0 : -1
  let hovered: number | null = null

  const root = el(document, 'div', 'gw-attention')
  root.append(el(document, 'div', 'gw-attention-title', payload.title))
  const over = payload.exampleCount === 1 ? 'this example' : `all ${payload.exampleCount} examples`
  root.append(
    el(
      document,
      'div',
      'gw-attention-caption',
      `Example ${payload.example} of ${payload.exampleCount}; head scores over ${over}. ` +
        'Click a pattern to enlarge it; hover a token to see where it attends.',
    ),
  )

  // Controls: the enlarged pattern's layer and head, the colour scale, the token direction, the score.
  const controls = el(document, 'div', 'gw-controls')
  const layerOptions = Array.from({ length: model.layers }, (_, l) => ({
    value: String(l),
    text: `layer ${l}`,
  }))
  if (model.rollout) layerOptions.push({ value: 'rollout', text: 'rollout' })
  const layerSelect = select(document, 'Layer', layerOptions, '0', (value) =>
    pick(
      value === 'rollout'
        ? { kind: 'rollout' }
        : { kind: 'head', layer: Number(value), head: selection.kind === 'head' ? selection.head : 0 },
    ),
  )
  layerSelect.input.classList.add('gw-attention-layer')
  const headSelect = select(
    document,
    'Head',
    Array.from({ length: model.heads }, (_, h) => ({ value: String(h), text: `head ${h}` })),
    '0',
    (value) =>
      pick({ kind: 'head', layer: selection.kind === 'head' ? selection.layer : 0, head: Number(value) }),
  )
  headSelect.input.classList.add('gw-attention-head')
  const scaleSelect = select(
    document,
    'Colour',
    [
      { value: 'shared', text: 'weights, one scale' },
      { value: 'row', text: 'each row to its largest' },
    ],
    scale,
    (value) => {
      scale = value as ColourScale
      drawThumbnails()
      drawEnlarged()
    },
  )
  scaleSelect.input.classList.add('gw-attention-scale')
  const directionSelect = select(
    document,
    'Tokens show',
    [
      { value: 'from', text: 'where the hovered token attends' },
      { value: 'to', text: 'what attends to the hovered token' },
    ],
    direction,
    (value) => {
      direction = value as Direction
      if (hovered !== null) hover(hovered)
    },
  )
  directionSelect.input.classList.add('gw-attention-direction')
  controls.append(layerSelect.root, headSelect.root, scaleSelect.root, directionSelect.root)
  if (payload.scores.length > 0) {
    const scoreSelect = select(
      document,
      'Score',
      payload.scores.map((s, i) => ({ value: String(i), text: s.name })),
      '0',
      (value) => {
        score = Number(value)
        showScores()
      },
    )
    scoreSelect.input.classList.add('gw-attention-score-select')
    controls.append(scoreSelect.root)
  }
  root.append(controls)
  const top = el(document, 'div', 'gw-attention-top')
  root.append(top)

  // The grid and the enlarged pattern side by side (wrapping on narrow pages).
  const body = el(document, 'div', 'gw-attention-body')
  const side = model.layers * model.heads <= 8 ? 96 : 64
  const grid = thumbnails(document, model, side, (next) => pick(next))
  const detail = el(document, 'div', 'gw-attention-detail')
  const detailTitle = el(document, 'div', 'gw-attention-detail-title')
  const stage = el(document, 'div', 'gw-attention-stage')
  const enlargedSize = enlargedSide(t)
  stage.style.width = `${enlargedSize}px`
  stage.style.height = `${enlargedSize}px`
  const pattern = el(document, 'canvas', 'gw-attention-pattern')
  const overlay = el(document, 'canvas', 'gw-attention-overlay')
  for (const canvas of [pattern, overlay]) {
    canvas.style.width = `${enlargedSize}px`
    canvas.style.height = `${enlargedSize}px`
  }
  pattern.setAttribute('role', 'img')
  stage.append(pattern, overlay)
  const readout = el(document, 'div', 'gw-attention-readout', PATTERN_HINT)
  const axes = el(document, 'div', 'gw-attention-axes', 'rows: queries (top: first token) · columns: keys')
  detail.append(detailTitle, stage, axes, readout)
  body.append(grid.root, detail)
  root.append(body)

  // The tokens, shaded on hover; the flow below them when carried.
  const tokensTitle = el(document, 'div', 'gw-attention-tokens-title')
  const tokenBox = el(document, 'div', 'gw-attention-tokens')
  const spans = payload.tokens.map((token, k) => {
    const span = el(document, 'span', 'gw-attention-token', token)
    span.dataset.position = String(k)
    tokenBox.append(span)
    return span
  })
  const tokenReadout = el(document, 'div', 'gw-attention-token-readout')
  root.append(tokensTitle, tokenBox, tokenReadout)
  if (model.flow && payload.flow) {
    root.append(
      el(
        document,
        'div',
        'gw-attention-flow-title',
        `Attention flow to output position ${named(model, payload.flow.output)} from each input token ` +
          '(max-flow through every layer, heads averaged, residual added):',
      ),
    )
    const flowBox = el(document, 'div', 'gw-attention-flow')
    const flowSpans = payload.tokens.map((token, k) => {
      const span = el(document, 'span', 'gw-attention-token', token)
      span.title = `flow ${formatNumber(model.flow![k]!)}`
      flowBox.append(span)
      return span
    })
    shadeTokens(flowSpans, model.flow)
    root.append(flowBox)
  }

  function drawThumbnails(): void {
    for (const [, figure] of grid.figures) {
      const canvas = figure.querySelector('canvas')!
      const which: Selection =
        figure.dataset.rollout !== undefined
          ? { kind: 'rollout' }
          : { kind: 'head', layer: Number(figure.dataset.layer), head: Number(figure.dataset.head) }
      drawPattern(canvas, model, which, Math.min(t, THUMBNAIL_CELLS), scale)
    }
  }

  function showScores(): void {
    const values = payload.scores[score]
    let largest = 0
    for (const v of values?.values ?? []) if (v !== null && Math.abs(v) > largest) largest = Math.abs(v)
    for (const [name, figure] of grid.figures) {
      const text = figure.querySelector('.gw-attention-score') as HTMLElement
      const bar = figure.querySelector('.gw-attention-score-bar') as HTMLElement
      const match = /^L(\d+)H(\d+)$/.exec(name)
      const value = match && score >= 0 ? scoreOf(model, score, Number(match[1]), Number(match[2])) : null
      text.textContent = value === null ? '' : ` ${formatNumber(value)}`
      bar.style.width = value === null || largest === 0 ? '0' : `${(Math.abs(value) / largest) * side}px`
    }
    if (score < 0 || !values) {
      top.textContent = ''
      return
    }
    const best = rankedHeads(model, score, 3)
    top.textContent =
      `${values.name} (${values.description}): ` +
      (best.length ? best.map((b) => `L${b.layer}H${b.head} ${formatNumber(b.value)}`).join(', ') : 'none')
  }

  function drawEnlarged(): void {
    const start = performance.now()
    drawPattern(pattern, model, selection, Math.min(t, ENLARGED_SIDE), scale)
    pattern.setAttribute('aria-label', `attention pattern ${selectionName(selection)}`)
    const value =
      selection.kind === 'head' && score >= 0 ? scoreOf(model, score, selection.layer, selection.head) : null
    const rollout = payload.rollout
    detailTitle.textContent =
      selection.kind === 'rollout' && rollout
        ? `Rollout (heads ${rollout.headFusion}, ${rollout.residual ? 'with' : 'without'} the residual, from layer ${rollout.startLayer})`
        : `${selectionName(selection)}${value === null ? '' : ` · ${payload.scores[score]!.name} ${formatNumber(value)}`}`
    performance.measure('glasswing:attention:enlarge', { start, end: performance.now() })
  }

  function pick(next: Selection): void {
    selection = next
    layerSelect.input.value = next.kind === 'rollout' ? 'rollout' : String(next.layer)
    headSelect.input.disabled = next.kind === 'rollout'
    if (next.kind === 'head') headSelect.input.value = String(next.head)
    for (const [name, figure] of grid.figures)
      figure.classList.toggle('gw-attention-selected', name === selectionName(next))
    drawEnlarged()
    readout.textContent = PATTERN_HINT
    if (hovered !== null) hover(hovered)
    else tokensTitle.textContent = `Hover a token to shade the others by ${selectionName(next)}.`
  }

  function hover(position: number): void {
    const start = performance.now()
    hovered = position
    const values = tokenWeights(model, selection, position, direction)
    shadeTokens(spans, values)
    spans.forEach((span, k) => span.classList.toggle('gw-attention-hovered', k === position))
    const name = selectionName(selection)
    tokensTitle.textContent =
      direction === 'from'
        ? `${name}: where ${named(model, position)} attends`
        : `${name}: what attends to ${named(model, position)}`
    const best = strongest(values, 3)
    tokenReadout.textContent =
      (direction === 'from' ? 'most attended: ' : 'attending most: ') +
      best.map(([k, v]) => `${named(model, k)} ${formatNumber(v)}`).join(', ')
    drawCrossHair(
      overlay,
      t,
      direction === 'from' ? position : null,
      direction === 'to' ? position : null,
      ratio(),
    )
    performance.measure('glasswing:attention:hover', { start, end: performance.now() })
  }

  tokenBox.addEventListener('mouseover', (event) => {
    const target = (event.target as HTMLElement).closest?.('.gw-attention-token') as HTMLElement | null
    if (!target || target.dataset.position === undefined) return
    const position = Number(target.dataset.position)
    if (position !== hovered) hover(position)
  })
  overlay.addEventListener('mousemove', (event) => {
    const box = overlay.getBoundingClientRect()
    const query = Math.floor(((event.clientY - box.top) / box.height) * t)
    const key = Math.floor(((event.clientX - box.left) / box.width) * t)
    if (query < 0 || query >= t || key < 0 || key >= t) return
    const value = selectedWeight(model, selection, query, key)
    readout.textContent = `${selectionName(selection)}: query ${named(model, query)} → key ${named(model, key)}: ${Number.isNaN(value) ? 'no value' : formatNumber(value)}`
    drawCrossHair(overlay, t, query, key, ratio())
  })

  drawThumbnails()
  showScores()
  pick(selection)
  drawCrossHair(overlay, t, null, null, ratio())
  host.append(root)
  return { dispose: () => root.remove() }
}
