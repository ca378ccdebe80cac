// Parity of the CAM, perturbation and LRP methods with Captum and pytorch-grad-cam on identical
// weights, inputs and (for KernelSHAP and LIME) identical coalitions. The references come from
// scripts/reference/attribution/perturbation_cam_reference.py and lrp_reference.py; a difference must
// stay under 1e-4 of the reference attribution's range.
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
}
interface Reference {
  reference: Record<string, string>
  cases: { name: string; options: Record<string, unknown>; shape: number[]; values: string }[]
}

const SUITES = ['small-cnn', 'deep-cnn'].flatMap((architecture) =>
  ['cam-perturbation', 'lrp', 'path'].map((kind) => [architecture, kind] as const),
)

describe.each(SUITES)('%s %s against Captum and pytorch-grad-cam', (architecture, kind) => {
  const record = json<Inputs>(`${architecture}.inputs.json`)
  const reference = json<Reference>(`${architecture}.${kind}.json`)
  let model: GlasswingModel
  let inputs: tf.Tensor

  beforeAll(async () => {
    model = await load(join(FIXTURES, 'models', architecture))
    inputs = tf.tensor(floats(record.inputs), record.inputShape)
  })
  afterAll(() => {
    inputs.dispose()
    model.dispose()
  })

  it.each(reference.cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const options = { ...testCase.options, target: record.targets } as Record<string, unknown>
    const regions = options.regions as { masksShape?: number[]; masks?: string } | undefined
    const masks = regions?.masksShape
      ? tf.tensor(Uint8Array.from(Buffer.from(regions.masks!, 'base64')), regions.masksShape, 'int32')
      : null
    if (masks) options.regions = { method: 'masks', masks }
    const before = tf.memory().numTensors
    const result = await explain(model, inputs, options as unknown as ExplainOptions)
    expect(tf.memory().numTensors).toBe(before)
    masks?.dispose()
    expect(result.shape.slice(0, 3)).toEqual(testCase.shape.slice(0, 3))
    const theirs = floats(testCase.values)
    // Ours may repeat a one-channel map over the input's channels.
    const stride = result.values.length / theirs.length
    expect(stride === 1 || stride === record.inputShape[3]!).toBe(true)
    const difference = relativeDifference(result.values, theirs)
    console.log(
      `parity ${architecture} ${testCase.name}: max |diff| / range = ${difference.toExponential(2)}`,
    )
    expect(difference).toBeLessThan(TOLERANCE)
  })
})
