/**
 * Batched forward passes over perturbed inputs, built one pass at a time so memory stays bounded by
 * `batchSize` rows whatever the number of perturbations; an interrupt check between passes.
 */
import * as tf from '@tensorflow/tfjs'
import type { GlasswingModel } from '../model/types'
import { throwIfInterrupted } from '../session/interrupt'

/** A set of perturbed inputs to score: `fill` writes row `row`'s input, `target` names its class. */
export interface ScoreJob {
  rows: number
  fill(row: number, out: Float32Array): void
  target(row: number): number
}

/** Scores of a job's rows: the model's output at each row's target class. */
export type Scorer = (job: ScoreJob) => Float64Array

/**
 * A scorer running `model` (`softmax`: scores are the softmax of its outputs, as Quantus's faithfulness metrics take by default) on inputs of `exampleShape` (without batch axis), `batchSize` rows a pass.
 *
 * @example
 * const score = modelScorer(model, [28, 28, 1], 128, 'gw.evaluate')
 * score({ rows: 2, fill: (r, out) => out.set(images[r]), target: () => 3 })
 */
export function modelScorer(
  model: GlasswingModel,
  exampleShape: readonly number[],
  batchSize: number,
  where: string,
  softmax = false,
): Scorer {
  const features = exampleShape.reduce((a, b) => a * b, 1)
  return (job) => {
    const scores = new Float64Array(job.rows)
    for (let first = 0; first < job.rows; first += batchSize) {
      throwIfInterrupted(where, { done: first, total: job.rows, unit: 'perturbed inputs' })
      const count = Math.min(batchSize, job.rows - first)
      const buffer = new Float32Array(count * features)
      for (let r = 0; r < count; r++) job.fill(first + r, buffer.subarray(r * features, (r + 1) * features))
      const output = tf.tidy(() => {
        const out = model.predict(tf.tensor(buffer, [count, ...exampleShape], 'float32')).reshape([count, -1])
        return softmax ? tf.softmax(out) : out
      })
      const classes = output.shape[1]!
      const values = output.dataSync()
      output.dispose()
      for (let r = 0; r < count; r++) scores[first + r] = values[r * classes + job.target(first + r)]!
    }
    return scores
  }
}
