/**
 * Saliency view: a methods x inputs grid of inputs with attribution overlays; mode, target, opacity,
 * clip and score controls; hover read-out; click to enlarge; another target, and a quality score of the
 * maps shown, asked from the kernel. The parts: saliency-grid.ts (the overlays), saliency-targets.ts
 * (Target), saliency-score.ts (Score).
 */
import type { SaliencyMode, SaliencyPayload } from '../../../src/display/schema'
import { el, select, slider } from './dom'
import { drawGrid, type SaliencyState } from './saliency-grid'
import { showLabel } from './saliency-model'
import { scoreControl } from './saliency-score'
import { targetPicker } from './saliency-targets'
import type { RenderView } from './view'

/** Draws the saliency view; see the module comment. */
export const renderSaliency: RenderView<SaliencyPayload> = async (host, initial, { document, link }) => {
  const state: SaliencyState = {
    payload: initial,
    mode: initial.view?.mode ?? ((initial.signed ? 'signed' : 'absolute') as SaliencyMode),
    opacity: initial.view?.opacity ?? 0.6,
    clip: initial.view?.clipPercentile ?? 99,
    choice: { kind: 'rank', rank: 0 },
  }
  const count = initial.inputs.length
  const root = el(document, 'div', 'gw-saliency')
  root.append(
    el(
      document,
      'div',
      'gw-title',
      `${initial.methods.join(' vs ')} · ${count} input${count === 1 ? '' : 's'}`,
    ),
  )
  const controls = el(document, 'div', 'gw-controls')
  const shown = el(document, 'div', 'gw-shown')
  const status = el(document, 'div', 'gw-status')
  const readout = el(document, 'div', 'gw-readout', 'Hover a picture to read values; click it to enlarge.')
  const grid = el(document, 'div', 'gw-saliency-grid')
  const enlarged = el(document, 'div', 'gw-enlarged')
  root.append(controls, shown, status, readout, grid, enlarged)
  host.append(root)

  const overlays = await drawGrid(document, state, { grid, readout, enlarged })
  const modes: SaliencyMode[] = initial.signed ? ['signed', 'absolute', 'positive', 'negative'] : ['absolute']
  const show = select(
    document,
    showLabel(initial),
    modes.map((m) => ({ value: m, text: m })),
    state.mode,
    (v) => {
      state.mode = v as SaliencyMode
      overlays.recolor()
    },
  )
  const targetSlot = el(document, 'span', 'gw-target')
  const opacity = slider(document, 'Opacity', { min: 0, max: 1, step: 0.01, value: state.opacity }, (v) => {
    state.opacity = v
    overlays.redraw()
  })
  opacity.input.classList.add('gw-opacity')
  const clip = slider(
    document,
    'Clip at percentile',
    { min: 50, max: 100, step: 0.5, value: state.clip },
    (v) => {
      state.clip = v
      overlays.recolor()
    },
  )
  clip.input.classList.add('gw-clip')
  controls.append(show.root, targetSlot, opacity.root, clip.root)

  const score = scoreControl(document, state, overlays, link)
  if (score) {
    controls.append(score.root)
    root.insertBefore(score.status, readout)
  }
  const targets = targetPicker(document, state, { slot: targetSlot, shown, status }, link, () => {
    overlays.recolor()
    void score?.refresh()
  })
  // The link opens now, so that the view says at once when the kernel's engine stops.
  const live = link !== null && initial.displayId !== undefined
  const stopListening = live
    ? link!.onLost((message) => {
        status.textContent = message
        status.className = 'gw-status gw-note'
      })
    : null
  if (live) link!.connect()

  targets.build()
  overlays.recolor()
  return {
    dispose: () => {
      stopListening?.()
      root.remove()
    },
  }
}
