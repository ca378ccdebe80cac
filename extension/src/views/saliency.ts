/**
 * Saliency view: a methods x inputs grid of inputs with attribution overlays; mode, target, opacity
 * and clip controls; hover read-out; click to enlarge; another target asked from the kernel.
 */
import { decodeArray } from '../../../src/display/codec'
import { zeroNonFinite } from './finite'
import type { SaliencyMode, SaliencyPayload } from '../../../src/display/schema'
import { attributionToRgba } from './colormap'
import { el, formatNumber, select, slider } from './dom'
import { displayScale, imageToCanvas, rgbaToCanvas } from './image'
import { validatePayload } from '../../../src/display/validate'
import {
  caption,
  className,
  modeOf,
  showLabel,
  describeChoice,
  held,
  indexMaps,
  kernelNote,
  mergeMaps,
  parseChoice,
  targetChoices,
  targetFor,
  type TargetChoice,
} from './saliency-model'
import { rowLabel, targetSelect } from './saliency-controls'
import type { RenderView } from './view'

interface Cell {
  input: number
  method: number
  canvas: HTMLCanvasElement
  base: HTMLCanvasElement
  heat: HTMLCanvasElement | null
  values: Float32Array | null
}

/** Draws the saliency view; see the module comment. */
export const renderSaliency: RenderView<SaliencyPayload> = async (host, initial, { document, link }) => {
  let payload = initial
  const state = {
    mode: initial.view?.mode ?? ((initial.signed ? 'signed' : 'absolute') as SaliencyMode),
    opacity: initial.view?.opacity ?? 0.6,
    clip: initial.view?.clipPercentile ?? 99,
    choice: { kind: 'rank', rank: 0 } as TargetChoice,
  }
  const root = el(document, 'div', 'gw-saliency')
  const title = payload.methods.join(' vs ')
  root.append(
    el(
      document,
      'div',
      'gw-title',
      `${title} · ${payload.inputs.length} input${payload.inputs.length === 1 ? '' : 's'}`,
    ),
  )
  const controls = el(document, 'div', 'gw-controls')
  const readout = el(document, 'div', 'gw-readout', 'Hover a picture to read values; click it to enlarge.')
  const grid = el(document, 'div', 'gw-saliency-grid')
  const enlarged = el(document, 'div', 'gw-enlarged')
  root.append(controls, readout, grid, enlarged)
  host.append(root)

  const modes: SaliencyMode[] = payload.signed ? ['signed', 'absolute', 'positive', 'negative'] : ['absolute']
  controls.append(
    select(
      document,
      showLabel(payload),
      modes.map((m) => ({ value: m, text: m })),
      state.mode,
      (v) => {
        state.mode = v as SaliencyMode
        recolor()
      },
    ).root,
  )
  const targetSlot = el(document, 'span', 'gw-target')
  controls.append(targetSlot)
  const opacity = slider(document, 'Opacity', { min: 0, max: 1, step: 0.01, value: state.opacity }, (v) => {
    state.opacity = v
    redraw()
  })
  opacity.input.classList.add('gw-opacity')
  const clip = slider(
    document,
    'Clip at percentile',
    { min: 50, max: 100, step: 0.5, value: state.clip },
    (v) => {
      state.clip = v
      recolor()
    },
  )
  clip.input.classList.add('gw-clip')
  controls.append(opacity.root, clip.root)

  const cells: Cell[] = []
  const decoded = new Map<object, Float32Array>()
  const valuesOf = (map: SaliencyPayload['maps'][number]): Float32Array => {
    let values = decoded.get(map)
    if (!values) decoded.set(map, (values = zeroNonFinite(decodeArray(map.values))))
    return values
  }

  // The target selector: what the payload holds, and with a live id every other class, asked of the kernel.
  const live = link !== null && payload.displayId !== undefined
  const shown = el(document, 'div', 'gw-shown')
  const status = el(document, 'div', 'gw-status')
  // The link opens now, so that the view says at once when the kernel's engine stops.
  const stopListening = live
    ? link!.onLost((message) => {
        status.textContent = message
        status.className = 'gw-status gw-note'
      })
    : null
  if (live) link!.connect()
  root.insertBefore(shown, readout)
  root.insertBefore(status, readout)
  let asked = 0
  const valueOf = (choice: TargetChoice): string =>
    choice.kind === 'class'
      ? `class:${choice.target}`
      : choice.kind === 'label'
        ? 'label'
        : `rank:${choice.rank}`
  const buildTargets = (): void => {
    const choices = targetChoices(payload, live)
    if (!choices.some((choice) => choice.value === valueOf(state.choice)))
      state.choice = parseChoice(choices[0]!.value)
    const picker = targetSelect(
      document,
      choices,
      valueOf(state.choice),
      (value) => void choose(parseChoice(value)),
    )
    targetSlot.replaceChildren(picker.root)
    shown.textContent = `Showing ${describeChoice(payload, state.choice)}.`
  }
  const choose = async (choice: TargetChoice): Promise<void> => {
    const request = ++asked
    if (held(payload, choice) || choice.kind !== 'class' || !live) {
      status.textContent = ''
      state.choice = choice
      buildTargets()
      recolor()
      return
    }
    const target = choice.target
    status.textContent = `Asking the kernel for class ${className(payload, target)}...`
    status.className = 'gw-status gw-busy'
    const started = performance.now()
    const reply = await link!.request({
      type: 'explain',
      requestId: `${payload.displayId}/${target}/${request}`,
      displayId: payload.displayId!,
      target,
    })
    const merged =
      reply.type === 'explained' ? validatePayload('saliency', mergeMaps(payload, reply.maps)) : null
    // Maps that arrive are kept even when the user has moved on: picking that class again is then instant.
    if (merged?.ok) payload = merged.payload
    if (request !== asked) return
    status.className = 'gw-status'
    if (merged?.ok && held(payload, choice)) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      status.textContent = `class ${className(payload, target)} computed by the kernel in ${seconds} s.`
      state.choice = choice
    } else {
      const reason =
        reply.type === 'error'
          ? reply.message
          : merged && !merged.ok
            ? `the kernel's maps are not valid (${merged.errors[0]})`
            : 'the kernel sent no map for it'
      status.textContent = kernelNote(payload, target, reason)
      status.className = 'gw-status gw-note'
    }
    buildTargets()
    recolor()
  }

  const draw = (cell: Cell): void => {
    const context = cell.canvas.getContext('2d')
    if (!context) return
    context.imageSmoothingEnabled = cell.canvas.width % cell.base.width !== 0
    context.clearRect(0, 0, cell.canvas.width, cell.canvas.height)
    context.globalAlpha = 1
    context.drawImage(cell.base, 0, 0, cell.canvas.width, cell.canvas.height)
    if (cell.heat) {
      // A veil dims the input under the overlay (as far as the opacity asks), so that colours read even
      // over white ink.
      context.fillStyle = `rgba(0, 0, 0, ${0.5 * state.opacity})`
      context.fillRect(0, 0, cell.canvas.width, cell.canvas.height)
      context.globalAlpha = state.opacity
      context.drawImage(cell.heat, 0, 0, cell.canvas.width, cell.canvas.height)
      context.globalAlpha = 1
    }
  }
  let enlargedCell: Cell | null = null
  const redraw = (): void => {
    cells.forEach(draw)
    if (enlargedCell) draw(enlargedCell)
  }
  const recolor = (): void => {
    const index = indexMaps(payload.maps)
    for (const cell of cells) {
      const target = targetFor(payload, cell.input, state.choice)
      const map = target === null ? undefined : index.get(`${cell.input}/${cell.method}/${target}`)
      cell.values = map ? valuesOf(map) : null
      cell.heat = cell.values
        ? rgbaToCanvas(
            attributionToRgba(cell.values, {
              mode: modeOf(payload, cell.method, state.mode),
              clipPercentile: state.clip,
            }),
            cell.base.width,
            cell.base.height,
            document,
          )
        : null
      cell.canvas.title = map ? `explains class ${className(payload, target)}` : 'no map for this target'
    }
    if (enlargedCell) {
      const source = cells.find((c) => c.input === enlargedCell!.input && c.method === enlargedCell!.method)!
      enlargedCell = { ...source, canvas: enlargedCell.canvas }
    }
    redraw()
  }

  const bases = await Promise.all(payload.inputs.map((input) => imageToCanvas(input.image, document)))
  // One method wraps its inputs over rows; a comparison keeps methods as rows and scrolls sideways.
  grid.style.gridTemplateColumns =
    payload.methods.length > 1
      ? `max-content repeat(${payload.inputs.length}, max-content)`
      : 'repeat(auto-fill, minmax(max-content, 124px))'
  payload.methods.forEach((_, m) => {
    if (payload.methods.length > 1) grid.append(rowLabel(document, payload, m))
    payload.inputs.forEach((input, i) => {
      const figure = el(document, 'figure', 'gw-cell')
      const scale = displayScale(input.image.width)
      const canvas = el(document, 'canvas', 'gw-overlay')
      canvas.width = Math.round(input.image.width * scale)
      canvas.height = Math.round(input.image.height * scale)
      const cell: Cell = { input: i, method: m, canvas, base: bases[i]!, heat: null, values: null }
      canvas.addEventListener('mousemove', (event) => hover(cell, event))
      canvas.addEventListener('click', () => enlarge(cell))
      figure.append(canvas)
      if (m === payload.methods.length - 1) {
        const { text, wrong } = caption(payload, i)
        figure.append(el(document, 'figcaption', wrong ? 'gw-wrong' : '', text))
      }
      grid.append(figure)
      cells.push(cell)
    })
  })

  const hover = (cell: Cell, event: MouseEvent): void => {
    const rect = cell.canvas.getBoundingClientRect()
    const width = cell.base.width
    const x = Math.min(width - 1, Math.floor(((event.clientX - rect.left) / rect.width) * width))
    const y = Math.min(
      cell.base.height - 1,
      Math.floor(((event.clientY - rect.top) / rect.height) * cell.base.height),
    )
    const pixel = cell.base.getContext('2d')?.getImageData(x, y, 1, 1).data
    const value = cell.values ? formatNumber(cell.values[y * width + x]!) : 'none'
    const rgb = pixel
      ? pixel[0] === pixel[1] && pixel[1] === pixel[2]
        ? `${pixel[0]}`
        : `${pixel[0]},${pixel[1]},${pixel[2]}`
      : '?'
    readout.textContent = `${payload.methods[cell.method]} · input ${cell.input} · (${x}, ${y}) · pixel ${rgb} · attribution ${value}`
  }

  const enlarge = (cell: Cell): void => {
    if (enlarged.dataset.cell === `${cell.input}/${cell.method}`) {
      enlarged.replaceChildren()
      delete enlarged.dataset.cell
      enlargedCell = null
      return
    }
    enlarged.dataset.cell = `${cell.input}/${cell.method}`
    const big = el(document, 'canvas', 'gw-overlay gw-big')
    const scale = Math.max(1, Math.floor(448 / cell.base.width))
    big.width = cell.base.width * scale
    big.height = cell.base.height * scale
    const bigCell: Cell = { ...cell, canvas: big }
    enlargedCell = bigCell
    draw(bigCell)
    big.addEventListener('mousemove', (event) => hover(bigCell, event))
    big.addEventListener('click', () => enlarge(cell))
    const { text } = caption(payload, cell.input)
    enlarged.replaceChildren(
      big,
      el(document, 'div', 'gw-caption', `${payload.methods[cell.method]} · input ${cell.input} · ${text}`),
    )
  }

  buildTargets()
  recolor()
  return {
    dispose: () => {
      stopListening?.()
      root.remove()
    },
  }
}
