// Damaged model folders are explained: a model.json that is not JSON or not a tfjs model, a weights
// file that is missing, a labels.json that is not a list of names, class names that do not match the
// model's outputs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GlasswingError } from '../../../src'
import { load } from '../../../src/model'
import { tinyCnn } from './helpers'

let folder: string
let modelJson: string
let weights: Buffer

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gw-files-'))
  const model = tinyCnn()
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, weightSpecs, ...rest } = artifacts
      modelJson = JSON.stringify({
        ...rest,
        weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
      })
      weights = Buffer.from(weightData as ArrayBuffer)
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  model.dispose()
})
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** A fresh model folder with these files (model.json and weights.bin unless replaced; null leaves one out). */
function folderWith(files: Record<string, string | Buffer | null>): string {
  const path = mkdtempSync(join(folder, 'case-'))
  const all: Record<string, string | Buffer | null> = {
    'model.json': modelJson,
    'weights.bin': weights,
    ...files,
  }
  for (const [name, content] of Object.entries(all))
    if (content !== null) writeFileSync(join(path, name), content)
  return path
}

/** The GlasswingError `load` throws, checked to name gw.load and the argument. */
async function loadError(path: string, argument: string, options = {}): Promise<GlasswingError> {
  const before = tf.memory().numTensors
  const error = await load(path, options).then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(GlasswingError)
  const details = (error as GlasswingError).details
  expect(details.where).toBe('gw.load')
  expect(details.argument).toBe(argument)
  expect(details.hint).toBeTruthy()
  expect(tf.memory().numTensors).toBe(before)
  return error as GlasswingError
}

describe('damaged model folders', () => {
  it('loads the intact folder', async () => {
    const model = await load(folderWith({ 'labels.json': '["a", "b", 3]' }))
    expect(model.classNames).toEqual(['a', 'b', '3'])
    model.dispose()
  })

  it('explains a model.json that is cut short, is not an object, or lacks its parts', async () => {
    const cut = await loadError(folderWith({ 'model.json': modelJson.slice(0, 100) }), 'source')
    expect(cut.message).toMatch(/not valid JSON/)
    expect(cut.message).toMatch(/export or copy the model again/)
    await loadError(folderWith({ 'model.json': '[1, 2]' }), 'source')
    const bare = await loadError(folderWith({ 'model.json': '{"weightsManifest": []}' }), 'source')
    expect(bare.message).toMatch(/without a modelTopology/)
    const parsed = JSON.parse(modelJson) as Record<string, unknown>
    const noWeights = await loadError(
      folderWith({ 'model.json': JSON.stringify({ ...parsed, weightsManifest: [{ paths: 3 }] }) }),
      'source',
    )
    expect(noWeights.message).toMatch(/weightsManifest/)
  })

  it('names the missing weights file', async () => {
    const error = await loadError(folderWith({ 'weights.bin': null }), 'source')
    expect(error.message).toMatch(/weights file 'weights\.bin'/)
    expect(error.message).toMatch(/Copy every file of the model folder/)
  })

  it('explains a labels.json that is not JSON or not a list of names', async () => {
    for (const labels of ['["a", "b"', '{"0": "a"}', '["a", {"name": "b"}, "c"]', '"abc"']) {
      const error = await loadError(folderWith({ 'labels.json': labels }), 'labels.json')
      expect(error.message).toMatch(/a JSON array of class names/)
    }
  })

  it('refuses class names that do not match the outputs, from a file or the options', async () => {
    const four = await loadError(folderWith({ 'labels.json': '["a", "b", "c", "d"]' }), 'labels.json')
    expect(four.message).toMatch(/expected 3 class names, one per output of the model, got 4/)
    const two = await loadError(folderWith({}), 'options.classNames', { classNames: ['a', 'b'] })
    expect(two.message).toMatch(/got 2/)
    await loadError(folderWith({}), 'options.classNames[1]', { classNames: ['a', 7, 'c'] })
    await loadError(folderWith({}), 'options.classNames', { classNames: 'abc' })
    // The same check for a model in memory.
    const memory = tinyCnn()
    await expect(load(memory, { classNames: ['a', 'b', 'c', 'd'] })).rejects.toThrow(
      /options\.classNames expected 3 class names/,
    )
    memory.dispose()
  })
})
