/** The saliency view's pure logic: which map each cell shows, captions, targets on offer. */
import type { SaliencyMap, SaliencyPayload } from '../../../src/display/schema'

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

/** The target choices worth offering: every prediction rank held, the label, and fixed classes held for all inputs. */
export function targetChoices(payload: SaliencyPayload): { value: string; text: string }[] {
  const index = indexMaps(payload.maps)
  const covered = (pick: (input: number) => number | null): boolean =>
    payload.inputs.every((_, input) => {
      const target = pick(input)
      return (
        target !== null && payload.methods.every((__, method) => index.has(`${input}/${method}/${target}`))
      )
    })
  const choices: { value: string; text: string }[] = []
  const ranks = Math.max(0, ...payload.inputs.map((input) => input.predictions.length))
  for (let rank = 0; rank < ranks; rank++)
    if (covered((input) => payload.inputs[input]!.predictions[rank]?.target ?? null))
      choices.push({ value: `rank:${rank}`, text: rank === 0 ? 'top prediction' : `prediction #${rank + 1}` })
  if (
    payload.inputs.some((input) => input.label !== null) &&
    covered((input) => payload.inputs[input]!.label)
  )
    choices.push({ value: 'label', text: 'true label' })
  const classes = new Set(payload.maps.map((map) => map.target))
  for (const target of [...classes].sort((a, b) => a - b))
    if (covered(() => target))
      choices.push({ value: `class:${target}`, text: `class ${className(payload, target)}` })
  if (choices.length === 0) choices.push({ value: 'rank:0', text: 'top prediction' })
  return choices
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
