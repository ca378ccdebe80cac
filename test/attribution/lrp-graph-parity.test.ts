// LRP through layer graphs: parity with zennit on a residual + concatenation CNN (identical weights
// and inputs; scripts/reference/attribution/lrp_graph_reference.py), and chain models unchanged by the
// move from chains to graphs (test/fixtures/attribution/lrp-chains.before.json, from the chain-only
// code). A difference must stay under 1e-4 of the reference attribution's range.
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { explain, type ExplainOptions } from '../../src/attribution'
import { load } from '../../src/model'
import { FIXTURES, TOLERANCE, floats, json, relativeDifference } from './reference'

interface Inputs {
  inputShape: number[]
  inputs: string
  targets: number[]
}
interface Case {
  name?: string
  architecture?: string
  options: Record<string, unknown>
  shape: number[]
  values: string
}

async function lrpOn(architecture: string, options: Record<string, unknown>): Promise<Float32Array> {
  const record = json<Inputs>(`${architecture}.inputs.json`)
  const model = await load(join(FIXTURES, 'models', architecture))
  const inputs = tf.tensor(floats(record.inputs), record.inputShape)
  const before = tf.memory().numTensors
  const result = await explain(model, inputs, {
    ...options,
    target: record.targets,
  } as unknown as ExplainOptions)
  expect(tf.memory().numTensors).toBe(before)
  inputs.dispose()
  model.dispose()
  return result.values
}

describe('LRP on a residual + concatenation CNN against zennit', () => {
  const reference = json<{ cases: Case[] }>('residual-cnn.lrp-zennit.json')
  it.each(reference.cases.map((c) => [c.name!, c] as const))('%s', async (name, testCase) => {
    const [ours, theirs] = [await lrpOn('residual-cnn', testCase.options), floats(testCase.values)]
    expect(ours.length).toBe(theirs.length)
    const difference = relativeDifference(ours, theirs)
    console.log(`parity residual-cnn ${name} (zennit): max |diff| / range = ${difference.toExponential(2)}`)
    expect(difference).toBeLessThan(TOLERANCE)
  })
})

describe('LRP on chains, unchanged by graphs', () => {
  const before = json<{ cases: (Case & { sha256: string })[] }>('lrp-chains.before.json')
  it.each(before.cases.map((c) => [c.architecture!, JSON.stringify(c.options), c] as const))(
    '%s %s',
    async (architecture, options, testCase) => {
      const ours = await lrpOn(architecture, { method: 'lrp', ...testCase.options })
      const theirs = floats(testCase.values)
      const identical = Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength).equals(
        Buffer.from(theirs.buffer),
      )
      expect(ours.length).toBe(theirs.length)
      const difference = relativeDifference(ours, theirs)
      console.log(
        `chain ${architecture} ${options}: ${identical ? 'bit-identical' : `max |diff| / range = ${difference.toExponential(2)}`}`,
      )
      // Bit-identical on the machine that made the fixture; other CPUs may round differently.
      expect(difference).toBeLessThan(1e-6)
    },
  )
})
