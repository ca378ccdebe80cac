/**
 * The saliency view's Score control: pick a quality metric and the kernel scores the maps shown (a
 * `score` request per method row, gw.evaluate's code on the result it holds); each input's score is
 * written under its overlay and the mean above the grid, with a spinner while the kernel works and the
 * reason when it cannot. Nothing is computed until a metric is picked; scores already received are
 * kept, so going back to a target or metric is instant.
 */
import type { KernelLink } from '../link'
import { el, select } from './dom'
import type { SaliencyGrid, SaliencyState } from './saliency-grid'
import {
  formatScore,
  replyProblem,
  scoreKey,
  scoreNote,
  scoreOptions,
  scoreSummary,
  shownTargets,
  type ScoredReply,
} from './saliency-score-model'
import { userText } from './text/user-text'

/** How long a score may take in the kernel before the view stops waiting (slow metrics re-explain). */
const SCORE_TIMEOUT_MS = 600_000

/** The control (`root`) and its status line, or null without a live link (nothing could compute scores). */
export function scoreControl(
  document: Document,
  state: SaliencyState,
  grid: SaliencyGrid,
  link: KernelLink | null,
): { root: HTMLElement; status: HTMLElement; refresh(): Promise<void> } | null {
  const displayId = state.payload.displayId
  if (!link || displayId === undefined) return null
  const options = scoreOptions()
  const status = el(document, 'div', 'gw-score-status')
  const cache = new Map<string, ScoredReply>()
  let metric = ''
  let run = 0

  const say = (text: string, how: 'busy' | 'note' | 'done'): void => {
    status.className = `gw-score-status gw-${how}`
    status.replaceChildren(...(how === 'busy' ? [el(document, 'span', 'gw-spinner')] : []), text)
  }
  const write = (method: number, reply: ScoredReply | null): void => {
    state.payload.inputs.forEach((_, input) => {
      const slot = grid.scoreSlot(input, method)
      if (!slot) return
      slot.textContent = reply ? formatScore(reply.scores[input] ?? null) : ''
      slot.title = reply
        ? `${reply.title} of this map (${reply.higherIsBetter ? 'higher' : 'lower'} is better)`
        : ''
    })
  }

  const refresh = async (): Promise<void> => {
    const current = ++run
    const methods = state.payload.methods.map((_, method) => method)
    for (const method of methods) write(method, null)
    if (!metric) {
      status.replaceChildren()
      status.className = 'gw-score-status'
      return
    }
    const title = options.find((option) => option.value === metric)?.text ?? metric
    const targets = shownTargets(state.payload, state.choice)
    const replies: (ScoredReply | null)[] = methods.map(() => null)
    const started = performance.now()
    let asked = false
    for (const method of methods) {
      const key = scoreKey(metric, method, targets)
      let reply = cache.get(key)
      if (!reply) {
        asked = true
        say(
          `Scoring ${title} in the kernel${methods.length > 1 ? ` (${state.payload.methods[method]})` : ''}...`,
          'busy',
        )
        const answer = await link.request(
          {
            type: 'score',
            requestId: `${displayId}/score/${current}/${method}`,
            displayId,
            metric,
            method,
            targets,
          },
          SCORE_TIMEOUT_MS,
        )
        const problem = replyProblem(answer, state.payload.inputs.length)
        // A reply that comes after the user moved on is kept for when they come back, not shown.
        if (!problem) cache.set(key, answer as ScoredReply)
        if (current !== run) return
        if (problem) {
          say(scoreNote(title, userText(problem, 400)), 'note')
          return
        }
        reply = answer as ScoredReply
      }
      replies[method] = reply
      write(method, reply)
    }
    const seconds = asked ? (performance.now() - started) / 1000 : null
    say(scoreSummary(state.payload, replies, seconds), 'done')
  }

  const picker = select(document, 'Score', options, metric, (value) => {
    metric = value
    void refresh()
  })
  picker.input.classList.add('gw-score-select')
  picker.root.title = 'A quality metric of the maps shown, computed by the kernel (gw.evaluate) when picked'
  return { root: picker.root, status, refresh }
}
