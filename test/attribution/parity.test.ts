// Parity with Captum on identical weights and inputs (native backend). The reference comes from
// scripts/reference/attribution/run.sh; a difference must stay under 1e-4 of the attribution's range.
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain, type ExplainOptions } from '../../src/attribution'
import { load, type GlasswingModel } from '../../src/model'
import { FIXTURES, TOLERANCE, floats, json, relativeDifference } from './reference'

interface Inputs {
  inputShape: number[]
  inputs: string
  targets: number[]
  logits: string
}
interface Reference {
  reference: { captum: string; torch: string }
  baseline: string
  /** Reference examples GradientSHAP draws its baselines from. */
  distribution: string
  cases: {
    name: string
    options: Record<string, unknown>
    shape: number[]
    values: string
    delta: number[] | null
  }[]
}

describe.each(['small-cnn', 'deep-cnn'])('%s against Captum', (architecture) => {
  const record = json<Inputs>(`${architecture}.inputs.json`)
  const reference = json<Reference>(`${architecture}.captum.json`)
  let model: GlasswingModel
  let inputs: tf.Tensor
  let baseline: tf.Tensor
  let distribution: tf.Tensor

  beforeAll(async () => {
    model = await load(join(FIXTURES, 'models', architecture))
    inputs = tf.tensor(floats(record.inputs), record.inputShape)
    baseline = tf.tensor(floats(reference.baseline), [1, ...record.inputShape.slice(1)])
    distribution = tf.tensor(floats(reference.distribution), [3, ...record.inputShape.slice(1)])
  })
  afterAll(() => {
    tf.dispose([inputs, baseline, distribution])
    model.dispose()
  })

  it('loads the same logits as the PyTorch model', () => {
    const logits = tf.tidy(() => model.predict(inputs).dataSync() as Float32Array)
    expect(relativeDifference(logits, floats(record.logits))).toBeLessThan(1e-5)
  })

  it.each(reference.cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const options = { ...testCase.options, target: record.targets } as Record<string, unknown>
    if (options.baseline === 'fixture') options.baseline = baseline
    // Stochastic cases: Captum was made to draw Glasswing's own samples for this seed (glasswing_random.py).
    if (options.baselines === 'fixture-distribution') options.baselines = distribution
    const before = tf.memory().numTensors
    const result = await explain(model, inputs, options as unknown as ExplainOptions)
    expect(tf.memory().numTensors).toBe(before)
    expect(result.shape).toEqual(testCase.shape)
    let values = result.values
    if (testCase.name === 'ig-riemann-trapezoid') {
      // Captum's trapezoid weights are 1/n (halved at the ends) over n points spaced 1/(n-1): they sum to
      // 1 - 1/n. Glasswing uses the trapezoid rule's own 1/(n-1); the two differ by exactly (n-1)/n.
      const steps = testCase.options.steps as number
      values = values.map((v) => (v * (steps - 1)) / steps)
    }
    const difference = relativeDifference(values, floats(testCase.values))
    console.log(
      `parity ${architecture} ${testCase.name}: max |diff| / range = ${difference.toExponential(2)}`,
    )
    expect(difference).toBeLessThan(TOLERANCE)
    if (testCase.delta && testCase.name !== 'ig-riemann-trapezoid') {
      const scale = Math.max(...testCase.delta.map(Math.abs), 1e-3)
      result.delta!.forEach((d, row) =>
        expect(Math.abs(d - testCase.delta![row]!)).toBeLessThan(1e-3 * scale + 1e-5),
      )
    }
  })
})
