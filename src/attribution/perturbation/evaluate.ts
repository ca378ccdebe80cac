/**
 * The shared engine of the perturbation methods: run the model on many perturbed copies of one
 * example, in bounded batches, and return one score per copy. Masks select, element by element,
 * between the input (1) and the baseline (0).
 */
import * as tf from '@tensorflow/tfjs'
import type { AttributionContext } from '../types'

/** How perturbed copies are scored. */
export interface Scorer {
  /** The target's score for each copy in `batch`, all made from input row `row`. */
  evaluate: (batch: tf.Tensor, row: number) => tf.Tensor1D
  /** Perturbed copies per model call; bounds memory. */
  batchSize: number
}

/**
 * Scores of `input` (one example, `[1, ...]`) with the features that a coalition sets to 0 replaced
 * by the baseline. `featureMask` labels every element (shape broadcastable to the example, int32,
 * labels 0..features-1); `coalitions` is 0/1, `rows` x `features`.
 *
 * @example
 * const scores = scoreCoalitions(scorer, x.slice([0], [1]), tf.scalar(0), mask, rows, 16, 4, 0)
 */
export function scoreCoalitions(
  scorer: Scorer,
  input: tf.Tensor,
  baseline: tf.Tensor,
  featureMask: tf.Tensor,
  coalitions: Uint8Array,
  rows: number,
  features: number,
  example: number,
  background = false,
): Float64Array {
  const scores = new Float64Array(rows)
  // With a background set ([B, ...]), each coalition is scored against every background row and the
  // scores averaged (SHAP's interventional expectation); B copies count toward the batch size.
  const copies = background ? baseline.shape[0]! : 1
  const perCall = Math.max(1, Math.floor(scorer.batchSize / copies))
  for (let start = 0; start < rows; start += perCall) {
    const count = Math.min(perCall, rows - start)
    const chunk = tf.tidy(() => {
      const keep = tf.tensor2d(
        Float32Array.from(coalitions.subarray(start * features, (start + count) * features)),
        [count, features],
      )
      const masks = tf.gather(keep, featureMask.flatten(), 1).reshape([count, ...featureMask.shape])
      if (!background) return scorer.evaluate(mix(input, baseline, masks), example)
      const mixed = mix(input.expandDims(0), baseline.expandDims(0), masks.expandDims(1))
      const flat = mixed.reshape([count * copies, ...input.shape.slice(1)])
      return scorer.evaluate(flat, example).reshape([count, copies]).mean(1)
    })
    scores.set(chunk.dataSync(), start)
    chunk.dispose()
  }
  return scores
}

/**
 * Scores of `input` under a stack of real-valued masks made chunk by chunk by `makeMasks(start,
 * count)` (`[count, ...]`, broadcastable to the example); returns the scores and, when `accumulate`
 * is set, `sum_i score_i * mask_i` as a tensor the caller owns.
 */
export function scoreMasks(
  scorer: Scorer,
  input: tf.Tensor,
  baseline: tf.Tensor,
  total: number,
  makeMasks: (start: number, count: number) => tf.Tensor,
  example: number,
): { scores: Float64Array; weightedSum: tf.Tensor } {
  const scores = new Float64Array(total)
  let weightedSum: tf.Tensor | null = null
  for (let start = 0; start < total; start += scorer.batchSize) {
    const count = Math.min(scorer.batchSize, total - start)
    const [chunkScores, sum] = tf.tidy(() => {
      const masks = makeMasks(start, count)
      const chunk = scorer.evaluate(mix(input, baseline, masks), example)
      const weighted = tf
        .matMul(chunk.reshape([1, count]), masks.reshape([count, -1]))
        .reshape(masks.shape.slice(1))
      return [chunk, weightedSum ? weightedSum.add(weighted) : weighted]
    })
    scores.set(chunkScores.dataSync(), start)
    chunkScores.dispose()
    weightedSum?.dispose()
    weightedSum = sum
  }
  // The caller owns weightedSum.
  return { scores, weightedSum: weightedSum ?? tf.zeros(input.shape.slice(1)) }
}

/** The score of the example itself and of the baseline alone, in one model call. */
export function scoreEnds(
  scorer: Scorer,
  input: tf.Tensor,
  baseline: tf.Tensor,
  example: number,
  background = false,
): { inputScore: number; baselineScore: number } {
  // The input and the baseline (or each background row), scored batchSize copies per model call.
  const ends = tf.tidy(() =>
    background ? tf.concat([input, baseline]) : tf.concat([input, tf.broadcastTo(baseline, input.shape)]),
  )
  const scores = new Float32Array(ends.shape[0]!)
  try {
    for (let start = 0; start < scores.length; start += scorer.batchSize) {
      const count = Math.min(scorer.batchSize, scores.length - start)
      const part = tf.tidy(() => scorer.evaluate(ends.slice(start, count), example))
      scores.set(part.dataSync(), start)
      part.dispose()
    }
  } finally {
    ends.dispose()
  }
  const inputScore = scores[0]!
  const rest = scores.subarray(1)
  // Summed in float32 as tf.mean did, so that results stay as they were.
  const baselineScore = background ? tf.tidy(() => tf.mean(tf.tensor1d(rest)).dataSync()[0]!) : rest[0]!
  return { inputScore: inputScore!, baselineScore: baselineScore! }
}

/** `baseline + masks * (input - baseline)`, with masks stacked on the batch axis. */
function mix(input: tf.Tensor, baseline: tf.Tensor, masks: tf.Tensor): tf.Tensor {
  const rank = input.rank
  let shaped = masks
  while (shaped.rank < rank) shaped = shaped.expandDims(-1)
  return tf.add(baseline, tf.mul(shaped, tf.sub(input, baseline)))
}

/**
 * The scorer of a method body: copies of context row `row` scored by the context's objective
 * (the target's score, or the selected neuron), `batchSize` copies per model call.
 */
export function contextScorer(context: AttributionContext, batchSize: number): Scorer {
  return {
    evaluate: (batch, row) => context.objective(batch, new Int32Array(batch.shape[0]!).fill(row)),
    batchSize,
  }
}
