/**
 * A job's live progress in the notebook: shards done, failed and running, examples per second and the
 * ETA, as one output updated in place (HTML with a `<progress>` bar, and text); text on stderr in Node.
 */
import { escapeHtml } from '../display/bundle'
import { sessionState } from '../session/hooks'
import type { JobStatus } from './handle'

/** One line of text for a job's status. */
export function jobStatusText(s: JobStatus): string {
  const clock = (seconds: number) => {
    const total = Math.round(seconds)
    return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
  }
  const failures = s.failures.length
  const parts = [
    `job ${s.name} (${s.runner}): ${s.done}/${s.shards} shards done`,
    `${s.running} running`,
    `${s.failed} failed${failures > 0 ? ` (${failures} failed attempt${failures === 1 ? '' : 's'}, retried)` : ''}`,
    `${s.examplesDone.toLocaleString('en')}/${s.examples.toLocaleString('en')} examples`,
    `${s.throughput > 0 ? s.throughput.toFixed(0) : '?'} examples/s`,
    `${clock(s.elapsed)} elapsed${s.eta !== null ? `, ETA ${clock(s.eta)}` : ''}`,
  ]
  if (s.skipped > 0) parts.splice(1, 0, `${s.skipped} found done`)
  return parts.join(' · ')
}

/** The HTML form: a bar of shards done and the same text, every string escaped. */
export function jobStatusHtml(s: JobStatus): string {
  return `<div class="glasswing-job-progress" style="font-family:monospace"><progress value="${s.done}" max="${s.shards}" style="width:16em;vertical-align:middle"></progress> <span>${escapeHtml(jobStatusText(s))}</span></div>`
}

/** Draws a job's status now and on each `update`, at most every `minInterval` seconds until the last. */
export function jobProgress(status: () => JobStatus, minInterval = 0.25) {
  const hooks = sessionState().hooks
  const displayId = `glasswing-job-${process.pid}-${Math.random().toString(36).slice(2)}`
  let shown = false
  let last = -Infinity
  const draw = (final: boolean) => {
    const now = hooks.now()
    if (!final && now - last < minInterval) return
    last = now
    const s = status()
    if (hooks.richDisplay) {
      const bundle = { 'text/plain': jobStatusText(s), 'text/html': jobStatusHtml(s) }
      hooks.display({ bundle, metadata: {}, displayId, update: shown })
      shown = true
    } else {
      hooks.writeProgressText(jobStatusText(s), final)
    }
  }
  draw(false)
  return { update: () => draw(false), finish: () => draw(true) }
}
