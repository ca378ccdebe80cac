/**
 * The unit suites run on the native and the wasm backend. Steps that need a kernel wasm lacks
 * (UnsortedSegmentSum for the rotate transform's gradient, for instance) must fail there with the clear
 * GlasswingError from explainBackendError; this runs a step and checks whichever applies.
 */
import * as tf from '@tensorflow/tfjs'
import { expect } from 'vitest'
import { GlasswingError } from '../../../src'

export const onWasm = (): boolean => tf.getBackend() === 'wasm'

/** Runs `step`; on wasm a missing kernel must surface as a GlasswingError naming it and the fix. */
export async function runOrExplain<T>(step: () => Promise<T>): Promise<T | null> {
  try {
    return await step()
  } catch (error) {
    if (!onWasm()) throw error
    expect(error).toBeInstanceOf(GlasswingError)
    expect((error as Error).message).toMatch(/kernel.*'wasm' backend.*native TensorFlow/)
    return null
  }
}
