/** Clean-up after a gradient computation that threw. */
import * as tf from '@tensorflow/tfjs'

interface EngineState {
  activeTape: { saved?: tf.Tensor[] }[] | null
  gradientDepth: number
}

/**
 * Frees what a failed `tf.grad` left behind. tfjs keeps the tensors each op saved for its gradient
 * until the backward pass completes; when that pass throws (a layer without a gradient, a backend
 * without a kernel), they stay kept forever. Call it in the `catch` of a top-level gradient call.
 *
 * @example
 * try { tf.tidy(() => tf.grad(f)(x)) } catch (error) { releaseFailedTape(); throw error }
 */
export function releaseFailedTape(): void {
  const state = (tf.engine() as unknown as { state: EngineState }).state
  if (state.gradientDepth !== 0 || !state.activeTape) return
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose()
  state.activeTape = null
}
