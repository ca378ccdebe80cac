/**
 * The saliency view's Target control: what the payload holds, and, with a live id, every other class,
 * which the kernel computes when picked (an `explain` request); its maps are merged into the payload.
 */
import type { KernelLink } from '../link'
import { validatePayload } from '../../../src/display/validate'
import { targetSelect } from './saliency-controls'
import type { SaliencyState } from './saliency-grid'
import {
  className,
  describeChoice,
  held,
  kernelNote,
  mergeMaps,
  parseChoice,
  targetChoices,
  type TargetChoice,
} from './saliency-model'

/** The value of a choice in the target <select>. */
function valueOf(choice: TargetChoice): string {
  return choice.kind === 'class'
    ? `class:${choice.target}`
    : choice.kind === 'label'
      ? 'label'
      : `rank:${choice.rank}`
}

/**
 * Builds the target picker into `parts.slot`; `parts.shown` says what the grid shows and `parts.status`
 * how a request went. `changed` runs whenever the choice or the payload's maps change.
 */
export function targetPicker(
  document: Document,
  state: SaliencyState,
  parts: { slot: HTMLElement; shown: HTMLElement; status: HTMLElement },
  link: KernelLink | null,
  changed: () => void,
): { build(): void } {
  const live = link !== null && state.payload.displayId !== undefined
  const { slot, shown, status } = parts
  let asked = 0
  const build = (): void => {
    const choices = targetChoices(state.payload, live)
    if (!choices.some((choice) => choice.value === valueOf(state.choice)))
      state.choice = parseChoice(choices[0]!.value)
    const picker = targetSelect(
      document,
      choices,
      valueOf(state.choice),
      (value) => void choose(parseChoice(value)),
    )
    slot.replaceChildren(picker.root)
    shown.textContent = `Showing ${describeChoice(state.payload, state.choice)}.`
  }
  const choose = async (choice: TargetChoice): Promise<void> => {
    const request = ++asked
    if (held(state.payload, choice) || choice.kind !== 'class' || !live) {
      status.textContent = ''
      state.choice = choice
      build()
      changed()
      return
    }
    const target = choice.target
    status.textContent = `Asking the kernel for class ${className(state.payload, target)}...`
    status.className = 'gw-status gw-busy'
    const started = performance.now()
    const reply = await link!.request({
      type: 'explain',
      requestId: `${state.payload.displayId}/${target}/${request}`,
      displayId: state.payload.displayId!,
      target,
    })
    const merged =
      reply.type === 'explained' ? validatePayload('saliency', mergeMaps(state.payload, reply.maps)) : null
    // Maps that arrive are kept even when the user has moved on: picking that class again is then instant.
    if (merged?.ok) state.payload = merged.payload
    if (request !== asked) return
    status.className = 'gw-status'
    if (merged?.ok && held(state.payload, choice)) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      status.textContent = `class ${className(state.payload, target)} computed by the kernel in ${seconds} s.`
      state.choice = choice
    } else {
      const reason =
        reply.type === 'error'
          ? reply.message
          : merged && !merged.ok
            ? `the kernel's maps are not valid (${merged.errors[0]})`
            : 'the kernel sent no map for it'
      status.textContent = kernelNote(state.payload, target, reason)
      status.className = 'gw-status gw-note'
    }
    build()
    changed()
  }
  return { build }
}
