// Parity of the CAM, perturbation and LRP methods with Captum and pytorch-grad-cam on identical
// weights, inputs and (for KernelSHAP and LIME) identical coalitions. The references come from
// scripts/reference/attribution/perturbation_cam_reference.py and lrp_reference.py; a difference must
// stay under 1e-4 of the reference attribution's range.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { explain, type ExplainOptions } from '../../src/attribution'
import { load, type GlasswingModel } from '../../src/model'

const FIXTURES = join(__dirname, '..', 'fixtures')
const TOLERANCE = 1e-4

interface Inputs {
  inputShape: number[]
  inputs: string
  targets: number[]
}
interface Reference {
  reference: Record<string, string>
  cases: { name: string; options: Record<string, unknown>; shape: number[]; values: string }[]
}

function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64')
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

function json<T>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, 'attribution', file), 'utf8')) as T
}

/** Max |ours - theirs| over the range of theirs; `ours` may repeat a one-channel map over channels. */
function relativeDifference(ours: Float32Array, theirs: Float32Array, channels: number): number {
  const stride = ours.length / theirs.length
  let [low, high, worst] = [Infinity, -Infinity, 0]
  for (let i = 0; i < theirs.length; i++) {
    low = Math.min(low, theirs[i]!)
    high = Math.max(high, theirs[i]!)
    worst = Math.max(worst, Math.abs(ours[i * stride]! - theirs[i]!))
  }
  expect(stride === 1 || stride === channels).toBe(true)
  return worst / Math.max(high - low, 1e-12)
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
    const difference = relativeDifference(result.values, floats(testCase.values), record.inputShape[3]!)
    console.log(
      `parity ${architecture} ${testCase.name}: max |diff| / range = ${difference.toExponential(2)}`,
    )
    expect(difference).toBeLessThan(TOLERANCE)
  })
})
