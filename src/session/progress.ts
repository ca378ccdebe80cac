/**
 * `gw.progress`: a progress bar for long operations, with rate and ETA. In a notebook it is one output
 * (HTML and text) updated in place; in plain Node it is text on stderr. Each step checks for an
 * interrupt, so an operation that reports progress stops within one step when the user interrupts.
 */
import { sessionState, type SessionHooks } from './hooks'
import { interruptedError, interruptRequested } from './interrupt'

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Total number of steps; omit when unknown (then no percentage or ETA is shown). */
  total?: number
  /** What is progressing, shown before the bar. */
  label?: string
  /** The unit of a step, shown in the rate (`it/s` by default). */
  unit?: string
  /** Least seconds between two redraws (0.1 by default); the last state always shows. */
  minInterval?: number
  /** Hooks to draw with; the session's by default (tests pass their own). */
  hooks?: SessionHooks
}

/** A running progress bar. */
export interface ProgressBar {
  /** Steps done so far. */
  readonly done: number
  /** Advances by `steps` (1 by default); throws if the user interrupted. */
  tick(steps?: number): void
  /** Sets the number of steps done. */
  set(done: number): void
  /** Draws the final state. */
  finish(): void
}

/** What a bar shows at one moment, used by both renderings. */
export interface ProgressSnapshot {
  label: string
  done: number
  total: number | undefined
  elapsed: number
  unit: string
  finished: boolean
}

/**
 * Starts a progress bar.
 *
 * @example
 * const bar = gw.progress({ total: steps, label: 'Integrated gradients' })
 * for (let i = 0; i < steps; i++) { work(i); bar.tick() }
 * bar.finish()
 */
export function progress(options: ProgressOptions = {}): ProgressBar {
  const hooks = options.hooks ?? sessionState().hooks
  const started = hooks.now()
  const minInterval = options.minInterval ?? 0.1
  const displayId = `glasswing-progress-${process.pid}-${Math.random().toString(36).slice(2)}`
  let done = 0
  let lastDraw = -Infinity
  let shown = false
  let finished = false

  const draw = (force: boolean): void => {
    const now = hooks.now()
    if (!force && now - lastDraw < minInterval) return
    lastDraw = now
    const snapshot: ProgressSnapshot = {
      label: options.label ?? '',
      done,
      total: options.total,
      elapsed: now - started,
      unit: options.unit ?? 'it',
      finished,
    }
    const text = progressText(snapshot)
    if (hooks.richDisplay) {
      const bundle = { 'text/plain': text, 'text/html': progressHtml(snapshot) }
      hooks.display({ bundle, metadata: {}, displayId, update: shown })
      shown = true
    } else {
      hooks.writeProgressText(text, finished)
    }
  }
  const checkInterrupt = (): void => {
    if (interruptRequested(hooks)) {
      const where = options.label ? `gw.progress (${options.label})` : 'gw.progress'
      throw interruptedError(where, { done, total: options.total, unit: 'steps' })
    }
  }

  draw(true)
  return {
    get done() {
      return done
    },
    tick(steps = 1) {
      checkInterrupt()
      done += steps
      draw(options.total !== undefined && done >= options.total)
    },
    set(value) {
      checkInterrupt()
      done = value
      draw(false)
    },
    finish() {
      if (finished) return
      finished = true
      draw(true)
    },
  }
}

/**
 * The text rendering: `label  42% |████▏     | 42/100 [00:03<00:04, 12.3 it/s]`.
 *
 * @example
 * progressText({ label: 'IG', done: 5, total: 10, elapsed: 1, unit: 'it', finished: false })
 */
export function progressText(s: ProgressSnapshot): string {
  const rate = s.elapsed > 0 ? s.done / s.elapsed : 0
  const rateText =
    rate > 0 ? `${rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3)} ${s.unit}/s` : `? ${s.unit}/s`
  const prefix = s.label ? `${s.label} ` : ''
  if (s.total === undefined || s.total <= 0) {
    return `${prefix}${s.done} ${s.unit} [${clock(s.elapsed)}, ${rateText}]`
  }
  const fraction = Math.min(1, s.done / s.total)
  const width = 20
  const filled = Math.floor(fraction * width)
  const bar = '█'.repeat(filled) + ' '.repeat(width - filled)
  const remaining = rate > 0 ? (s.total - s.done) / rate : NaN
  const eta = Number.isFinite(remaining) ? clock(Math.max(0, remaining)) : '?'
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
  return `${prefix}${percent} |${bar}| ${s.done}/${s.total} [${clock(s.elapsed)}<${eta}, ${rateText}]`
}

/** The HTML rendering: a native `<progress>` element and the same numbers; every string escaped. */
export function progressHtml(s: ProgressSnapshot): string {
  const text = escapeHtml(progressText({ ...s, label: '' }))
  const label = s.label ? `<span style="margin-right:0.5em">${escapeHtml(s.label)}</span>` : ''
  const value = s.total !== undefined ? ` value="${s.done}" max="${s.total}"` : ''
  return `<div class="glasswing-progress" style="font-family:monospace">${label}<progress${value} style="width:16em;vertical-align:middle"></progress> <span>${text}</span></div>`
}

function clock(seconds: number): string {
  const total = Math.round(seconds)
  const hours = Math.floor(total / 3600)
  const minutes = String(Math.floor((total % 3600) / 60)).padStart(2, '0')
  const secs = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${minutes}:${secs}` : `${minutes}:${secs}`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
