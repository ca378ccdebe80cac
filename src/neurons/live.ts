/**
 * The in-place picture of a running optimization: one notebook output (a display id) that shows the
 * current images every few steps, and a check for the user's interrupt at every step.
 */
import { JUPYTER_DISPLAY, type MimeBundle } from '../display/bundle'
import { display, type DisplayHandle } from '../session/display'
import { sessionState } from '../session/hooks'
import { interruptedError, interruptRequested } from '../session/interrupt'
import { imageGridPng, type ImageData } from './render'

/** A live output, or nothing where no front end updates outputs in place. */
export interface LiveOutput {
  show(step: number, steps: number, value: number, images: () => ImageData): void
  /** Replaces the picture with one line, so that only the returned result shows the final image. */
  finish(summary: string): void
  /** Throws when the user interrupted the cell. */
  checkInterrupt(where: string, step: number, steps: number): void
}

/** Whether a front end that updates outputs in place is attached (a notebook). */
export function richFrontEnd(): boolean {
  return sessionState().hooks.richDisplay
}

/** A live output when `enabled`. */
export function liveOutput(enabled: boolean, title: string): LiveOutput {
  let handle: DisplayHandle | undefined
  const hooks = sessionState().hooks
  return {
    show(step, steps, value, readImages) {
      if (!enabled) return
      const images = readImages()
      const bundle: MimeBundle = {
        'image/png': imageGridPng(images, { scale: Math.max(1, Math.round(112 / images.height)) }),
        'text/plain': `${title}: step ${step}/${steps}, objective ${value.toPrecision(4)}`,
      }
      const frame = { [JUPYTER_DISPLAY]: () => bundle }
      if (handle) handle.update(frame)
      else handle = display(frame)
    },
    finish(summary) {
      handle?.update({ [JUPYTER_DISPLAY]: () => ({ 'text/plain': summary }) })
    },
    checkInterrupt(where, step, steps) {
      if (interruptRequested(hooks))
        throw interruptedError(where, { done: step, total: steps, unit: 'steps' })
    },
  }
}
