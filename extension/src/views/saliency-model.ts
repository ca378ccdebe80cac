/** The saliency view's pure logic: which map each cell shows, captions, targets on offer. */
import type { SaliencyMap, SaliencyMode, SaliencyPayload } from '../../../src/display/schema'

/** How the view picks each input's target: its k-th prediction, its label, or one fixed class. */
export type TargetChoice =
  | { kind: 'rank'; rank: number }
  | { kind: 'label' }
  | { kind: 'class'; target: number }

/** The class name of a target, or its index as text. */
export function className(payload: SaliencyPayload, target: number | null): string {
  if (target === null) return '?'
  return payload.classNames?.[target] ?? String(target)
}

/** Looks maps up by input, method and target. */
export function indexMaps(maps: SaliencyMap[]): Map<string, SaliencyMap> {
  const index = new Map<string, SaliencyMap>()
  for (const map of maps) index.set(`${map.input}/${map.method}/${map.target}`, map)
  return index
}

/** The class a cell explains under a choice, or null when the input has no such target. */
export function targetFor(payload: SaliencyPayload, input: number, choice: TargetChoice): number | null {
  const item = payload.inputs[input]!
  if (choice.kind === 'rank') return item.predictions[choice.rank]?.target ?? null
  if (choice.kind === 'label') return item.label
  return choice.target
}

/** One entry of the target selector. */
export interface TargetOption {
  value: string
  text: string
  /** 'per input' (ranks, label), 'sent' (classes the payload holds for every input), 'kernel' (asked for). */
  group: 'per input' | 'sent' | 'kernel'
}

/** How many classes the model has: the payload's count, else its class names, else the classes it holds. */
export function classCount(payload: SaliencyPayload): number {
  return (
    payload.classCount ??
    payload.classNames?.length ??
    1 +
      Math.max(
        0,
        ...payload.maps.map((map) => map.target),
        ...payload.inputs.flatMap((i) => i.predictions.map((p) => p.target)),
      )
  )
}

/** Whether every input holds a map of every method under a choice (else the kernel must compute it). */
export function held(payload: SaliencyPayload, choice: TargetChoice): boolean {
  const index = indexMaps(payload.maps)
  return payload.inputs.every((_, input) => {
    const target = targetFor(payload, input, choice)
    return target !== null && payload.methods.every((__, method) => index.has(`${input}/${method}/${target}`))
  })
}

/**
 * The targets worth offering: every prediction rank held, the label, the classes held for all inputs
 * (marked with how they rank among the predictions the kernel sent), and, when the payload carries a
 * live id (`live`), every other class of the model, which the kernel computes when picked.
 *
 * @example
 * targetChoices(payload, true).map((c) => c.text)   // ['top prediction', ..., 'class 3 (top of 2 inputs)', 'class 4', ...]
 */
export function targetChoices(payload: SaliencyPayload, live = false): TargetOption[] {
  const choices: TargetOption[] = []
  const ranks = Math.max(0, ...payload.inputs.map((input) => input.predictions.length))
  for (let rank = 0; rank < ranks; rank++)
    if (held(payload, { kind: 'rank', rank }))
      choices.push({
        value: `rank:${rank}`,
        text: rank === 0 ? 'top prediction' : `prediction #${rank + 1}`,
        group: 'per input',
      })
  if (payload.inputs.some((input) => input.label !== null) && held(payload, { kind: 'label' }))
    choices.push({ value: 'label', text: 'true label', group: 'per input' })
  for (let target = 0; target < classCount(payload); target++) {
    const sent = held(payload, { kind: 'class', target })
    if (!sent && !live) continue
    const text = `class ${className(payload, target)}${predictionNote(payload, target)}`
    choices.push({ value: `class:${target}`, text, group: sent ? 'sent' : 'kernel' })
  }
  if (choices.length === 0) choices.push({ value: 'rank:0', text: 'top prediction', group: 'per input' })
  return choices
}

/** How a class ranks among the predictions: '(#1, 97.0%)' for one input, '(top of 3 inputs)' for several. */
function predictionNote(payload: SaliencyPayload, target: number): string {
  if (payload.inputs.length === 1) {
    const predictions = payload.inputs[0]!.predictions
    const rank = predictions.findIndex((p) => p.target === target)
    return rank < 0 ? '' : ` (#${rank + 1}, ${(predictions[rank]!.probability * 100).toFixed(1)}%)`
  }
  const top = payload.inputs.filter((input) => input.predictions[0]?.target === target).length
  return top === 0 ? '' : ` (top of ${top} input${top === 1 ? '' : 's'})`
}

/**
 * The payload with maps from the kernel merged in: a map for the same input, method and target
 * replaces the one held, others are added.
 *
 * @example
 * payload = mergeMaps(payload, reply.maps)
 */
export function mergeMaps(payload: SaliencyPayload, maps: readonly SaliencyMap[]): SaliencyPayload {
  const key = (map: SaliencyMap): string => `${map.input}/${map.method}/${map.target}`
  const incoming = new Set(maps.map(key))
  return { ...payload, maps: [...payload.maps.filter((map) => !incoming.has(key(map))), ...maps] }
}

/**
 * What the view says when the kernel cannot compute a class: why, and that the view goes on with what
 * its payload holds.
 */
export function kernelNote(payload: SaliencyPayload, target: number, reason: string): string {
  const name = `class ${className(payload, target)}`
  const why = /no kernel/i.test(reason)
    ? 'no kernel is connected to this notebook. Start one and run the cell again to explain other classes'
    : reason.replace(/^saliency view:\s*/, '').replace(/[.\s]+$/, '')
  return `Could not compute ${name}: ${why}. Showing what this output holds.`
}

/** What the view shows, in words: "class 5 for every input", "each input's top prediction"... */
export function describeChoice(payload: SaliencyPayload, choice: TargetChoice): string {
  if (choice.kind === 'class') return `class ${className(payload, choice.target)} for every input`
  if (choice.kind === 'label') return "each input's true label"
  return choice.rank === 0 ? "each input's top prediction" : `each input's prediction #${choice.rank + 1}`
}

/** Parses a choice's value as written by `targetChoices`. */
export function parseChoice(value: string): TargetChoice {
  if (value === 'label') return { kind: 'label' }
  const [kind, number] = value.split(':')
  return kind === 'class'
    ? { kind: 'class', target: Number(number) }
    : { kind: 'rank', rank: Number(number) || 0 }
}

/** The caption of an input: prediction with probability, and the label when known. */
export function caption(payload: SaliencyPayload, input: number): { text: string; wrong: boolean } {
  const item = payload.inputs[input]!
  const top = item.predictions[0]
  const parts: string[] = []
  if (top) parts.push(`pred ${className(payload, top.target)} (${(top.probability * 100).toFixed(1)}%)`)
  if (item.label !== null) parts.push(`label ${className(payload, item.label)}`)
  return {
    text: parts.join(' · '),
    wrong: top !== undefined && item.label !== null && top.target !== item.label,
  }
}

/**
 * How a method's row is drawn: as "Show" says where its maps are signed, as magnitudes where they are
 * not (saliency, SmoothGrad, Grad-CAM beside Integrated Gradients): their values are never negative.
 *
 * @example
 * modeOf({ ...payload, signedMethods: [false, true] }, 0, 'signed')   // 'absolute'
 */
export function modeOf(payload: SaliencyPayload, method: number, shown: SaliencyMode): SaliencyMode {
  return payload.signedMethods?.[method] === false ? 'absolute' : shown
}

/** The "Show" control's label: it names the signed methods when only some of them are. */
export function showLabel(payload: SaliencyPayload): string {
  const flags = payload.signedMethods
  if (!payload.signed || !flags || flags.every(Boolean)) return 'Show'
  const signed = payload.methods.filter((_, m) => flags[m])
  return `Show (${signed.join(', ')})`
}
