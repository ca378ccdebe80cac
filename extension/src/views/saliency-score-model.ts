/**
 * The saliency view's "Score" control, pure logic: the metrics on offer, what a request asks for, how a
 * reply is checked and shown. The kernel computes the scores (gw.evaluate's code); the view never does.
 */
import type { KernelMessage, SaliencyPayload } from '../../../src/display/schema'
import { METRICS, VIEW_METRICS } from '../../../src/quality/metrics'
import { targetFor, type TargetChoice } from './saliency-model'

/** The "Score" options: none, then every metric that needs no mask, by title. */
export function scoreOptions(): { value: string; text: string }[] {
  return [
    { value: '', text: 'none' },
    ...VIEW_METRICS.map((name) => ({ value: name, text: METRICS[name].title })),
  ]
}

/** The class each input shows under a choice (null: none): what a request asks to be scored. */
export function shownTargets(payload: SaliencyPayload, choice: TargetChoice): (number | null)[] {
  return payload.inputs.map((_, input) => targetFor(payload, input, choice))
}

/** Identifies a score: the same metric of the same maps is asked once. */
export function scoreKey(metric: string, method: number, targets: readonly (number | null)[]): string {
  return `${metric}|${method}|${targets.join(',')}`
}

/**
 * A score as the view writes it: six decimals (enough to compare with `gw.evaluate`'s values to 1e-6),
 * exponent form for magnitudes a fixed form would lose or stretch; '–' where there is none.
 *
 * @example
 * formatScore(0.1234567)   // '0.123457'
 * formatScore(2.5e-9)      // '2.500000e-9'
 */
export function formatScore(value: number | null): string {
  if (value === null) return '–'
  const magnitude = Math.abs(value)
  return value !== 0 && (magnitude >= 1e6 || magnitude < 1e-4) ? value.toExponential(6) : value.toFixed(6)
}

/** A checked `scored` reply, or the reason it cannot be shown. */
export type ScoredReply = Extract<KernelMessage, { type: 'scored' }>

/** Why a reply to a score request cannot be shown (an error's message, or a malformed reply), or null. */
export function replyProblem(reply: KernelMessage, inputs: number): string | null {
  if (reply.type === 'error') return reply.message
  if (reply.type !== 'scored') return `the kernel answered '${String(reply.type)}' instead of scores`
  const number = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v))
  if (!Array.isArray(reply.scores) || reply.scores.length !== inputs || !reply.scores.every(number))
    return `the kernel's scores are not one number (or null) per input (${inputs})`
  if (!number(reply.mean) || typeof reply.title !== 'string') return "the kernel's reply has no mean or title"
  return null
}

/** The line under the controls once a row is scored: the metric, its direction, the mean per method row. */
export function scoreSummary(
  payload: SaliencyPayload,
  replies: readonly (ScoredReply | null)[],
  seconds: number | null,
): string {
  const first = replies.find((reply) => reply !== null)
  if (!first) return ''
  const direction = first.higherIsBetter ? 'higher' : 'lower'
  const count = (reply: ScoredReply): number => reply.scores.filter((v) => v !== null).length
  const means = replies.map((reply, method) => {
    if (!reply) return null
    const mean = `mean ${formatScore(reply.mean)} over ${count(reply)} input${count(reply) === 1 ? '' : 's'}`
    return payload.methods.length > 1 ? `${payload.methods[method]}: ${mean}` : mean
  })
  const took = seconds === null ? '' : ` (the kernel took ${seconds.toFixed(1)} s)`
  return `${first.title} under each overlay, ${direction} is better: ${means.filter((m) => m !== null).join('; ')}${took}.`
}

/** What the view says when the kernel could not score the maps. */
export function scoreNote(title: string, reason: string): string {
  const why = /no kernel/i.test(reason)
    ? 'no kernel is connected to this notebook; start one and run the cell again to score its maps'
    : reason.replace(/[.\s]+$/, '')
  return `Could not score ${title}: ${why}.`
}
