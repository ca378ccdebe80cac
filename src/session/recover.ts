/**
 * Repairs what an interrupted cell leaves behind. An interrupt stops JavaScript where it is, skipping
 * `finally` blocks, so a `tf.tidy` that was running never closes its scope: every later tensor would
 * be recorded in that dead scope. Between cells no scope should be open, so closing all of them
 * (which disposes the tensors they recorded, as tidy would have) restores a clean engine.
 */
import * as tf from '@tensorflow/tfjs'
import { releaseFailedTape } from '../model/tape'

/**
 * Closes tfjs scopes left open by an interrupted cell; returns how many were closed. The kernel calls
 * this after every interrupted execution.
 *
 * @example
 * closeAbandonedScopes()   // 0 when nothing was left open
 */
export function closeAbandonedScopes(): number {
  const state = tf.engine().state as unknown as {
    scopeStack: unknown[]
    gradientDepth: number
    kernelDepth: number
  }
  let closed = 0
  while (state.scopeStack.length > 0) {
    tf.engine().endScope()
    closed += 1
  }
  // An interrupt inside a gradient or kernel leaves these counters raised; nothing runs between cells.
  state.gradientDepth = 0
  state.kernelDepth = 0
  // And the tensors a gradient saved for a backward pass that never ran.
  releaseFailedTape()
  return closed
}
